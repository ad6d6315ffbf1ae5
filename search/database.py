"""The database backend: the same matching as Elasticsearch, from the database and Python.

Works on SQLite (the embedded default) and PostgreSQL. Text is matched
against ``OfferTerm`` rows written at publish time. Filters, facets and
distances work on a *snapshot* of the indexed offers' filter fields, loaded
from the database and kept per process until the next index write
(``IndexGeneration``). Distances use a bounding-box prefilter, then the exact
great-circle distance, as Elasticsearch's ``arc``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from directory.geo import GeoPoint, distance_km
from directory.i18n import SOURCE_LANGUAGE, column, site_languages
from directory.models import OfferLocation, OfferPage

from . import analysis
from .models import IndexGeneration, OfferTerm
from .query import (
    FACETS,
    FIELD_WEIGHTS,
    MATCH_WEIGHTS,
    MIN_PREFIX_LENGTH,
    OfferQuery,
    RawResults,
    language_weight,
)


@dataclass
class IndexedOffer:
    """The filter fields of one indexed offer."""

    pk: int
    title_sort: str
    facets: dict[str, frozenset[str]]  # facet name -> values
    is_free: bool
    wheelchair_accessible: bool
    childcare: bool
    weekdays: frozenset[int]
    valid_from: dt.date | None
    valid_until: dt.date | None
    points: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Snapshot:
    """Everything the backend keeps in memory between index writes."""

    generation: int
    offers: list[IndexedOffer]
    vocabulary: dict[str, list[str]]  # language -> sorted distinct terms


_snapshot: Snapshot | None = None
_lock = threading.Lock()


def _load_offers() -> list[IndexedOffer]:
    from .indexing import indexable_offers  # the one definition of what is indexed

    pages = list(
        indexable_offers()
        .prefetch_related(None)
        .select_related(None)
        .values_list(
            "pk",
            column("title", SOURCE_LANGUAGE),  # sorts as the document's title_sort
            "kind",
            "is_free",
            "wheelchair_accessible",
            "childcare",
            "valid_from",
            "valid_until",
        )
    )
    ids = {row[0] for row in pages}
    related: dict[str, dict[int, set]] = defaultdict(lambda: defaultdict(set))
    through = {
        "category": (OfferPage.categories.through, "category__slug"),
        "target_group": (OfferPage.target_groups.through, "targetgroup__slug"),
        "spoken_language": (OfferPage.spoken_languages.through, "spokenlanguage__code"),
    }
    for name, (model, path) in through.items():
        for offer_id, value in model.objects.values_list("offerpage_id", path):
            if offer_id in ids:
                related[name][offer_id].add(value)
    for offer_id, weekday in OfferPage.weekly_slots.rel.related_model.objects.values_list(
        "page_id", "weekday"
    ):
        related["weekday"][offer_id].add(weekday)
    for offer_id, date in OfferPage.dates.rel.related_model.objects.values_list("page_id", "date"):
        related["weekday"][offer_id].add(date.weekday())
    points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    located = OfferLocation.objects.filter(latitude__isnull=False, longitude__isnull=False)
    for offer_id, latitude, longitude in located.values_list("page_id", "latitude", "longitude"):
        points[offer_id].append((latitude, longitude))
    return [
        IndexedOffer(
            pk=pk,
            title_sort=(title or "").casefold(),
            facets={
                "category": frozenset(related["category"][pk]),
                "kind": frozenset([kind]),
                "target_group": frozenset(related["target_group"][pk]),
                "spoken_language": frozenset(related["spoken_language"][pk]),
            },
            is_free=free,
            wheelchair_accessible=accessible,
            childcare=childcare,
            weekdays=frozenset(related["weekday"][pk]),
            valid_from=valid_from,
            valid_until=valid_until,
            points=points[pk],
        )
        for pk, title, kind, free, accessible, childcare, valid_from, valid_until in pages
    ]


def snapshot() -> Snapshot:
    """The in-memory snapshot, reloaded when the index has been written since."""
    global _snapshot
    generation = IndexGeneration.current()
    with _lock:
        if _snapshot is None or _snapshot.generation != generation:
            by_language: dict[str, set[str]] = defaultdict(set)
            for language, term in OfferTerm.objects.values_list("language", "term").distinct():
                by_language[language].add(term)
            _snapshot = Snapshot(
                generation,
                _load_offers(),
                {language: sorted(found) for language, found in by_language.items()},
            )
        return _snapshot


# --- Text ---------------------------------------------------------------------


def _with_prefix(terms: list[str], prefix: str) -> list[str]:
    start = bisect.bisect_left(terms, prefix)
    end = bisect.bisect_left(terms, prefix + "\U0010ffff")
    return terms[start:end]


def expansions(word: str, language: str, known: list[str]) -> dict[str, str]:
    """Terms of ``known`` that ``word`` matches in ``language``, with the kind of match.

    Exact: the analysed word itself. Fuzzy: within Elasticsearch's AUTO edit
    distance, same first letter. Prefix: starts with the (unstemmed) typed word.
    A term matched two ways counts with the better one, as dis_max does.
    """
    term = analysis.analyse_word(word, language)
    found = {term: "exact"}

    def add(candidate: str, kind: str) -> None:
        if candidate not in found or MATCH_WEIGHTS[kind] > MATCH_WEIGHTS[found[candidate]]:
            found[candidate] = kind

    allowed = analysis.fuzziness(term)
    if allowed:
        for candidate in analysis.within_edits(term, _with_prefix(known, term[:1]), allowed):
            add(candidate, "fuzzy")
    prefix = analysis.prefix_term(word, language)
    if len(prefix) >= MIN_PREFIX_LENGTH:
        for candidate in _with_prefix(known, prefix):
            add(candidate, "prefix")
    return found


def text_scores(text: str, searcher_language: str, known: dict[str, list[str]]) -> dict[int, float]:
    """Offer id → score for offers that match every word of ``text``."""
    totals: dict[int, float] | None = None
    for word in analysis.query_words(text, searcher_language):
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
        for offer_id, language, name, term in rows:
            score = weights[(language, term)] * FIELD_WEIGHTS[name]
            if score > best.get(offer_id, 0.0):
                best[offer_id] = score
        totals = (
            best if totals is None else {k: totals[k] + v for k, v in best.items() if k in totals}
        )
        if not totals:
            return {}
    return totals or {}


# --- Filters, geo, facets ------------------------------------------------------


def _base_filter(query: OfferQuery, today: dt.date) -> Callable[[IndexedOffer], bool]:
    """Everything but the facet filters, as one predicate."""

    def passes(offer: IndexedOffer) -> bool:
        return (
            (offer.valid_from is None or offer.valid_from <= today)
            and (offer.valid_until is None or offer.valid_until >= today)
            and (not query.free or offer.is_free)
            and (not query.accessible or offer.wheelchair_accessible)
            and (not query.childcare or offer.childcare)
            and (query.open_on is None or query.open_on in offer.weekdays)
        )

    return passes


def nearest_distance(offer: IndexedOffer, near: GeoPoint, box: tuple | None) -> float:
    """Distance to the offer's nearest place (inf without one, or outside the box)."""
    best = math.inf
    for latitude, longitude in offer.points:
        if box and not (box[0] <= latitude <= box[1] and box[2] <= longitude <= box[3]):
            continue  # the cheap bounding box first
        best = min(best, distance_km(near, latitude, longitude))
    return best


def _bounding_box(near: GeoPoint, radius_km: float) -> tuple[float, float, float, float]:
    dlat = radius_km / 110.5  # a little generous: the exact distance decides
    dlon = radius_km / max(0.01, 110.5 * math.cos(math.radians(near.latitude)))
    return (
        near.latitude - dlat,
        near.latitude + dlat,
        near.longitude - dlon,
        near.longitude + dlon,
    )


def search(query: OfferQuery) -> RawResults:
    """Answer ``query`` from the database."""
    snap = snapshot()
    today = timezone.localdate()
    passes = _base_filter(query, today)
    candidates = [offer for offer in snap.offers if passes(offer)]

    scores = (
        text_scores(query.text, query.language, snap.vocabulary) if query.text.strip() else None
    )
    if scores is not None:
        candidates = [offer for offer in candidates if offer.pk in scores]
    distances: dict[int, float] = {}
    if query.near:
        box = _bounding_box(query.near, query.radius_km) if query.radius_km is not None else None
        for offer in candidates:
            distances[offer.pk] = nearest_distance(offer, query.near, box)
        if query.radius_km is not None:
            candidates = [o for o in candidates if distances[o.pk] <= query.radius_km]

    chosen = {name: set(values) for name, values in query.filter_values().items() if values}

    def matches(offer: IndexedOffer, skip: str | None = None) -> bool:
        return all(offer.facets[n] & v for n, v in chosen.items() if n != skip)

    facets: dict[str, dict[str, int]] = {}
    for name in FACETS:
        counts: dict[str, int] = defaultdict(int)
        for offer in candidates:
            if matches(offer, skip=name):
                for value in offer.facets[name]:
                    counts[value] += 1
        facets[name] = dict(counts)

    hits = [offer for offer in candidates if matches(offer)]
    sort = query.effective_sort
    if sort == "relevance" and scores is not None:
        hits.sort(key=lambda o: (-round(scores[o.pk], 6), o.title_sort, o.pk))
    elif sort == "distance" and query.near:
        hits.sort(key=lambda o: (distances[o.pk], o.title_sort, o.pk))
    else:
        hits.sort(key=lambda o: (o.title_sort, o.pk))
    return RawResults(
        ids=[o.pk for o in hits[query.offset : query.offset + query.page_size]],
        count=len(hits),
        facets=facets,
    )


def suggest(prefix: str, language: str, limit: int) -> list[int]:
    """Ids of public offers whose title has a word starting with ``prefix``, by title."""
    condition = Q()
    for lang in dict.fromkeys([language, SOURCE_LANGUAGE]):
        condition |= Q(language=lang, term__startswith=analysis.prefix_term(prefix, lang))
    matching = set(
        OfferTerm.objects.filter(condition, field="title").values_list("offer_id", flat=True)
    )
    passes = _base_filter(OfferQuery(), timezone.localdate())
    hits = [o for o in snapshot().offers if o.pk in matching and passes(o)]
    hits.sort(key=lambda o: (o.title_sort, o.pk))
    return [o.pk for o in hits[:limit]]
