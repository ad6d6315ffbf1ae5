"""What a submitter reads about a decision besides the decision itself: the reasons a
moderator ticked, in the submitter's language, and the moderator's own note, with a
machine translation beside the original when a provider is configured.

Moderators write in the source language (German). A ticked reason is a translated
message (``directory.constants.change_reasons``), rendered in each recipient's
language by the e-mail; a free note can only be machine-translated, so the e-mail
says so and keeps the original next to it. Without a provider, or when it fails,
the note goes out as written: the decision must never wait for a translation.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from django.utils import translation
from django.utils.functional import Promise

from .constants.change_reasons import REASONS_FOR_ACTION, ChangeReason
from .i18n import SOURCE_LANGUAGE
from .machine_translation import TranslationFailed, provider
from .validators import strip_invisible

logger = logging.getLogger("gemeinsam.moderation")

NOTE_MAX_LENGTH = 2000  # as typed; the moderators' form enforces it
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # not line breaks, tabs


def reason_choices(action: str) -> list[tuple[str, Promise]]:
    """The ready-made reasons offered for a workflow action, as form choices."""
    return [(reason.value, reason.label) for reason in REASONS_FOR_ACTION.get(action, [])]


def valid_reasons(action: str, codes: Iterable[str]) -> list[str]:
    """The codes that are reasons for ``action``, in the form's order, each once.

    The edit view passes the dialog's data on without validating it again, so
    unknown codes are dropped here rather than trusted.
    """
    wanted = set(codes or ())
    return [reason.value for reason in REASONS_FOR_ACTION.get(action, []) if reason in wanted]


def reason_texts(codes: Iterable[str]) -> list[Promise]:
    """The reasons' sentences, still lazy: they take the language active when rendered."""
    return [ChangeReason(code).label for code in codes]


def history_text(codes: Iterable[str], note: str) -> str:
    """The decision as the history records it: ticked reasons in the source language, then
    the note, so every moderator later reads what the submitter was told."""
    with translation.override(SOURCE_LANGUAGE):
        lines = [f"– {text}" for text in reason_texts(codes)]
    if note:
        lines.append(note)
    return "\n".join(lines)


def translated_note(note: str, language: str) -> str:
    """``note`` machine-translated from the source language into ``language``, or "" when
    there is nothing to translate, no provider, or the provider failed (logged)."""
    if not note or language == SOURCE_LANGUAGE:
        return ""
    try:
        translator = provider()
        if translator is None:
            return ""
        (result,) = translator.translate([note], SOURCE_LANGUAGE, language, html=False)
    except TranslationFailed as error:
        logger.warning("Machine translation of a moderator's note into %s: %s", language, error)
        return ""
    except ValueError:  # not exactly one answer for one text
        logger.warning("Machine translation of a moderator's note into %s: no answer", language)
        return ""
    # A provider's answer is cleaned like typed input before it goes into an e-mail.
    cleaned = _CONTROL.sub("", strip_invisible(result or "")).strip()
    return cleaned[: 2 * NOTE_MAX_LENGTH]
