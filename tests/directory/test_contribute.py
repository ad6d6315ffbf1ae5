"""End to end through HTTP: submit, confirm, moderate, and what the public sees at each stage."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from PIL import Image
from wagtail.models import PageLogEntry, TaskState

from directory import moderation
from directory.models import OfferOwner, OfferPage, OrganisationPage
from search.interface import search
from search.query import OfferQuery
from tests.directory.conftest import (
    STEP_ANSWERS,
    fill_step,
    link_in_last_mail,
    send_blue_picture,
    submit_offer,
)
from tests.factories import GPS_IFD

TITLE = STEP_ANSWERS["what"]["title"]


def public_everywhere(client, offer: OfferPage, text: str = "Frauencafé") -> dict[str, bool]:
    """Where a reader could find the offer: its page, search, the API and the sitemap."""
    url = f"/ar/angebote/{offer.slug}/"
    found = {
        "page": client.get(url).status_code == 200,
        "search": any(hit.offer.pk == offer.pk for hit in search(OfferQuery(text=text)).hits),
        "api": any(
            item["id"] == offer.pk
            for item in client.get("/api/v1/offers/", {"q": text, "lang": "ar"}).json()["results"]
        ),
        "sitemap": f"/angebote/{offer.slug}/".encode()
        in client.get("/sitemap.xml", HTTP_HOST="localhost").content,
    }
    return found


def approve(client, moderator, offer: OfferPage, action: str = "approve", comment: str = ""):
    """A moderator takes a decision through Wagtail's workflow action view."""
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(offer.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    client.force_login(moderator)
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            kwargs={"page_id": offer.pk, "action_name": action, "task_state_id": task_state.pk},
        ),
        {"comment": comment},
        headers={"X-Requested-With": "XMLHttpRequest"},  # as the admin's modal sends it
    )
    client.logout()
    return response.json()


@pytest.mark.django_db(transaction=False)
def test_arabic_submission_with_picture_is_public_only_after_approval(
    client, moderator, backend, picture, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_offer(client, "ar", picture=picture)
    assert response.status_code == 302 and response.url == "/ar/submit/sent/"

    offer = OfferPage.objects.get(title_de=TITLE)
    assert not offer.live and offer.title_ar == TITLE and offer.source == "submission"
    assert offer.locations.get().latitude == pytest.approx(47.84, abs=0.05)
    # The description arrives as escaped paragraphs, never as markup.
    assert offer.description_ar == "<p>Wir trinken Tee.</p><p>Kinder dürfen mitkommen &lt;3</p>"
    owner = OfferOwner.objects.get(offer=offer)
    assert (owner.email, owner.language, owner.confirmed_at) == ("amal@example.org", "ar", None)
    organisation = offer.organisation
    assert organisation.title == "Frauen-Treff Weilheim" and not organisation.live

    # The stored picture has no EXIF and no GPS position any more.
    stored = Image.open(io.BytesIO(offer.image.file.read()))
    assert GPS_IFD not in stored.getexif() and not stored.getexif()
    assert offer.image.people_consent and offer.image_alt_ar.startswith("Zwei Frauen")

    # The confirmation e-mail is in Arabic and carries a signed link.
    message = mail.outbox[-1]
    assert message.to == ["amal@example.org"] and message.extra_headers["Content-Language"] == "ar"
    assert message.subject == f"يرجى تأكيد عرضك «{TITLE}»"
    assert message.alternatives and 'dir="rtl"' in message.alternatives[0][0]
    assert public_everywhere(client, offer) == dict.fromkeys(
        ["page", "search", "api", "sitemap"], False
    )
    assert not TaskState.objects.filter(workflow_state__object_id=str(offer.pk)).exists()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.get(link_in_last_mail())
    assert confirmed.status_code == 200
    owner.refresh_from_db()
    assert owner.confirmed_at is not None
    # In review: still nowhere public.
    assert public_everywhere(client, offer) == dict.fromkeys(
        ["page", "search", "api", "sitemap"], False
    )

    with django_capture_on_commit_callbacks(execute=True):
        decision = approve(client, moderator, offer, comment="شكرا")
    assert decision["step"] == "success"
    offer.refresh_from_db()
    assert offer.live
    assert OrganisationPage.objects.get(pk=organisation.pk).live
    assert public_everywhere(client, offer) == dict.fromkeys(
        ["page", "search", "api", "sitemap"], True
    )
    approved = mail.outbox[-1]
    assert approved.to == ["amal@example.org"]
    assert approved.extra_headers["Content-Language"] == "ar" and "شكرا" in approved.body
    assert approved.subject == f"تم نشر عرضك «{TITLE}»"
    assert f"/ar/angebote/{offer.slug}/" in approved.body
    actions = set(PageLogEntry.objects.filter(page=offer).values_list("action", flat=True))
    assert {
        "directory.email_confirmed",
        "wagtail.workflow.start",
        "wagtail.workflow.approve",
        "wagtail.publish",
    } <= actions


def confirmed_submission(client, language, django_capture_on_commit_callbacks, **kwargs):
    """Submit and confirm; returns the offer (in review)."""
    with django_capture_on_commit_callbacks(execute=True):
        submit_offer(client, language, **kwargs)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(link_in_last_mail()).status_code == 200
    return OfferPage.objects.get(title_de=TITLE)


def test_request_changes_then_edit_then_reject(
    client, moderator, django_capture_on_commit_callbacks
):
    offer = confirmed_submission(client, "uk", django_capture_on_commit_callbacks)

    # A reason is required to ask for changes.
    no_reason = approve(client, moderator, offer, action="reject", comment="")
    assert TaskState.objects.get(
        workflow_state__object_id=str(offer.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    assert no_reason["step"] == "action" and "error" in no_reason["html"]

    with django_capture_on_commit_callbacks(execute=True):
        approve(client, moderator, offer, action="reject", comment="Bitte Uhrzeit prüfen.")
    changes = mail.outbox[-1]
    assert changes.to == ["amal@example.org"] and changes.extra_headers["Content-Language"] == "uk"
    assert "Bitte Uhrzeit prüfen." in changes.body
    assert changes.subject == f"Будь ласка, змініть свою пропозицію «{TITLE}»"
    offer.refresh_from_db()
    assert not offer.live
    assert moderation.in_review(offer).status == "needs_changes"

    # The submitter follows the edit link, fixes the time and sends it again.
    edit_path = re.search(r"http://testserver(/uk/offer-link/\S+/edit/)", changes.body).group(1)
    page = client.get(edit_path)
    assert page.status_code == 200 and TITLE in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        saved = change_step(client, edit_path, "when", {"slot1_start": "16:00"})
    assert saved.status_code == 200 and "edit-saved" in saved.content.decode(), _errors(saved)
    state = moderation.in_review(offer)
    assert state.status == "in_progress"
    offer.refresh_from_db()
    draft = offer.get_latest_revision_as_object()
    assert [s.start_time.hour for s in draft.weekly_slots.all()] == [16]

    with django_capture_on_commit_callbacks(execute=True):
        approve(
            client, moderator, offer, action="decline", comment="Kein Angebot für Neuzugewanderte."
        )
    declined = mail.outbox[-1]
    assert declined.extra_headers["Content-Language"] == "uk"
    assert "Kein Angebot für Neuzugewanderte." in declined.body
    offer.refresh_from_db()
    assert not offer.live and moderation.in_review(offer) is None
    assert PageLogEntry.objects.filter(page=offer, action="directory.declined").exists()
    assert client.get(f"/uk/angebote/{offer.slug}/").status_code == 404


def change_step(client, check_path: str, step: str, changes: dict, send: bool = True):
    """An edit as a person makes it: from the check page open one step, change what
    ``changes`` names, save it (back on the check page) and, with ``send``, send."""
    check = client.get(check_path).content.decode()
    link = re.search(rf'href="([^"]*/edit/{step}/)"', check)
    assert link, f"no change link for {step}"
    page = client.get(link.group(1))
    assert page.status_code == 200
    data = form_data_from(page.content.decode())
    data.update(changes)
    saved = client.post(link.group(1), data)
    assert saved.status_code == 302 and saved.url == check_path, _errors(saved)
    return client.post(check_path, {}) if send else saved


def _errors(response) -> list[str]:
    return re.findall(r'class="error-message"[^>]*>(.*?)</p>', response.content.decode(), re.S)


def form_data_from(html: str) -> dict:
    """What a browser would send for the first POST form on a page (text, choices, checks)."""
    from html.parser import HTMLParser

    data: dict = {}

    class Parser(HTMLParser):
        select = None
        textarea = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "file"):
                if a.get("type") in ("checkbox", "radio"):
                    if "checked" in a:
                        data.setdefault(name, []).append(a.get("value", "on"))
                else:
                    data[name] = a.get("value", "")
            elif tag == "select":
                self.select = name
            elif tag == "option" and self.select and "selected" in a:
                data[self.select] = a.get("value", "")
            elif tag == "textarea":
                self.textarea = name
                data[name] = ""

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            if tag == "textarea":
                self.textarea = None

        def handle_data(self, text):
            if self.textarea:
                data[self.textarea] += text

    Parser().feed(html)
    data.pop("csrfmiddlewaretoken", None)
    return {
        k: (v[0] if isinstance(v, list) and len(v) == 1 and k not in MULTI else v)
        for k, v in data.items()
    }


MULTI = {"categories", "target_groups", "spoken_languages"}


def test_a_step_keeps_what_was_typed_on_error_and_on_back(client, site_tree):
    with translation.override("ar"):
        response = client.post("/ar/submit/what/", {"title": "Sprachcafé", "kind": "activity"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Sprachcafé"' in html and 'value="activity" ' in html.replace("checked", " ")
    assert "<title>" + "خطأ" in html  # "Error:" in Arabic leads the title
    assert 'id="error-summary"' in html and 'href="#id_summary"' in html

    # Go on, then back: the answers are still there.
    client.post("/ar/submit/what/", STEP_ANSWERS["what"])
    client.post("/ar/submit/when/", {"slot1_day": "2", "slot1_start": "10:00", "back": "1"})
    back = client.get("/ar/submit/when/").content.decode()
    assert 'value="10:00"' in back
    assert client.get("/ar/submit/what/").content.decode().count("Frauencafé am Marienplatz") >= 1


def test_plain_fields_refuse_html_with_a_clear_message(client, site_tree):
    with translation.override("en"):
        response = client.post(
            "/en/submit/what/", {**STEP_ANSWERS["what"], "title": "<script>alert(1)</script>"}
        )
    assert "Please write plain text without HTML tags" in response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()


def test_the_honeypot_discards_a_submission_silently(client, site_tree):
    fill_step(client, "de", "what", {**STEP_ANSWERS["what"], "homepage": "http://spam.example"})
    for step in ("when", "where", "who", "contact", "picture"):
        fill_step(client, "de", step, STEP_ANSWERS[step])
    response = client.post("/de/submit/review/")
    assert response.status_code == 302 and response.url == "/de/submit/sent/"
    assert not OfferPage.objects.exists() and not mail.outbox


def test_forms_need_the_csrf_token(site_tree):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/de/submit/what/", STEP_ANSWERS["what"]).status_code == 403


def test_too_many_submissions_from_one_address_get_a_translated_429(client, site_tree, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "submission": (1, 3600)}
    assert submit_offer(client, "de").status_code == 302
    with translation.override("tr"):
        response = submit_offer(client, "tr")
    assert response.status_code == 429
    assert response["Content-Language"] == "tr"
    assert "Çok fazla deneme" in response.content.decode()
    assert OfferPage.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("bomb", "too many pixels"),
        ("pdf", "not a picture we can read"),
    ],
)
def test_a_refused_picture_says_why_and_keeps_the_description(client, site_tree, payload, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bomb = io.BytesIO()
    Image.new("1", (30000, 30000)).save(bomb, format="PNG", optimize=True)
    content = bomb.getvalue() if payload == "bomb" else b"%PDF-1.4 not a picture"
    with translation.override("en"):
        response = client.post(
            "/en/submit/picture/",
            {
                "picture": SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg"),
                "picture_alt": "Children painting",
                "people_shown": "yes",
                "people_consent": "on",
            },
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html.lower()
    assert 'value="Children painting"' in html


def test_a_png_named_jpg_is_accepted_as_what_it_is(client, site_tree):
    response = send_blue_picture(client, "de", "PNG")
    assert response.status_code == 302
    token = client.session["offer_submission"]["picture"]
    assert token.endswith(".png")
