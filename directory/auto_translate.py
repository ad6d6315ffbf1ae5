"""Machine translation of offers: missing translations on publish, German for submissions.

When an offer is published, its texts that are missing in a language — or were
translated by machine from a source that has changed since — are sent to the
configured provider (``directory.machine_translation``), written into a new
revision that is published at once, and marked as automatic
(``directory.translation_status``). A person's translation is never replaced:
when its source changes it is marked outdated and waits for a translator.

A failure (service down, key refused, quota used up) is noted on the texts it
was for and shown in the translators' queue; the offer is published regardless.
"""

from __future__ import annotations

import contextvars
import logging
import re
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

from . import background
from .i18n import SOURCE_LANGUAGE
from .machine_translation import TranslationFailed, Translator, provider
from .models import RICH_TEXT_FEATURES, OfferPage, TranslationOrigin
from .translation_status import (
    Slot,
    Status,
    reconcile,
    record,
    record_failure,
    slots,
    source_of,
    status_of,
    target_languages,
)
from .validators import strip_invisible

logger = logging.getLogger("gemeinsam.translation")
# Set while this module publishes its own revision, so that publishing does not
# start another round of translation.
_translating = contextvars.ContextVar("machine_translating", default=False)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # not line breaks, tabs


def on_page_published(sender, instance: OfferPage, **kwargs) -> None:
    """After an offer went live: reconcile its states, then translate what is missing."""
    page = instance
    reconcile(page)
    if _translating.get() or not settings.MACHINE_TRANSLATION:
        return
    page_id = page.pk
    transaction.on_commit(
        lambda: background.run(
            "translate", translate_offer, page_id, inline=settings.MACHINE_TRANSLATION_INLINE
        )
    )


def wanted(page: OfferPage) -> dict[str, list[Slot]]:
    """Language → the texts a machine should translate: missing, or its own outdated work."""
    rows = {(row.text, row.language): row for row in page.translation_states.all()}
    found: dict[str, list[Slot]] = defaultdict(list)
    for slot in slots(page):
        for language in target_languages(page):
            row = rows.get((slot.key, language))
            status = status_of(slot, language, row, page)
            if status == Status.MISSING or (
                status == Status.OUTDATED and row is not None and row.origin == "machine"
            ):
                found[language].append(slot)
    return dict(found)


def translate_offer(page_id: int) -> int:
    """Fill in the live offer's missing translations by machine; returns texts translated.

    Skipped while a change waits for review: a new revision now would hide it
    from the editor. Its publication brings this back.
    """
    page = OfferPage.objects.filter(pk=page_id, live=True).first()
    if page is None or page.has_unpublished_changes:
        return 0
    try:
        translator = provider()
    except TranslationFailed as error:
        logger.error("Machine translation is not configured correctly: %s", error)
        return 0
    if translator is None:
        return 0
    draft = page.get_latest_revision_as_object()
    done: list[tuple[Slot, str]] = []
    for language, todo in wanted(draft).items():
        for group in _by_format(todo):
            try:
                _translate_group(translator, draft, group, language)
            except TranslationFailed as error:
                logger.warning(
                    "Machine translation of offer %s into %s: %s", page_id, language, error
                )
                record_failure(page, [slot.key for slot in group], language, str(error))
            else:
                done += [(slot, language) for slot in group]
    if done:
        token = _translating.set(True)
        try:
            with transaction.atomic():
                draft.save_revision(log_action=False).publish(log_action=False)
                # The published objects, so the rows describe what readers see.
                published = OfferPage.objects.get(pk=page_id)
                by_key = {slot.key: slot for slot in slots(published)}
                for slot, language in done:
                    if slot.key in by_key:
                        record(published, by_key[slot.key], language, TranslationOrigin.MACHINE)
        finally:
            _translating.reset(token)
    return len(done)


def _by_format(todo: list[Slot]) -> list[list[Slot]]:
    plain = [slot for slot in todo if not slot.rich]
    rich = [slot for slot in todo if slot.rich]
    return [group for group in (plain, rich) if group]


def _translate_group(translator: Translator, page: OfferPage, group: list[Slot], target: str):
    source = source_of(page, target)
    html = group[0].rich
    results = translator.translate([slot.text(source) for slot in group], source, target, html=html)
    if len(results) != len(group):
        raise TranslationFailed(f"{translator.name}: {len(results)} answers for {len(group)} texts")
    for slot, result in zip(group, results, strict=True):
        slot.write(target, clean(result, slot))


def clean(value: str, slot: Slot) -> str:
    """A provider's answer made safe to store: allowed rich text only, no direction
    overrides or control characters, one line where the field wants one, within length."""
    value = _CONTROL.sub("", strip_invisible(value or ""))  # the validators' rules
    if slot.rich:
        return EditorHTMLConverter(features=RICH_TEXT_FEATURES).to_database_format(value)
    field = slot.obj._meta.get_field(slot.field)
    if field.get_internal_type() == "CharField":
        value = " ".join(value.split())
    limit = getattr(field, "max_length", None)
    return value.strip()[:limit] if limit else value.strip()


def german_for_submission(page: OfferPage, language: str) -> dict[str, str]:
    """A new submission written in ``language`` (not yet saved): machine-translate its texts
    into German for the moderator instead of the copy. Runs in the request: the moderator
    needs German. Returns text key → "" when translated, or the error that kept the copy;
    empty without a provider. Pass the result to :func:`record_submission` once saved."""
    if language == SOURCE_LANGUAGE:
        return {}
    try:
        translator = provider()
    except TranslationFailed as error:
        logger.error("Machine translation is not configured correctly: %s", error)
        return {}
    if translator is None:
        return {}
    outcome: dict[str, str] = {}
    todo = [slot for slot in slots(page) if slot.text(language)]
    for group in _by_format(todo):
        try:
            _translate_group(translator, page, group, SOURCE_LANGUAGE)
        except TranslationFailed as error:
            logger.warning("Machine translation of a submission: %s", error)
            outcome.update((slot.key, str(error)) for slot in group)
        else:
            outcome.update((slot.key, "") for slot in group)
    return outcome


def record_submission(page: OfferPage, outcome: dict[str, str]) -> None:
    """Mark the German texts :func:`german_for_submission` wrote as automatic (now saved)."""
    for slot in slots(page):
        if slot.key not in outcome:
            continue
        if outcome[slot.key]:
            record_failure(page, [slot.key], SOURCE_LANGUAGE, outcome[slot.key])
        else:
            record(page, slot, SOURCE_LANGUAGE, TranslationOrigin.MACHINE)
