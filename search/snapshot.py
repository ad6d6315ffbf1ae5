"""What the database backend keeps in memory per process, until the next index write.

A *snapshot* holds the indexed offers' filter fields column by column in numpy
arrays (one entry per offer, in title order), the vectors of their texts, and,
read from the ``OfferTerm`` table the first time a term is searched for, the
offers each term stands in (its *postings*). ``search.database`` answers
queries from it with array operations. Works on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from django.db.models import Aggregate, Q, TextField

from directory.constants.weekdays import DayPart
from directory.i18n import SOURCE_LANGUAGE, column
from directory.models import OfferLocation, OfferPage

from . import semantic
from .documents import weekday_parts
from .models import IndexGeneration, OfferPassage, OfferTerm

# "weekday:part" (as the documents store it) -> its bit in an offer's day-parts mask.
PART_BITS = {
    f"{day}:{part.value}": day * len(DayPart) + index
    for day in range(7)
    for index, part in enumerate(DayPart)
}
_NO_DATE = np.iinfo(np.int32).max  # "valid until" of an offer valid for ever
_POSTINGS_HELD = 4_000_000  # offer rows of terms kept per process: at most ~32 MB
NO_ROWS = np.zeros(0, dtype=np.int64)


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
    day_parts: np.ndarray  # bits of PART_BITS
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
            bits[key] = sum(1 << PART_BITS[part] for part in weekday_parts([key]))
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


# --- Postings -----------------------------------------------------------------


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
