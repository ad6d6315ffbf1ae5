"""The database backend: the same matching as Elasticsearch, from the database and Python.

Works on SQLite (the embedded default) and PostgreSQL. Text is matched
against ``OfferTerm`` rows written at publish time. Filters, facets and
distances work on a *snapshot* of the indexed offers' filter fields, loaded
from the database and kept per process until the next index write
(``IndexGeneration``). Distances use a bounding-box prefilter, then the exact
great-circle distance, as Elasticsearch's ``arc``.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q
from django.utils import timezone

from directory.geo import GeoPoint, distance_km
from directory.i18n import SOURCE_LANGUAGE, column, site_languages
from directory.models import OfferLocation, OfferPage

from . import analysis, matching, semantic
from .documents import weekday_parts
from .models import IndexGeneration, OfferPassage, OfferTerm
from .query import (
    FACETS,
    FIELD_WEIGHTS,
    OfferQuery,
    RawResults,
)
from .understanding import COVERAGE, Interpretation, Unit, coverage, ring_bonus
from .vocabulary import Vocabulary


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
    day_parts: frozenset[str]
    valid_from: dt.date | None
    valid_until: dt.date | None
    points: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Snapshot:
    """Everything the backend keeps in memory between index writes."""

    generation: int
    offers: list[IndexedOffer]
    # Semantic search: one row per offer text with a vector, and the offer it belongs to.
    passage_offers: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    passage_matrix: np.ndarray = field(
        default_factory=lambda: np.zeros((0, semantic.DIMENSIONS), dtype=np.float32)
    )


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
    times: dict[int, list] = defaultdict(list)
    for (
        offer_id,
        weekday,
        start,
        end,
    ) in OfferPage.weekly_slots.rel.related_model.objects.values_list(
        "page_id", "weekday", "start_time", "end_time"
    ):
        times[offer_id].append((weekday, start, end))
    for offer_id, date, start, end in OfferPage.dates.rel.related_model.objects.values_list(
        "page_id", "date", "start_time", "end_time"
    ):
        times[offer_id].append((date.weekday(), start, end))
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
            weekdays=frozenset(day for day, _start, _end in times[pk]),
            day_parts=frozenset(weekday_parts(times[pk])),
            valid_from=valid_from,
            valid_until=valid_until,
            points=points[pk],
        )
        for pk, title, kind, free, accessible, childcare, valid_from, valid_until in pages
    ]


def _load_vectors(offer_ids: set[int]) -> tuple[np.ndarray, np.ndarray]:
    """The vectors of the indexed offers' texts (none without the embedding package).

    Loaded even while ``SEMANTIC_SEARCH`` is off: the switch decides per query.
    """
    if not semantic.installed():
        return np.zeros(0, dtype=np.int64), np.zeros((0, semantic.DIMENSIONS), dtype=np.float32)
    keys_by_offer = [
        (pk, key)
        for pk, key in OfferPassage.objects.values_list("offer_id", "fingerprint")
        if pk in offer_ids
    ]
    vectors = semantic.stored(key for _pk, key in keys_by_offer)
    rows = [(pk, vectors[key]) for pk, key in keys_by_offer if key in vectors]
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, semantic.DIMENSIONS), dtype=np.float32)
    return (
        np.array([pk for pk, _v in rows], dtype=np.int64),
        np.vstack([v for _pk, v in rows]).astype(np.float32),
    )


def snapshot() -> Snapshot:
    """The in-memory snapshot, reloaded when the index has been written since."""
    global _snapshot
    generation = IndexGeneration.current()
    with _lock:
        if _snapshot is None or _snapshot.generation != generation:
            offers = _load_offers()
            _snapshot = Snapshot(generation, offers, *_load_vectors({o.pk for o in offers}))
        return _snapshot


# --- Text ---------------------------------------------------------------------


def _unit_best(
    unit: Unit, searcher_language: str, known: Vocabulary, offers: list[IndexedOffer]
) -> dict[int, float]:
    """Offer id → the best weight any of ``unit``'s alternatives gives it."""
    found = matching.unit_terms(unit, searcher_language, known)
    single, several = found.single, found.several
    wanted = set(single) | {(a.language, t[:100]) for a in several for t in a.terms}
    best: dict[int, float] = {}

    def offer(pk: int, score: float) -> None:
        if score > best.get(pk, 0.0):
            best[pk] = score

    if wanted:
        by_language: dict[str, list[str]] = defaultdict(list)
        for language, term in wanted:
            by_language[language].append(term)
        condition = Q()
        for language, terms in by_language.items():
            condition |= Q(language=language, term__in=sorted(terms))
        # Where each term stands: (offer, field) pairs, for the several-term alternatives.
        places: dict[tuple[str, str], set[tuple[int, str]]] = defaultdict(set)
        rows = OfferTerm.objects.filter(condition).values_list(
            "offer_id", "language", "field", "term"
        )
        for offer_id, language, name, term in rows:
            if several:
                places[(language, term)].add((offer_id, name))
            weight = single.get((language, term))
            if weight is not None:
                offer(offer_id, weight * FIELD_WEIGHTS[name])
        for alternative in several:
            keys = [(alternative.language, term[:100]) for term in alternative.terms]
            for offer_id, name in set.intersection(*(places[key] for key in keys)):
                offer(offer_id, alternative.weight * FIELD_WEIGHTS[name])
    for alternative in found.facets:
        values = set(alternative.values)
        for candidate in offers:
            if candidate.facets[alternative.facet] & values:
                offer(candidate.pk, alternative.weight)
    return best


def text_scores(
    meaning: Interpretation,
    searcher_language: str,
    known: Vocabulary,
    offers: list[IndexedOffer],
    coverage: float = COVERAGE,
) -> dict[int, float]:
    """Offer id → score for offers covering at least ``meaning.minimum_units`` units
    (``coverage`` per unit covered, plus the best alternative's weight)."""
    totals: dict[int, float] = defaultdict(float)
    covered: dict[int, int] = defaultdict(int)
    for unit in meaning.units:
        for offer_id, weight in _unit_best(unit, searcher_language, known, offers).items():
            totals[offer_id] += coverage + weight
            covered[offer_id] += 1
    return {pk: total for pk, total in totals.items() if covered[pk] >= meaning.minimum_units}


def similarities(snap: Snapshot, vector, offer_ids: set[int]) -> dict[int, float]:
    """Best cosine similarity to ``vector`` (exact) of the offers among ``offer_ids`` that
    could be semantic candidates: enough of the closest texts to hold the closest
    ``2 × CANDIDATES`` offers, as many as Elasticsearch's kNN is asked for."""
    if snap.passage_offers.size == 0 or not offer_ids:
        return {}
    allowed = np.isin(snap.passage_offers, np.fromiter(offer_ids, dtype=np.int64))
    rows = np.flatnonzero(allowed)
    scores = snap.passage_matrix[rows] @ vector
    # An offer has at most one text per site language.
    wanted = min(len(rows), 2 * semantic.CANDIDATES * len(site_languages()))
    top = np.argpartition(-scores, wanted - 1)[:wanted] if wanted < len(rows) else range(len(rows))
    best: dict[int, float] = {}
    for index in top:
        pk, score = int(snap.passage_offers[rows[index]]), float(scores[index])
        if score > best.get(pk, -2.0):
            best[pk] = score
    return best


# --- Filters, geo, facets ------------------------------------------------------


def _base_filter(query: OfferQuery, today: dt.date) -> Callable[[IndexedOffer], bool]:
    """Everything but the facet filters, as one predicate."""
    parts = query.day_parts_wanted()

    def passes(offer: IndexedOffer) -> bool:
        return (
            (offer.valid_from is None or offer.valid_from <= today)
            and (offer.valid_until is None or offer.valid_until >= today)
            and (not query.free or offer.is_free)
            and (not query.accessible or offer.wheelchair_accessible)
            and (not query.childcare or offer.childcare)
            and (query.open_on is None or query.open_on in offer.weekdays)
            and (parts is None or bool(parts & offer.day_parts))
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


def search(query: OfferQuery, meaning: Interpretation | None = None, vector=None) -> RawResults:
    """Answer ``query`` (its text interpreted as ``meaning``; ``vector`` for semantic matches)."""
    snap = snapshot()
    today = timezone.localdate()
    passes = _base_filter(query, today)
    candidates = [offer for offer in snap.offers if passes(offer)]

    distances: dict[int, float] = {}
    if query.near:
        box = _bounding_box(query.near, query.radius_km) if query.radius_km is not None else None
        for offer in candidates:
            distances[offer.pk] = nearest_distance(offer, query.near, box)
        if query.radius_km is not None:
            candidates = [o for o in candidates if distances[o.pk] <= query.radius_km]
    scores = None
    if meaning is not None and meaning.units:
        known = meaning.terms_known()
        # The term table also names offers the filters above left out (expired, say): only
        # candidates may be found, and only they have a distance for the rings below.
        allowed = {offer.pk for offer in candidates}
        scores = {
            pk: score
            for pk, score in text_scores(
                meaning, query.language, known, candidates, coverage(query)
            ).items()
            if pk in allowed
        }
        if vector is not None:
            found = similarities(snap, vector, {o.pk for o in candidates})
            for pk, extra in semantic.candidates_from_similarities(found, vector).items():
                scores[pk] = scores.get(pk, 0.0) + extra
        if query.distance_weighs_in:
            for pk in scores:
                scores[pk] += ring_bonus(distances[pk])
        scores = {pk: round(score, 3) for pk, score in scores.items()}
        candidates = [offer for offer in candidates if offer.pk in scores]

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
        hits.sort(key=lambda o: (-scores[o.pk], o.title_sort, o.pk))
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
