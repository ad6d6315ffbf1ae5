"""The database backend: the same matching as Elasticsearch, from the database and numpy.

Works on SQLite (the embedded default) and PostgreSQL. What a search reads is
kept per process until the next index write (``IndexGeneration``), in a
*snapshot*: the indexed offers' filter fields column by column in numpy arrays
(one entry per offer, in title order) and, read from the ``OfferTerm`` table
the first time a term is searched for, the offers each term stands in (its
*postings*). Filters, facet counts, distances and text scores are then array
operations over all offers, not Python loops over offers or term rows: at
100 000 offers those loops took 0.2–0.8 s a query (docs/PERFORMANCE.md).
Distances use a bounding-box prefilter, then the great-circle distance, as
Elasticsearch's ``arc``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from django.db.models import Aggregate, Q, TextField
from django.utils import timezone

from directory.constants.weekdays import DayPart
from directory.geo import EARTH_RADIUS_KM, GeoPoint, distance_km
from directory.i18n import SOURCE_LANGUAGE, column, site_languages
from directory.models import OfferLocation, OfferPage

from . import analysis, matching, semantic
from .documents import weekday_parts
from .models import IndexGeneration, OfferPassage, OfferTerm
from .query import FACETS, FIELD_WEIGHTS, OfferQuery, RawResults
from .understanding import COVERAGE, Interpretation, Unit, coverage, ring_limits_km
from .vocabulary import Vocabulary

# "weekday:part" (as the documents store it) -> its bit in an offer's day-parts mask.
_PART_BITS = {
    f"{day}:{part.value}": day * len(DayPart) + index
    for day in range(7)
    for index, part in enumerate(DayPart)
}
_NO_DATE = np.iinfo(np.int32).max  # "valid until" of an offer valid for ever
# numpy's sine and square may differ from the math module's in the last bit: where a
# distance lies this close to a limit (radius, distance ring) or to the edge of the
# requested page, it is recomputed with ``distance_km`` so that hits, rings and order
# are exactly those of Python's arithmetic.
_EXACT_WITHIN_KM = 1e-9
_POSTINGS_HELD = 4_000_000  # offer rows of terms kept per process: at most ~32 MB
_NO_ROWS = np.zeros(0, dtype=np.int64)


class IndexedOffer(NamedTuple):
    """An indexed offer as tools and tests see it (searching works on columns)."""

    pk: int


@dataclass(frozen=True)
class FacetColumn:
    """One facet: its values and, for each, the rows of the offers that have it."""

    values: tuple[str, ...]  # sorted
    index: dict[str, int]  # value -> its position in ``values``
    rows: np.ndarray  # offer rows, grouped by value
    value_ids: np.ndarray  # the value (position in ``values``) of each entry of ``rows``
    starts: np.ndarray  # value i's rows are rows[starts[i] : starts[i + 1]]

    @classmethod
    def build(cls, pairs: Iterable[tuple[int, str]]) -> FacetColumn:
        """From (offer row, value) pairs; an offer counts once per value."""
        unique = set(pairs)
        values = tuple(sorted({value for _row, value in unique}))
        index = {value: i for i, value in enumerate(values)}
        rows = np.fromiter((row for row, _value in unique), np.int64, len(unique))
        ids = np.fromiter((index[value] for _row, value in unique), np.int64, len(unique))
        order = np.lexsort((rows, ids))
        ids = ids[order]
        starts = np.searchsorted(ids, np.arange(len(values) + 1))
        return cls(values, index, rows[order], ids, starts)

    def having(self, wanted: Iterable[str], size: int) -> np.ndarray:
        """Mask of the offers with any of the ``wanted`` values."""
        mask = np.zeros(size, dtype=bool)
        for value in set(wanted):
            i = self.index.get(value)
            if i is not None:
                mask[self.rows[self.starts[i] : self.starts[i + 1]]] = True
        return mask

    def counts(self, keep: np.ndarray) -> dict[str, int]:
        """How many of the offers in ``keep`` (a mask) have each value."""
        counted = np.bincount(self.value_ids[keep[self.rows]], minlength=len(self.values))
        return {self.values[i]: int(counted[i]) for i in np.flatnonzero(counted)}


@dataclass
class OfferColumns:
    """The filter fields of all indexed offers, one array entry per offer, in title order
    (title casefolded, then id), so that a row number is also the title sort."""

    pk: np.ndarray  # int64
    valid_from: np.ndarray  # date ordinals, 0 without a start
    valid_until: np.ndarray  # date ordinals, _NO_DATE without an end
    is_free: np.ndarray
    wheelchair_accessible: np.ndarray
    childcare: np.ndarray
    weekdays: np.ndarray  # bit d: open on weekday d
    day_parts: np.ndarray  # bits of _PART_BITS
    facets: dict[str, FacetColumn]
    # Every place with a point: the offer's row, its coordinates; sorted by row.
    point_rows: np.ndarray
    latitudes: np.ndarray
    longitudes: np.ndarray
    by_pk: np.ndarray = field(init=False)  # rows ordered by offer id, to find an id's row
    sorted_pk: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.by_pk = np.argsort(self.pk, kind="stable")
        self.sorted_pk = self.pk[self.by_pk]

    def __len__(self) -> int:
        return len(self.pk)

    def rows_of(self, pks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows of those ``pks`` that are indexed, and a mask of which ones are."""
        ordered = self.sorted_pk
        position = np.minimum(np.searchsorted(ordered, pks), max(len(ordered) - 1, 0))
        present = ordered[position] == pks if len(ordered) else np.zeros(len(pks), dtype=bool)
        return self.by_pk[position[present]], present


@dataclass
class Snapshot:
    """Everything the backend keeps in memory between index writes."""

    generation: int
    columns: OfferColumns
    # Semantic search: one row per offer text with a vector, and the offer it belongs to.
    passage_offers: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    passage_matrix: np.ndarray = field(
        default_factory=lambda: np.zeros((0, semantic.DIMENSIONS), dtype=np.float32)
    )
    # The offers each searched term stands in (see ``postings``), least recently used first.
    postings: OrderedDict = field(default_factory=OrderedDict)
    postings_held: int = 0

    @property
    def offers(self) -> list[IndexedOffer]:
        """The indexed offers in title order."""
        return [IndexedOffer(pk) for pk in self.columns.pk.tolist()]


_snapshot: Snapshot | None = None
_lock = threading.Lock()


def _load_columns() -> OfferColumns:
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
    pages.sort(key=lambda page: ((page[1] or "").casefold(), page[0]))
    row_of = {page[0]: row for row, page in enumerate(pages)}
    size = len(pages)

    def each(position: int, dtype, convert=lambda value: value) -> np.ndarray:
        return np.fromiter((convert(page[position]) for page in pages), dtype, size)

    through = {
        "category": (OfferPage.categories.through, "category__slug"),
        "target_group": (OfferPage.target_groups.through, "targetgroup__slug"),
        "spoken_language": (OfferPage.spoken_languages.through, "spokenlanguage__code"),
    }
    facets = {"kind": FacetColumn.build(enumerate(page[2] for page in pages))}
    for name, (model, path) in through.items():
        facets[name] = FacetColumn.build(
            (row_of[offer_id], value)
            for offer_id, value in model.objects.values_list("offerpage_id", path)
            if offer_id in row_of
        )

    weekdays, parts = [0] * size, [0] * size
    bits: dict[tuple, int] = {}  # opening times repeat a lot: each one's bits once
    times = list(
        OfferPage.weekly_slots.rel.related_model.objects.values_list(
            "page_id", "weekday", "start_time", "end_time"
        )
    )
    times += [
        (offer_id, date.weekday(), start, end)
        for offer_id, date, start, end in OfferPage.dates.rel.related_model.objects.values_list(
            "page_id", "date", "start_time", "end_time"
        )
    ]
    for offer_id, weekday, start, end in times:
        row = row_of.get(offer_id)
        if row is None:
            continue
        key = (weekday, start, end)
        if key not in bits:
            bits[key] = sum(1 << _PART_BITS[part] for part in weekday_parts([key]))
        weekdays[row] |= 1 << weekday
        parts[row] |= bits[key]

    located = OfferLocation.objects.filter(latitude__isnull=False, longitude__isnull=False)
    points = sorted(
        (row_of[offer_id], latitude, longitude)
        for offer_id, latitude, longitude in located.values_list("page_id", "latitude", "longitude")
        if offer_id in row_of
    )
    return OfferColumns(
        pk=each(0, np.int64),
        valid_from=each(6, np.int32, lambda day: day.toordinal() if day else 0),
        valid_until=each(7, np.int32, lambda day: day.toordinal() if day else _NO_DATE),
        is_free=each(3, bool),
        wheelchair_accessible=each(4, bool),
        childcare=each(5, bool),
        weekdays=np.array(weekdays, dtype=np.uint8),
        day_parts=np.array(parts, dtype=np.int32),
        facets=facets,
        point_rows=np.array([p[0] for p in points], dtype=np.int64),
        latitudes=np.array([p[1] for p in points], dtype=np.float64),
        longitudes=np.array([p[2] for p in points], dtype=np.float64),
    )


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
            columns = _load_columns()
            _snapshot = Snapshot(generation, columns, *_load_vectors(set(columns.pk.tolist())))
        return _snapshot


# --- Text ---------------------------------------------------------------------


class _JoinedIds(Aggregate):
    """The group's offer ids as one comma-separated string: one row per term and field
    leaves the database instead of one per offer."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',')"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="GROUP_CONCAT",
            template="%(function)s(%(expressions)s, ',')",
            **extra,
        )


def _load_postings(columns: OfferColumns, keys: list[tuple[str, str]]) -> dict:
    """(language, term) -> {field: sorted rows of the indexed offers with the term there}."""
    condition = Q()
    for language in {language for language, _term in keys}:
        condition |= Q(
            language=language, term__in=sorted(t for lang, t in keys if lang == language)
        )
    found: dict[tuple[str, str], dict[str, np.ndarray]] = {key: {} for key in keys}
    groups = (
        OfferTerm.objects.filter(condition)
        .order_by()
        .values_list("language", "term", "field")
        .annotate(ids=_JoinedIds("offer_id"))
    )
    for language, term, name, ids in groups:
        rows, _present = columns.rows_of(np.fromstring(ids, dtype=np.int64, sep=","))
        found[(language, term)][name] = np.unique(rows)
    return found


def postings(snap: Snapshot, keys: Iterable[tuple[str, str]]) -> dict:
    """Where each (language, term) stands: {field: sorted offer rows}.

    Read from the term table (index-only, ``offer_term_postings``) the first time a
    term is asked for, then kept with the snapshot, up to _POSTINGS_HELD rows: the
    words people search for, and their compound parts, stand in thousands of offers
    each, and reading them again for every query cost most of its time.
    """
    keys = set(keys)
    with _lock:
        missing = [key for key in keys if key not in snap.postings]
    loaded = _load_postings(snap.columns, missing) if missing else {}
    with _lock:
        answer = {key: loaded[key] if key in loaded else snap.postings[key] for key in keys}
        held = snap.postings
        for key in keys:
            if key in loaded and key not in held:
                held[key] = loaded[key]
                snap.postings_held += sum(len(rows) for rows in loaded[key].values())
            held.move_to_end(key)
        while snap.postings_held > _POSTINGS_HELD and len(held) > len(keys):
            _key, dropped = held.popitem(last=False)
            snap.postings_held -= sum(len(rows) for rows in dropped.values())
    return answer


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
                (where[(language, term)].get(name, _NO_ROWS) for term in terms),
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
        wanted_bits = sum(1 << _PART_BITS[part] for part in parts if part in _PART_BITS)
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
