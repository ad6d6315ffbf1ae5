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

from directory.summaries import OfferSummary, load_summaries, summary_from_card

from . import (
    analysis,
    database,
    elastic_connection,
    elastic_query,
    no_results,
    semantic,
    understanding,
)
from .query import MIN_PREFIX_LENGTH, OfferQuery, SearchHit, SearchResults

logger = logging.getLogger("gemeinsam.search")
_outage = False
T = TypeVar("T")


def _answer(from_elasticsearch: Callable[[], T], from_database: Callable[[], T]) -> tuple[T, str]:
    """Ask Elasticsearch if configured; on any failure (or without it) ask the database."""
    global _outage
    if elastic_connection.is_configured():
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


def search(query: OfferQuery, with_help: bool = True) -> SearchResults:
    """Find public offers matching ``query``: one page of hits, the count and the facets;
    with no hit at all, help on what to try instead (``search.no_results``)."""
    meaning = understanding.interpret(query.text, query.language) if query.text.strip() else None
    vector = None
    if meaning is not None and meaning.recognised and semantic.enabled():
        vector = semantic.query_vector(query.text.strip())
    raw, backend = _answer(
        lambda: elastic_query.search(query, meaning, vector),
        lambda: database.search(query, meaning, vector),
    )
    if raw.cards is not None and all(pk in raw.cards for pk in raw.ids):
        summaries = [summary_from_card(pk, raw.cards[pk], query.language) for pk in raw.ids]
    else:
        summaries = load_summaries(raw.ids, query.language)
    hits = [_hit(summary, query) for summary in summaries]
    results = SearchResults(
        query=query, count=raw.count, hits=hits, facets=raw.facets, backend=backend
    )
    if with_help and raw.count == 0:
        results.help = no_results.help_for(query, lambda q: search(q, with_help=False))
    return results


def suggest(prefix: str, language: str, limit: int = 8) -> list[dict]:
    """Offer titles (in ``language`` where translated) for a partly typed word."""
    prefix = prefix.strip()
    if len(analysis.prefix_term(prefix, language)) < MIN_PREFIX_LENGTH:
        return []
    ids, _backend = _answer(
        lambda: elastic_query.suggest(prefix, language, limit),
        lambda: database.suggest(prefix, language, limit),
    )
    return [
        {"id": s.pk, "title": s.title, "language": s.language}
        for s in load_summaries(ids, language)
    ]


def _hit(summary: OfferSummary, query: OfferQuery) -> SearchHit:
    # Near a point, the card names the place the distance belongs to, not the first one.
    nearest = summary.nearest_place(query.near) if query.near else None
    place, distance = nearest if nearest else (summary.places[0] if summary.places else None, None)
    return SearchHit(
        offer=summary,
        distance_km=distance,
        snippet=highlight(summary.summary, query.text, summary.language),
        place=place,
    )


def highlight(text: str, query_text: str, language: str) -> str:
    """``text`` as safe HTML with the words that match the query marked."""
    typed = analysis.query_words(query_text, language)
    wanted = {analysis.analyse_word(w, language) for w in typed}
    prefixes = [
        p for p in (analysis.prefix_term(w, language) for w in typed) if len(p) >= MIN_PREFIX_LENGTH
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
