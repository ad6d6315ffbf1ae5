"""The database backend: the same matching as Elasticsearch, from the database and numpy.

Works on SQLite (the embedded default) and PostgreSQL. What a search reads is
kept per process until the next index write, in a snapshot (``search.snapshot``:
the offers' filter fields as numpy columns, the offers each term stands in).
Filters, facet counts, distances and text scores are then array
operations over all offers, not Python loops over offers or term rows: at
100 000 offers those loops took 0.2–0.8 s a query (docs/PERFORMANCE.md).
Distances use a bounding-box prefilter, then the great-circle distance, as
Elasticsearch's ``arc``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable

import numpy as np
from django.db.models import Q
from django.utils import timezone

from directory.geo import EARTH_RADIUS_KM, GeoPoint, distance_km
from directory.i18n import SOURCE_LANGUAGE, site_languages

from . import analysis, matching, semantic
from .models import OfferTerm
from .query import FACETS, FIELD_WEIGHTS, OfferQuery, RawResults
from .snapshot import NO_ROWS, PART_BITS, OfferColumns, Snapshot, postings, snapshot
from .understanding import COVERAGE, Interpretation, Unit, coverage, ring_limits_km
from .vocabulary import Vocabulary

# numpy's sine and square may differ from the math module's in the last bit: where a
# distance lies this close to a limit (radius, distance ring) or to the edge of the
# requested page, it is recomputed with ``distance_km`` so that hits, rings and order
# are exactly those of Python's arithmetic.
_EXACT_WITHIN_KM = 1e-9


def _unit_best(unit: Unit, searcher_language: str, known: Vocabulary, snap: Snapshot) -> np.ndarray:
    """The best weight any of ``unit``'s alternatives gives each offer row (0: none)."""
    found = matching.unit_terms(unit, searcher_language, known)
    several: dict[tuple[str, tuple[str, ...]], float] = {}
    for alternative in found.several:  # the same terms twice count with the better weight
        key = (alternative.language, tuple(sorted({t[:100] for t in alternative.terms})))
        several[key] = max(several.get(key, 0.0), alternative.weight)
    where = postings(
        snap,
        set(found.single) | {(language, t) for (language, terms) in several for t in terms},
    )
    best = np.zeros(len(snap.columns))

    def offer(rows: np.ndarray, score: float) -> None:
        best[rows] = np.maximum(best[rows], score)

    for key, weight in found.single.items():
        for name, rows in where[key].items():
            offer(rows, weight * FIELD_WEIGHTS[name])
    for (language, terms), weight in several.items():
        for name, field_weight in FIELD_WEIGHTS.items():
            # All terms in one field: the intersection of their sorted rows there.
            rows = functools.reduce(
                lambda a, b: np.intersect1d(a, b, assume_unique=True),
                (where[(language, term)].get(name, NO_ROWS) for term in terms),
            )
            offer(rows, weight * field_weight)
    for alternative in found.facets:
        having = snap.columns.facets[alternative.facet].having(alternative.values, len(best))
        offer(np.flatnonzero(having), alternative.weight)
    return best


def text_scores(
    meaning: Interpretation,
    searcher_language: str,
    known: Vocabulary,
    snap: Snapshot,
    coverage: float = COVERAGE,
) -> tuple[np.ndarray, np.ndarray]:
    """Per offer row: the score (``coverage`` per unit covered, plus the best alternative's
    weight) and whether it covers at least ``meaning.minimum_units`` units."""
    totals = np.zeros(len(snap.columns))
    covered = np.zeros(len(snap.columns), dtype=np.int32)
    for unit in meaning.units:
        best = _unit_best(unit, searcher_language, known, snap)
        hit = best > 0
        totals[hit] += coverage + best[hit]
        covered += hit
    return totals, covered >= meaning.minimum_units


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


def _base_mask(columns: OfferColumns, query: OfferQuery, today: dt.date) -> np.ndarray:
    """The offers passing everything but the facet filters."""
    day = today.toordinal()
    mask = (columns.valid_from <= day) & (columns.valid_until >= day)
    for wanted, flags in (
        (query.free, columns.is_free),
        (query.accessible, columns.wheelchair_accessible),
        (query.childcare, columns.childcare),
    ):
        if wanted:
            mask &= flags
    if query.open_on is not None:
        if 0 <= query.open_on < 7:
            mask &= (columns.weekdays & (1 << query.open_on)) != 0
        else:
            mask[:] = False
    parts = query.day_parts_wanted()
    if parts is not None:
        wanted_bits = sum(1 << PART_BITS[part] for part in parts if part in PART_BITS)
        mask &= (columns.day_parts & wanted_bits) != 0
    return mask


def _bounding_box(near: GeoPoint, radius_km: float) -> tuple[float, float, float, float]:
    dlat = radius_km / 110.5  # a little generous: the exact distance decides
    dlon = radius_km / max(0.01, 110.5 * math.cos(math.radians(near.latitude)))
    return (
        near.latitude - dlat,
        near.latitude + dlat,
        near.longitude - dlon,
        near.longitude + dlon,
    )


def _inside(box: tuple | None, latitudes: np.ndarray, longitudes: np.ndarray) -> np.ndarray:
    if box is None:
        return np.ones(len(latitudes), dtype=bool)
    return (
        (box[0] <= latitudes)
        & (latitudes <= box[1])
        & (box[2] <= longitudes)
        & (longitudes <= box[3])
    )


def _nearest_distances(columns: OfferColumns, near: GeoPoint, box: tuple | None) -> np.ndarray:
    """Per offer row, the distance to its nearest place (inf without one inside ``box``):
    ``distance_km``'s formula on arrays, equal to it up to the last bit."""
    inside = _inside(box, columns.latitudes, columns.longitudes)
    latitudes, longitudes = columns.latitudes[inside], columns.longitudes[inside]
    p1, p2 = math.radians(near.latitude), np.radians(latitudes)
    dp, dl = p2 - p1, np.radians(longitudes - near.longitude)
    h = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    distances = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    nearest = np.full(len(columns), np.inf)
    np.minimum.at(nearest, columns.point_rows[inside], distances)
    return nearest


def _make_exact(
    distances: np.ndarray, rows: np.ndarray, columns: OfferColumns, near: GeoPoint, box
) -> None:
    """Recompute the nearest distance of the offers at ``rows`` with ``distance_km``."""
    for row in rows.tolist():
        first, last = np.searchsorted(columns.point_rows, [row, row + 1])
        distances[row] = min(
            (
                distance_km(near, latitude, longitude)
                for latitude, longitude in zip(
                    columns.latitudes[first:last].tolist(),
                    columns.longitudes[first:last].tolist(),
                    strict=True,
                )
                if box is None or (box[0] <= latitude <= box[1] and box[2] <= longitude <= box[3])
            ),
            default=math.inf,
        )


def _close_to(distances: np.ndarray, limits: Iterable[float]) -> np.ndarray:
    """Rows whose distance lies within _EXACT_WITHIN_KM of one of ``limits``."""
    close = np.zeros(len(distances), dtype=bool)
    for limit in limits:
        close |= np.abs(distances - limit) <= _EXACT_WITHIN_KM
    return np.flatnonzero(close)


def search(query: OfferQuery, meaning: Interpretation | None = None, vector=None) -> RawResults:
    """Answer ``query`` (its text interpreted as ``meaning``; ``vector`` for semantic matches)."""
    snap = snapshot()
    columns = snap.columns
    candidates = _base_mask(columns, query, timezone.localdate())

    distances = np.full(len(columns), np.inf)
    box = None
    if query.near:
        box = _bounding_box(query.near, query.radius_km) if query.radius_km is not None else None
        distances = _nearest_distances(columns, query.near, box)
        limits = [query.radius_km] if query.radius_km is not None else []
        if query.distance_weighs_in:
            limits += ring_limits_km()
        _make_exact(distances, _close_to(distances, limits), columns, query.near, box)
        if query.radius_km is not None:
            candidates &= distances <= query.radius_km
    scores = None
    if meaning is not None and meaning.units:
        known = meaning.terms_known()
        # The term table also names offers the filters above left out (expired, say): only
        # candidates may be found, and only they have a distance for the rings below.
        totals, enough = text_scores(meaning, query.language, known, snap, coverage(query))
        scored = candidates & enough
        scores = np.where(scored, totals, 0.0)
        if vector is not None:
            found = similarities(snap, vector, set(columns.pk[candidates].tolist()))
            extra = semantic.candidates_from_similarities(found, vector)
            if extra:
                rows, present = columns.rows_of(np.fromiter(extra, dtype=np.int64))
                scores[rows] += np.fromiter(extra.values(), dtype=np.float64)[present]
                scored[rows] = True
        if query.distance_weighs_in:
            limits = np.array(ring_limits_km())
            within = len(limits) - np.searchsorted(limits, distances[scored], side="left")
            scores[scored] += COVERAGE * within
        # Rounded as Python rounds, as before: equal scores tie-break by title in both backends.
        scores[scored] = [round(score, 3) for score in scores[scored].tolist()]
        candidates = scored

    size = len(columns)
    chosen = {
        name: columns.facets[name].having(values, size)
        for name, values in query.filter_values().items()
        if values
    }

    def matching_all(skip: str | None = None) -> np.ndarray:
        keep = candidates.copy()
        for name, having in chosen.items():
            if name != skip:
                keep &= having
        return keep

    facets = {name: columns.facets[name].counts(matching_all(skip=name)) for name in FACETS}
    hits = np.flatnonzero(matching_all())  # rows: in title order already
    sort = query.effective_sort
    if sort == "relevance" and scores is not None:
        hits = hits[np.lexsort((hits, -scores[hits]))]
    elif sort == "distance" and query.near:
        hits = hits[np.lexsort((hits, distances[hits]))]
        hits = _exact_page_order(hits, query, distances, columns, box)
    page = hits[query.offset : query.offset + query.page_size]
    return RawResults(ids=columns.pk[page].tolist(), count=len(hits), facets=facets)


def _exact_page_order(
    hits: np.ndarray, query: OfferQuery, distances: np.ndarray, columns: OfferColumns, box
) -> np.ndarray:
    """``hits`` (sorted by distance) with the requested page in exactly ``distance_km``'s
    order: offers about as far as the page's first or last one are measured again."""
    page = hits[query.offset : query.offset + query.page_size]
    if len(page) == 0 or query.near is None:
        return hits
    low, high = distances[page[0]], distances[page[-1]]
    far = distances[hits]
    # Offers without a place stay at infinity in any arithmetic.
    unsure = hits[
        np.isfinite(far)
        & (far >= low - 2 * _EXACT_WITHIN_KM)
        & (far <= high + 2 * _EXACT_WITHIN_KM)
    ]
    _make_exact(distances, unsure, columns, query.near, box)
    return hits[np.lexsort((hits, distances[hits]))]


def suggest(prefix: str, language: str, limit: int) -> list[int]:
    """Ids of public offers whose title has a word starting with ``prefix``, by title."""
    condition = Q()
    for lang in dict.fromkeys([language, SOURCE_LANGUAGE]):
        condition |= Q(language=lang, term__startswith=analysis.prefix_term(prefix, lang))
    found = OfferTerm.objects.filter(condition, field="title").values_list("offer_id", flat=True)
    columns = snapshot().columns
    rows, _present = columns.rows_of(np.fromiter(set(found), dtype=np.int64))
    passes = _base_mask(columns, OfferQuery(), timezone.localdate())
    return columns.pk[np.sort(rows[passes[rows]])[:limit]].tolist()
