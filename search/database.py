"""The database backend: the same matching as Elasticsearch, with ORM queries and Python.

Works on SQLite (the embedded default) and PostgreSQL. Text is matched
against ``OfferTerm`` rows written at publish time; fuzzy and prefix matches
are expanded from the term vocabulary held in memory. Distances use a
bounding-box prefilter in SQL, then the exact great-circle distance.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from directory.geo import GeoPoint, distance_km
from directory.models import OfferLocation, OfferPage

from . import analysis
from .documents import site_languages
from .models import OfferTerm
from .query import (
    FIELD_WEIGHTS,
    MATCH_WEIGHTS,
    MIN_PREFIX_LENGTH,
    OfferQuery,
    RawResults,
    language_weight,
)

FACET_PATHS = {
    "category": "categories__slug",
    "kind": "kind",
    "target_group": "target_groups__slug",
    "spoken_language": "spoken_languages__code",
}


# --- Vocabulary for fuzzy and prefix expansion -------------------------------


@dataclass
class _Vocabulary:
    stamp: tuple
    sorted_terms: dict[str, list[str]]  # language -> sorted distinct terms


_vocabulary: _Vocabulary | None = None
_vocabulary_lock = threading.Lock()


def vocabulary() -> dict[str, list[str]]:
    """Distinct terms per language, reloaded when the term table has grown or shrunk."""
    global _vocabulary
    stamp = tuple(OfferTerm.objects.aggregate(n=Count("id"), last=Max("id")).values())
    with _vocabulary_lock:
        if _vocabulary is None or _vocabulary.stamp != stamp:
            by_language: dict[str, set[str]] = defaultdict(set)
            for language, term in OfferTerm.objects.values_list("language", "term").distinct():
                by_language[language].add(term)
            _vocabulary = _Vocabulary(
                stamp, {language: sorted(found) for language, found in by_language.items()}
            )
        return _vocabulary.sorted_terms


def _with_prefix(terms: list[str], prefix: str) -> list[str]:
    start = bisect.bisect_left(terms, prefix)
    end = bisect.bisect_left(terms, prefix + "\U0010ffff")
    return terms[start:end]


def expansions(word: str, language: str, known: list[str]) -> dict[str, str]:
    """Terms of ``known`` that ``word`` matches in ``language``, with the kind of match.

    Exact: the analysed word itself. Fuzzy: within Elasticsearch's AUTO edit
    distance, same first letter. Prefix: starts with the (unstemmed) typed word.
    """
    term = analysis.analyse_word(word, language)
    found = {term: "exact"}

    def add(candidate: str, kind: str) -> None:
        # A term matched in two ways counts with the better one, as dis_max does in Elasticsearch.
        if (
            MATCH_WEIGHTS[kind] > MATCH_WEIGHTS[found.get(candidate, kind)]
            or candidate not in found
        ):
            found[candidate] = kind

    allowed = analysis.fuzziness(term)
    if allowed:
        for candidate in _with_prefix(known, term[:1]):
            if analysis.edit_distance(term, candidate, allowed) <= allowed:
                add(candidate, "fuzzy")
    prefix = analysis.prefix_term(word, language)
    if len(prefix) >= MIN_PREFIX_LENGTH:
        for candidate in _with_prefix(known, prefix):
            add(candidate, "prefix")
    return found


def text_scores(text: str, searcher_language: str) -> dict[int, float]:
    """Offer id → score for offers that match every word of ``text``."""
    known = vocabulary()
    totals: dict[int, float] | None = None
    for word in dict.fromkeys(analysis.words(text)):
        weights: dict[tuple[str, str], float] = {}
        condition = Q()
        for language in site_languages():
            matched = expansions(word, language, known.get(language, []))
            for term, kind in matched.items():
                weights[(language, term)] = (
                    language_weight(language, searcher_language) * MATCH_WEIGHTS[kind]
                )
            condition |= Q(language=language, term__in=list(matched))
        best: dict[int, float] = {}
        rows = OfferTerm.objects.filter(condition).values_list(
            "offer_id", "language", "field", "term"
        )
        for offer_id, language, field, term in rows:
            score = weights[(language, term)] * FIELD_WEIGHTS[field]
            if score > best.get(offer_id, 0.0):
                best[offer_id] = score
        if totals is None:
            totals = best
        else:
            totals = {k: totals[k] + v for k, v in best.items() if k in totals}
        if not totals:
            return {}
    return totals or {}


# --- Filters, geo, facets ------------------------------------------------------


def filtered_offers(query: OfferQuery, exclude: str | None = None) -> QuerySet[OfferPage]:
    """Public offers passing the query's filters; ``exclude`` leaves one facet's filter out."""
    offers = OfferPage.objects.public_current()
    for name, values in query.filter_values().items():
        if values and name != exclude:
            offers = offers.filter(**{f"{FACET_PATHS[name]}__in": values})
    if query.free:
        offers = offers.filter(is_free=True)
    if query.accessible:
        offers = offers.filter(wheelchair_accessible=True)
    if query.childcare:
        offers = offers.filter(childcare=True)
    if query.open_on is not None:
        offers = offers.filter(
            Q(weekly_slots__weekday=query.open_on) | Q(dates__date__iso_week_day=query.open_on + 1)
        )
    return offers


def distances(near: GeoPoint, radius_km: float | None) -> dict[int, float]:
    """Offer id → distance to its nearest place, for offers within ``radius_km`` (or all)."""
    places = OfferLocation.objects.filter(latitude__isnull=False, longitude__isnull=False)
    if radius_km is not None:
        # Bounding box first (cheap, uses the index), exact distance after.
        dlat = radius_km / 111.0
        dlon = radius_km / max(0.01, 111.0 * math.cos(math.radians(near.latitude)))
        places = places.filter(
            latitude__range=(near.latitude - dlat, near.latitude + dlat),
            longitude__range=(near.longitude - dlon, near.longitude + dlon),
        )
    nearest: dict[int, float] = {}
    for offer_id, latitude, longitude in places.values_list("page_id", "latitude", "longitude"):
        d = distance_km(near, latitude, longitude)
        if (radius_km is None or d <= radius_km) and d < nearest.get(offer_id, math.inf):
            nearest[offer_id] = d
    return nearest


def facet_counts(query: OfferQuery, restrict: set[int] | None) -> dict[str, dict[str, int]]:
    """For each multi-value filter, how many offers each value would give (others applied)."""
    facets = {}
    for name, path in FACET_PATHS.items():
        counts: dict[str, set[int]] = defaultdict(set)
        for pk, value in filtered_offers(query, exclude=name).values_list("pk", path):
            if value is not None and (restrict is None or pk in restrict):
                counts[value].add(pk)
        facets[name] = {value: len(ids) for value, ids in counts.items()}
    return facets


def search(query: OfferQuery) -> RawResults:
    """Answer ``query`` from the database."""
    scores = text_scores(query.text, query.language) if query.text.strip() else None
    nearest = distances(query.near, query.radius_km) if query.near else None
    # Text and radius narrow the result to known ids; they are applied in Python
    # rather than as huge IN (...) lists, which SQLite limits.
    restrict: set[int] | None = set(scores) if scores is not None else None
    if nearest is not None and query.radius_km is not None:
        restrict = set(nearest) if restrict is None else restrict & set(nearest)

    titles = dict(filtered_offers(query).values_list("pk", "title_de").distinct())
    rows = [(pk, (title or "").casefold()) for pk, title in titles.items()]
    if restrict is not None:
        rows = [row for row in rows if row[0] in restrict]
    sort = query.effective_sort
    if sort == "relevance" and scores is not None:
        rows.sort(key=lambda r: (-round(scores.get(r[0], 0.0), 6), r[1], r[0]))
    elif sort == "distance" and nearest is not None:
        rows.sort(key=lambda r: (nearest.get(r[0], math.inf), r[1], r[0]))
    else:
        rows.sort(key=lambda r: (r[1], r[0]))
    ids = [pk for pk, _title in rows]
    return RawResults(
        ids=ids[query.offset : query.offset + query.page_size],
        count=len(ids),
        facets=facet_counts(query, restrict),
    )


def suggest(prefix: str, language: str, limit: int) -> list[int]:
    """Ids of public offers whose title has a word starting with ``prefix``, by title."""
    languages = dict.fromkeys([language, "de"])
    condition = Q()
    for lang in languages:
        condition |= Q(language=lang, term__startswith=analysis.prefix_term(prefix, lang))
    matching = set(
        OfferTerm.objects.filter(condition, field="title").values_list("offer_id", flat=True)
    )
    rows = [
        (pk, (title or "").casefold())
        for pk, title in OfferPage.objects.public_current().values_list("pk", "title_de")
        if pk in matching
    ]
    rows.sort(key=lambda r: (r[1], r[0]))
    return [pk for pk, _title in rows[:limit]]
