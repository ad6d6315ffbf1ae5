"""The one entry point for searching offers, used by pages, the API and tests.

Elasticsearch answers when it is configured and reachable; otherwise, and
whenever it fails, the database backend answers the same query. An outage is
logged once, when it starts, and once when Elasticsearch is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.utils.html import escape
from django.utils.safestring import mark_safe

from directory.geo import distance_km
from directory.models import OfferPage

from . import analysis, database, elastic
from .query import MIN_PREFIX_LENGTH, OfferQuery, SearchHit, SearchResults

logger = logging.getLogger("gemeinsam.search")
_outage = False
T = TypeVar("T")


def _answer(from_elasticsearch: Callable[[], T], from_database: Callable[[], T]) -> tuple[T, str]:
    """Ask Elasticsearch if configured; on any failure (or without it) ask the database."""
    global _outage
    if elastic.is_configured():
        try:
            answer = from_elasticsearch()
        except Exception as error:  # noqa: BLE001 - any engine failure falls back, never a 500
            if not _outage:
                logger.error("Elasticsearch failed, answering from the database: %s", error)
                _outage = True
        else:
            if _outage:
                logger.warning("Elasticsearch answers again.")
                _outage = False
            return answer, "elasticsearch"
    return from_database(), "database"


def search(query: OfferQuery) -> SearchResults:
    """Find public offers matching ``query``: one page of hits, the count and the facets."""
    raw, backend = _answer(lambda: elastic.search(query), lambda: database.search(query))
    offers = (
        OfferPage.objects.filter(pk__in=raw.ids)
        .select_related("organisation", "image")
        .prefetch_related("locations", "categories", "spoken_languages", "weekly_slots", "dates")
    )
    by_id = {offer.pk: offer for offer in offers}
    hits = [_hit(by_id[pk], query) for pk in raw.ids if pk in by_id]
    return SearchResults(
        query=query, count=raw.count, hits=hits, facets=raw.facets, backend=backend
    )


def suggest(prefix: str, language: str, limit: int = 8) -> list[dict]:
    """Offer titles (in ``language`` where translated) for a partly typed word."""
    prefix = prefix.strip()
    if len(analysis.prefix_term(prefix, language)) < MIN_PREFIX_LENGTH:
        return []
    ids, _backend = _answer(
        lambda: elastic.suggest(prefix, language, limit),
        lambda: database.suggest(prefix, language, limit),
    )
    offers = OfferPage.objects.in_bulk(ids)
    suggestions = []
    for pk in ids:
        offer = offers.get(pk)
        if offer is None:
            continue
        served = language if offer.has_translation(language) else "de"
        title = getattr(offer, f"title_{served}", "") or offer.title_de
        suggestions.append({"id": pk, "title": title, "language": served})
    return suggestions


def _hit(offer: OfferPage, query: OfferQuery) -> SearchHit:
    language = query.language if offer.has_translation(query.language) else "de"
    distance = None
    if query.near:
        points = [p for p in offer.locations.all() if p.has_point]
        if points:
            distance = min(distance_km(query.near, p.latitude, p.longitude) for p in points)
    summary = getattr(offer, f"summary_{language}", "") or offer.summary_de or ""
    return SearchHit(
        offer=offer,
        distance_km=distance,
        language=language,
        snippet=highlight(summary, query.text, language),
    )


def highlight(text: str, query_text: str, language: str) -> str:
    """``text`` as safe HTML with the words that match the query marked."""
    wanted = {analysis.analyse_word(w, language) for w in analysis.words(query_text)}
    prefixes = [
        p
        for p in (analysis.prefix_term(w, language) for w in analysis.words(query_text))
        if len(p) >= MIN_PREFIX_LENGTH
    ]
    if not wanted:
        return escape(text)
    out, position = [], 0
    for match in analysis.WORD_PATTERN.finditer(text):
        word = match.group().casefold()
        term = analysis.analyse_word(word, language)
        folded = analysis.prefix_term(word, language)
        out.append(escape(text[position : match.start()]))
        if term in wanted or any(folded.startswith(p) for p in prefixes):
            out.append(f"<mark>{escape(match.group())}</mark>")
        else:
            out.append(escape(match.group()))
        position = match.end()
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped
