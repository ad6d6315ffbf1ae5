"""The state of each translated text of an offer: missing, automatic, by a person, or outdated.

The texts a reader sees (title, summary, description, the notes, the picture's
description and each place's transit note) are listed once, in
:data:`READER_TEXTS`. A translation is *outdated* when its source text changed
after it was written: each ``TranslationState`` row keeps a fingerprint of the
source it was translated from. The source of a translation is the German text;
the source of the German text of an offer first written in another language
(a submission in Arabic) is that original text.

Rows are written where a translation is written — by machine translation
(``directory.auto_translate``), by translators (``directory.views.translators``)
— and reconciled when an offer is published: a text that changed since its row
was written was edited by a person.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from .i18n import SOURCE_LANGUAGE, own_text, set_text, site_languages
from .models import OfferPage, TranslationOrigin, TranslationState

# What a reader sees of an offer, in reading order. Places add their transit notes.
READER_TEXTS = (
    "title",
    "summary",
    "description",
    "schedule_note",
    "cost_note",
    "registration_note",
    "image_alt",
)
PLACE_TEXTS = ("transit_note",)
RICH_TEXTS = frozenset({"description"})


class Status(StrEnum):
    MISSING = "missing"
    MACHINE = "machine"
    HUMAN = "human"
    OUTDATED = "outdated"


STATUS_LABELS = {
    Status.MISSING: _("missing"),
    Status.MACHINE: _("automatically translated"),
    Status.HUMAN: _("translated by a person"),
    Status.OUTDATED: _("outdated"),
}
# What a translator's queue lists, most urgent first.
NEEDS_WORK = (Status.MISSING, Status.OUTDATED, Status.MACHINE)


@dataclass(frozen=True)
class Slot:
    """One translatable text of an offer: its key, and the object and field holding it."""

    key: str  # "summary", "place1.transit_note"
    obj: Any
    field: str

    @property
    def rich(self) -> bool:
        return self.field in RICH_TEXTS

    def text(self, language: str) -> str:
        return own_text(self.obj, self.field, language)

    def write(self, language: str, value: str) -> None:
        set_text(self.obj, self.field, language, value)


def slots(page: OfferPage) -> list[Slot]:
    """The offer's translatable texts that have a source text, in reading order."""
    found = [Slot(name, page, name) for name in READER_TEXTS]
    for number, place in enumerate(page.locations.all(), start=1):
        found += [Slot(f"place{number}.{name}", place, name) for name in PLACE_TEXTS]
    return [slot for slot in found if slot.text(source_of(page, target=None))]


def source_of(page: OfferPage, target: str | None) -> str:
    """The language a translation into ``target`` is made from (None: the page's source)."""
    if target == SOURCE_LANGUAGE:
        return page.original_language or SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def fingerprint(text: str) -> str:
    """A short hash of a text, blind to surrounding white space."""
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


def target_languages(page: OfferPage) -> list[str]:
    """The languages an offer's texts are translated into (all but the one it was written in)."""
    original = page.original_language or SOURCE_LANGUAGE
    return [language for language in site_languages() if language != original]


def _rows(page: OfferPage) -> dict[tuple[str, str], TranslationState]:
    if page.pk is None:
        return {}
    return {(row.text, row.language): row for row in page.translation_states.all()}


def status_of(slot: Slot, language: str, row: TranslationState | None, page: OfferPage) -> Status:
    """The state of one text in one language."""
    text = slot.text(language)
    if not text:
        return Status.MISSING
    if row is None or row.text_fingerprint != fingerprint(text):
        return Status.HUMAN  # written by a person (before states were kept, or edited since)
    source = slot.text(source_of(page, language))
    if row.source_fingerprint != fingerprint(source):
        return Status.OUTDATED
    return Status.MACHINE if row.origin == TranslationOrigin.MACHINE else Status.HUMAN


def statuses(page: OfferPage) -> dict[tuple[str, str], Status]:
    """(text key, language) → status, for every translatable text and target language."""
    rows = _rows(page)
    return {
        (slot.key, language): status_of(slot, language, rows.get((slot.key, language)), page)
        for slot in slots(page)
        for language in target_languages(page)
    }


def machine_texts(page: OfferPage, language: str) -> set[str]:
    """Keys of the texts a reader of ``language`` sees as a machine translation."""
    if language == (page.original_language or SOURCE_LANGUAGE):
        return set()
    rows = _rows(page)
    return {
        slot.key
        for slot in slots(page)
        if status_of(slot, language, rows.get((slot.key, language)), page) == Status.MACHINE
    }


def reader_context(page: OfferPage, language: str) -> dict[str, Any]:
    """For the public offer page: whether a machine translated what ``language``'s reader
    sees, and those texts in the language the offer was written in (the original)."""
    machine = machine_texts(page, language)
    if not machine:
        return {"machine_translated": False}
    original = page.original_language or SOURCE_LANGUAGE
    texts = [
        (slot.obj._meta.get_field(slot.field).verbose_name, slot.text(original), slot.rich)
        for slot in slots(page)
        if slot.key in machine and slot.text(original)
    ]
    return {"machine_translated": True, "original_language": original, "original_texts": texts}


def record(
    page: OfferPage,
    slot: Slot,
    language: str,
    origin: str,
    *,
    error: str = "",
) -> None:
    """Remember that ``slot`` in ``language`` was just written (by a person or a machine)."""
    TranslationState.objects.update_or_create(
        page=page,
        text=slot.key,
        language=language,
        defaults={
            "origin": origin,
            "text_fingerprint": fingerprint(slot.text(language)),
            "source_fingerprint": fingerprint(slot.text(source_of(page, language))),
            "reviewed_fingerprint": "",
            "error": error[:300],
        },
    )


def record_failure(page: OfferPage, keys: Iterable[str], language: str, error: str) -> None:
    """Note a failed machine translation on the texts it was for (shown in the queue)."""
    for key in keys:
        updated = TranslationState.objects.filter(page=page, text=key, language=language).update(
            error=error[:300]
        )
        if not updated:
            TranslationState.objects.create(
                page=page, text=key, language=language, origin="", error=error[:300]
            )


def mark_reviewed(page: OfferPage, slot: Slot, language: str) -> None:
    """A translator confirmed this text in a draft; it counts as a person's once published."""
    TranslationState.objects.update_or_create(
        page=page,
        text=slot.key,
        language=language,
        defaults={"reviewed_fingerprint": fingerprint(slot.text(language))},
        create_defaults={
            "origin": "",
            "reviewed_fingerprint": fingerprint(slot.text(language)),
        },
    )


def reconcile(page: OfferPage) -> None:
    """After publishing: a text that differs from what its row remembers was written by a
    person (or confirmed by a translator); a text that was emptied has no state."""
    rows = _rows(page)
    for slot in slots(page):
        for language in target_languages(page):
            row = rows.get((slot.key, language))
            text = slot.text(language)
            if not text:
                if row is not None and row.origin:
                    row.delete()
                continue
            current = fingerprint(text)
            if row is not None and row.origin and row.text_fingerprint == current:
                if row.reviewed_fingerprint != current:
                    continue  # unchanged: its origin and source version stand
            record(page, slot, language, TranslationOrigin.HUMAN)


def coverage(pages: Iterable[OfferPage]) -> Iterator[tuple[str, str, Status]]:
    """(language, text key without place number, status) for every text of ``pages``."""
    for page in pages:
        for (key, language), status in statuses(page).items():
            yield language, key.split(".")[-1], status
