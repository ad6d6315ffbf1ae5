"""E-mails to submitters, owners and members, each in the language of its reader.

Every message has a plain-text and an HTML body rendered from
``templates/email/<name>.txt`` and ``.html``; the subject is the first line
of the text template's ``{% block subject %}``. Mail goes through Django's
mail framework (console by default, SMTP via ``EMAIL_URL``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """A full URL for links in e-mails (``SITE_URL`` from the environment)."""
    return settings.SITE_URL.rstrip("/") + path


def send(name: str, to: list[str] | str, language: str, context: dict[str, Any]) -> None:
    """Render ``email/<name>`` in ``language`` and send it; failures propagate to the caller."""
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        return
    with translation.override(language):
        context = {**context, "site_name": settings.WAGTAIL_SITE_NAME, "language": language}
        subject = render_to_string(f"email/{name}_subject.txt", context).strip()
        text = render_to_string(f"email/{name}.txt", context)
        html = render_to_string(f"email/{name}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=recipients,
        headers={"Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    message.send()
