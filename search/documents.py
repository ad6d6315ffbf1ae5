"""What the search backends store about one offer: terms per language, filters, points.

Both backends index the same :class:`OfferDocument`, built here from a
published offer, so they can only differ in how they look things up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import QuerySet

from directory.constants.weekdays import day_parts
from directory.i18n import SOURCE_LANGUAGE, column, own_text, site_languages
from directory.models import OfferPage
from directory.plain_text import rich_text_words
from directory.summaries import Related, card_data, load_related

from . import compounds
from .analysis import terms

TITLE, TEXT = "title", "text"


@dataclass
class OfferDocument:
    """One published offer, ready for indexing."""

    offer_id: int
    title_sort: str
    kind: str
    categories: list[str]
    target_groups: list[str]
    spoken_languages: list[str]
    is_free: bool
    wheelchair_accessible: bool
    childcare: bool
    weekdays: list[int]
    day_parts: list[str]  # "1:morning": open on that weekday in that part of the day
    valid_from: dt.date | None
    valid_until: dt.date | None
    points: list[tuple[float, float]]
    towns: list[str]
    version: int  # publication time in microseconds: newer copies win in Elasticsearch
    card: dict  # what a result card shows (directory.summaries.card_data)
    # {language: {"title": [terms], "text": [terms]}} for each language the offer is written in
    terms: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    # (language, text) of each text the offer is written in, for semantic search
    passages: list[tuple[str, str]] = field(default_factory=list)
    vectors: dict = field(default_factory=dict)  # fingerprint -> vector, where embedded

    def passage_keys(self) -> list[tuple[str, str]]:
        """(language, fingerprint) of each passage."""
        from .semantic import fingerprint

        return [(language, fingerprint(text)) for language, text in self.passages]

    def term_rows(self) -> set[tuple[str, str, str]]:
        """Distinct (language, field, term) triples, for the database backend's term table."""
        return {
            (language, name, term)
            for language, fields in self.terms.items()
            for name, found in fields.items()
            for term in found
        }


def passage_text(title: str, summary: str) -> str:
    """What semantic search embeds of one language version: title and summary.

    Short on purpose: embedding cost grows with length, and title and summary
    say what the offer is about; the description adds detail, not topic.
    """
    return " ".join(f"{title.strip()}. {summary.strip()}".split())[:1000]


def weekday_parts(times) -> set[str]:
    """ "weekday:part" for each (weekday, start, end) time, e.g. "1:morning"."""
    return {f"{day}:{part}" for day, start, end in times for part in day_parts(start, end)}


# What a document reads of an offer page itself (its related rows come from load_related).
_PAGE_FIELDS = ("url_path", "kind", "is_free", "wheelchair_accessible", "childcare")
_PAGE_FIELDS += ("valid_from", "valid_until", "last_published_at", "organisation_id")
_TEXT_FIELDS = ("title", "summary", "description")


def page_rows(offers: QuerySet[OfferPage], chunk_size: int = 500) -> Iterator[SimpleNamespace]:
    """The columns :func:`build_document` reads of ``offers``, as plain objects.

    For a rebuild: constructing ten thousand Wagtail pages takes longer than
    analysing their texts, and a document needs none of what a page object adds.
    """
    organisation_title = column("title", SOURCE_LANGUAGE)
    texts = [column(name, language) for name in _TEXT_FIELDS for language in site_languages()]
    # raw_values: the columns as stored. values() would run modeltranslation's fallback
    # for every row, which only matters for unsuffixed names (none are asked for here).
    rows = offers.raw_values("pk", *_PAGE_FIELDS, *texts, f"organisation__{organisation_title}")
    for row in rows.iterator(chunk_size=chunk_size):
        organisation = SimpleNamespace(
            **{organisation_title: row.pop(f"organisation__{organisation_title}")}
        )
        yield SimpleNamespace(**row, organisation=organisation)


def build_documents(offers: Iterable[OfferPage | SimpleNamespace]) -> list[OfferDocument]:
    """The search documents of ``offers`` (pages or :func:`page_rows`), their related rows
    read in a few queries."""
    offers = list(offers)
    related = load_related([offer.pk for offer in offers])
    return [build_document(offer, related[offer.pk]) for offer in offers]


def build_document(
    offer: OfferPage | SimpleNamespace, related: Related | None = None
) -> OfferDocument:
    """The search document of ``offer`` (a page or a :func:`page_rows` row); its related
    rows are read unless given."""
    if related is None:
        related = load_related([offer.pk])[offer.pk]
    locations = related.places
    times = list(related.weekly)
    times += [(date.weekday(), start, end) for date, start, end in related.dates]
    weekdays = {day for day, _start, _end in times}
    organisation_name = (
        own_text(offer.organisation, "title", SOURCE_LANGUAGE) if offer.organisation_id else ""
    )
    places = " ".join(f"{p.name} {p.town} {p.postcode}" for p in locations)
    found: dict[str, dict[str, list[str]]] = {}
    passages: list[tuple[str, str]] = []
    for language in site_languages():
        title = own_text(offer, "title", language)
        summary = own_text(offer, "summary", language)
        if language != SOURCE_LANGUAGE and not (title or summary):
            continue  # not translated: the source text stands in for it
        text = " ".join(
            [summary, rich_text_words(own_text(offer, "description", language))]
            + ([organisation_name, places] if language == SOURCE_LANGUAGE else [])
        )
        analyse = (
            compounds.terms_with_parts
            if language == SOURCE_LANGUAGE
            else (lambda value, language=language: terms(value, language))
        )
        found[language] = {TITLE: analyse(title), TEXT: analyse(text)}
        passages.append((language, passage_text(title, summary)))
    return OfferDocument(
        offer_id=offer.pk,
        # Unstripped, exactly as the database backend's snapshot reads it, so both sort alike.
        title_sort=(getattr(offer, column("title", SOURCE_LANGUAGE)) or "").casefold(),
        kind=offer.kind,
        categories=list(related.categories),
        target_groups=list(related.target_groups),
        spoken_languages=[code for code, _native in related.spoken],
        is_free=offer.is_free,
        wheelchair_accessible=offer.wheelchair_accessible,
        childcare=offer.childcare,
        weekdays=sorted(weekdays),
        day_parts=sorted(weekday_parts(times)),
        valid_from=offer.valid_from,
        valid_until=offer.valid_until,
        points=[(p.latitude, p.longitude) for p in locations if p.has_point],
        towns=sorted({p.town for p in locations}),
        version=int(offer.last_published_at.timestamp() * 1_000_000)
        if offer.last_published_at
        else 1,
        terms=found,
        languages=sorted(found),
        passages=passages,
        card=card_data(offer, related),
    )
