"""E-mails: what readers typed reaches them as typed, and a failed e-mail is never lost."""

from __future__ import annotations

import datetime as dt
import logging
import re
import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest
from django.core import mail

from directory import emails
from directory.models import FailedNotification, OfferOwner
from directory.moderation import notify_decision
from tests.factories import make_offer

NASTY = 'Tom & Jerry <b>"Kurs"</b> </script/'
ESCAPED = "Tom &amp; Jerry &lt;b&gt;&quot;Kurs&quot;&lt;/b&gt; &lt;/script/"
LINK = "http://testserver/de/offer-link/abc/"

# Every e-mail the project renders through ``emails.send``, with a context like its sender's.
CONTEXTS = {
    "confirm_submission": {"title": NASTY, "confirm_url": LINK, "days": 7},
    "decision_approved": {"title": NASTY, "comment": NASTY, "offer_url": LINK, "edit_url": LINK},
    "decision_changes": {"title": NASTY, "comment": NASTY, "edit_url": LINK},
    "decision_declined": {"title": NASTY, "comment": NASTY},
    "membership_approved": {"name": NASTY, "organisation": NASTY, "login_url": LINK},
    "reminder": {
        "title": NASTY,
        "last_confirmed": dt.date(2026, 1, 10),
        "current_url": LINK,
        "edit_url": LINK,
    },
}


def html_body(message) -> str:
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return html


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_plain_text_keeps_what_was_typed_and_html_escapes_it(db, name):
    assert emails.send(name, "amal@example.org", "de", CONTEXTS[name]) is True
    (message,) = mail.outbox
    if "title" in CONTEXTS[name]:
        assert NASTY in message.subject
    else:
        assert message.subject == "Ihr Konto ist bestätigt"
    assert "&amp;" not in message.subject and "&lt;" not in message.subject
    assert NASTY in message.body
    assert "&amp;" not in message.body and "&lt;" not in message.body
    html = html_body(message)
    assert ESCAPED in html and NASTY not in html and "</script/" not in html
    assert message.extra_headers["Content-Language"] == "de"


def test_password_reset_mail_as_django_sends_it(client, site_tree, django_user_model):
    """Django's own form sends this one (directory/views/accounts.py), with our templates."""
    django_user_model.objects.create_user("amal", "amal@example.org", "pw-amal-12345")
    response = client.post("/de/account/password/", {"email": "amal@example.org"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "Neues Passwort wählen"
    link = re.search(r"http://testserver/de/account/password/[\w-]+/[\w-]+/", message.body)
    assert link, message.body
    assert "&amp;" not in message.body and "&lt;" not in message.body
    assert f'href="{link.group(0)}"' in html_body(message)


def test_a_subject_is_one_line_without_control_characters(db):
    title = "Kurs\r\nBcc: spam@example.org\rX\x1b[31m\u2028Y"
    assert emails.send(
        "confirm_submission",
        "amal@example.org",
        "de",
        {**CONTEXTS["confirm_submission"], "title": title},
    )
    (message,) = mail.outbox
    assert not re.search(r"[\x00-\x1f\x7f\u2028\u2029]", message.subject)
    assert "Kurs Bcc: spam@example.org X [31m Y" in message.subject
    assert message.to == ["amal@example.org"] and not message.bcc
    assert message.message()["Bcc"] is None


# --- Failures ------------------------------------------------------------------------------


class RefusingSMTPHandler(socketserver.StreamRequestHandler):
    """Speaks just enough SMTP (RFC 5321) to greet, accept a sender and refuse every recipient."""

    def handle(self) -> None:
        self.reply("220 mail.test ESMTP")
        for line in self.rfile:
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 mail.test")
            elif verb in (b"MAIL", b"RSET", b"NOOP"):
                self.reply("250 2.0.0 OK")
            elif verb == b"RCPT":
                # Real servers name the address in the refusal: the log must not repeat it.
                address = line.decode().split(":", 1)[1].strip()
                self.reply(f"550 5.1.1 {address}: mailbox unavailable")
            elif verb == b"QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Command not recognised")

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")


@pytest.fixture
def refusing_smtp(settings) -> Iterator[int]:
    """A mail server on 127.0.0.1 that refuses every recipient; Django's SMTP backend uses it."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), RefusingSMTPHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield port
    server.shutdown()
    server.server_close()


@pytest.fixture
def no_smtp(settings) -> None:
    """No mail server at all: the port is closed, the connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


class Collect(logging.Handler):
    """Keeps every record it is given, once."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def email_log() -> Iterator[Collect]:
    """Records of the "gemeinsam.emails" logger, collected where they are made."""
    logger = logging.getLogger("gemeinsam.emails")
    collect = Collect()
    logger.addHandler(collect)
    yield collect
    logger.removeHandler(collect)


@pytest.mark.parametrize("server", ["refusing_smtp", "no_smtp"])
def test_a_failed_email_is_logged_and_kept_not_raised(request, site_tree, email_log, server):
    request.getfixturevalue(server)
    offer = make_offer(site_tree, "Nähcafé")
    sent = emails.send(
        "decision_changes",
        "amal@example.org",
        "ar",
        {"title": "Nähcafé", "comment": "Bitte Uhrzeit angeben", "edit_url": LINK},
        offer=offer,
    )
    assert sent is False
    failure = FailedNotification.objects.get()
    assert (failure.template, failure.recipient, failure.language) == (
        "decision_changes",
        "amal@example.org",
        "ar",
    )
    assert failure.offer == offer and not failure.resolved
    expected = "SMTPRecipientsRefused" if server == "refusing_smtp" else "ConnectionRefusedError"
    assert failure.error.startswith(expected)

    (record,) = email_log.records
    assert record.levelno == logging.ERROR
    assert "decision_changes" in record.getMessage() and expected in record.getMessage()
    assert "amal@example.org" not in record.getMessage()


def test_a_decision_whose_email_fails_still_stands(site_tree, refusing_smtp):
    """The decision is taken even though its e-mail fails; the failure names the offer."""
    offer = make_offer(site_tree, "Tanzkurs")
    OfferOwner.objects.create(offer=offer, email="oksana@example.org", language="uk")
    notify_decision(offer.pk, "decline", "Kein Angebot für Neuzugewanderte")
    failure = FailedNotification.objects.get()
    assert (failure.template, failure.recipient, failure.language) == (
        "decision_declined",
        "oksana@example.org",
        "uk",
    )
    assert failure.offer == offer


def test_moderators_see_failed_emails_on_the_dashboard_and_resolve_them(
    client, site_tree, refusing_smtp, moderator
):
    offer = make_offer(site_tree, "Schwimmkurs für Frauen")
    emails.send("reminder", "oksana@example.org", "uk", CONTEXTS["reminder"], offer=offer)
    failure = FailedNotification.objects.get()

    client.force_login(moderator)
    html = client.get("/admin/").content.decode()
    start = html.index('id="failed-notifications-section"')
    panel = html[start : html.index("</section>", start)]
    assert "oksana@example.org" in panel and "Schwimmkurs für Frauen" in panel
    assert f"/admin/snippets/directory/failednotification/edit/{failure.pk}/" in panel

    listing = client.get("/admin/snippets/directory/failednotification/")
    assert listing.status_code == 200 and "oksana@example.org" in listing.content.decode()
    edit_url = f"/admin/snippets/directory/failednotification/edit/{failure.pk}/"
    assert "SMTPRecipientsRefused" in client.get(edit_url).content.decode()
    assert client.post(edit_url, {"resolved": "on"}).status_code == 302
    failure.refresh_from_db()
    assert failure.resolved
    assert failure.recipient == "oksana@example.org"  # read-only fields stay as they were
    assert "failed-notifications" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_failed_emails_are_not_shown_to_others(client, site_tree, django_user_model, role):
    FailedNotification.objects.create(
        template="reminder", recipient="oksana@example.org", language="uk", error="SMTP down"
    )
    if role == "member":
        from tests.directory.conftest import make_member

        user, _organisation = make_member(django_user_model, site_tree, "Verein F")
        client.force_login(user)
    assert client.get("/admin/snippets/directory/failednotification/").status_code == 302
