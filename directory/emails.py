"""E-mails to submitters, owners and members, each in the language of its reader.

Every message has a subject, a plain-text and an HTML body rendered from
``templates/email/<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``.
The plain-text templates switch autoescaping off (``{% autoescape off %}``),
so "&" or "<" in a title reach the reader as typed; the HTML one escapes.
Mail goes through Django's mail framework (console by default, SMTP via
``EMAIL_URL``).

A message that cannot be sent never breaks what caused it (a decision, a
submission): the failure is logged and kept as a ``FailedNotification``,
which the moderators see on their dashboard until they mark it resolved.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import FailedNotification, OfferPage

logger = logging.getLogger("gemeinsam.emails")

# What each message is, for the moderators' list of failed e-mails.
KINDS = {
    "confirm_submission": _("Confirmation link for a new offer"),
    "decision_approved": _("Offer published"),
    "decision_changes": _("Changes requested"),
    "decision_declined": _("Offer rejected"),
    "membership_approved": _("Account confirmed"),
    "password_reset": _("New password"),
    "reminder": _("Is the offer still current?"),
    "account_exists": _("Registration with an address that has an account"),
}


def absolute_url(path: str) -> str:
    """A full URL for links in e-mails (``SITE_URL`` from the environment)."""
    return settings.SITE_URL.rstrip("/") + path


def one_line(text: str) -> str:
    """``text`` as one header line: control characters and line breaks become single spaces."""
    spaced = "".join(
        " " if unicodedata.category(char) in {"Cc", "Zl", "Zp"} else char for char in text
    )
    return " ".join(spaced.split())


def send(
    name: str,
    to: list[str] | str,
    language: str,
    context: dict[str, Any],
    *,
    offer: OfferPage | None = None,
) -> bool:
    """Render ``email/<name>`` in ``language`` and send it; True if the mail server took it.

    Never raises: a failure is logged (without the address) and recorded as a
    ``FailedNotification`` per recipient, linked to ``offer`` when given.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        return True
    try:
        with translation.override(language):
            context = {**context, "site_name": settings.WAGTAIL_SITE_NAME, "language": language}
            subject = render_to_string(f"email/{name}_subject.txt", context)
            text = render_to_string(f"email/{name}.txt", context)
            html = render_to_string(f"email/{name}.html", context)
        message = EmailMultiAlternatives(
            subject=one_line(subject),
            body=text,
            to=recipients,
            headers={"Content-Language": language},
        )
        message.attach_alternative(html, "text/html")
        message.send()
    # Any failure (SMTPException, OSError, BadHeaderError, a template error): the action
    # that sends the mail has happened and must stand; the failure is kept for a moderator.
    except Exception as error:  # noqa: BLE001
        _record_failure(name, recipients, language, offer, error)
        return False
    return True


def _record_failure(
    name: str, recipients: list[str], language: str, offer: OfferPage | None, error: Exception
) -> None:
    reason = f"{type(error).__name__}: {error}"
    # Refused-recipient errors name the address; the log must not.
    logged = reason
    for address in recipients:
        logged = logged.replace(address, "<recipient>")
    logger.error(
        "E-mail %r (offer %s) could not be sent: %s", name, offer.pk if offer else "-", logged
    )
    try:
        FailedNotification.objects.bulk_create(
            FailedNotification(
                template=name,
                recipient=address[:254],
                language=language[:8],
                error=reason,
                offer=offer,
            )
            for address in recipients
        )
    except (DatabaseError, ValueError) as problem:  # e.g. inside a broken transaction
        # Only the type: database messages may quote the address.
        logger.error("E-mail %r: its failure was not recorded (%s)", name, type(problem).__name__)
