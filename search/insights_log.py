"""The search log without personal data: what a search asked and found, never who asked.

Counting happens around the page cache, because a cached answer never reaches a view:
the page hook and the API call :func:`mark` with the query they answered, which puts a
short JSON note in an internal response header (``HEADER``); the cache keeps that
header with the answer; :class:`~search.insights_middleware.SearchLogMiddleware`, outside
the cache, turns the note into a row for every answer, cached or not, and removes the
header. Rows are written in bulk from a per-process buffer, so a search pays a list
append, not an INSERT. Design: docs/INSIGHTS.md (issue 17).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import F
from django.utils import timezone

from directory.gazetteer import places_near

from .query import OfferQuery

HEADER = "X-Gemeinsam-Search"
VIEW_HEADER = "X-Gemeinsam-View"
MAX_QUERY = 100
FLUSH_EVERY_SECONDS = 5.0
FLUSH_AT_ENTRIES = 200


# Direction overrides and isolates (U+202A–E, U+2066–9) and marks: a query holding one would
# turn the rest of its report row around. The Farsi zero-width non-joiner (U+200C) stays.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F])


def normalise_query(text: str) -> str:
    """Lower case, white space collapsed, no direction controls, at most 100 characters."""
    return " ".join((text or "").translate(BIDI_CONTROLS).casefold().split())[:MAX_QUERY]


def town_of(query: OfferQuery) -> str:
    """The town searched near: the gazetteer's nearest town, never coordinates."""
    if query.near is None:
        return ""
    nearest = places_near(query.near, 15)
    return nearest[0][1].name if nearest else ""


def filters_of(query: OfferQuery) -> str:
    """The chosen filters as one short, sorted string ("category:sport kind:course free")."""
    parts = [f"category:{c}" for c in query.categories] + [f"kind:{k}" for k in query.kinds]
    parts += [f"group:{g}" for g in query.target_groups]
    parts += [f"language:{s}" for s in query.spoken_languages]
    parts += [name for name in ("free", "accessible", "childcare") if getattr(query, name)]
    if query.open_on is not None:
        parts.append(f"day:{query.open_on}")
    if query.time_of_day:
        parts.append(f"time:{query.time_of_day}")
    return " ".join(sorted(parts))[:200]


def mark(response, query: OfferQuery, results: int, source: str) -> None:
    """Note on ``response`` what was searched and found (only the first page counts)."""
    if query.page != 1 or not settings.INSIGHTS_LOG:
        return
    response[HEADER] = json.dumps(
        {
            "q": normalise_query(query.text),
            "l": query.language,
            "f": filters_of(query),
            "t": town_of(query),
            "n": results,
            "s": source,
        },
        ensure_ascii=True,  # a header is Latin-1: other scripts as \\u escapes
    )


def mark_view(response, offer_id: int, language: str) -> None:
    """Note on ``response`` that an offer's page was opened (in ``language``)."""
    if not settings.INSIGHTS_LOG:
        return
    response[VIEW_HEADER] = json.dumps({"o": int(offer_id), "l": language})


class _Buffer:
    """Rows and view counts waiting to be written, per process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: list[dict[str, Any]] = []
        self.views: Counter[tuple[Any, int, str]] = Counter()
        self.since = time.monotonic()  # when the oldest waiting entry came
        self.waiting = False  # a timer will write what waits
        self.writing = False  # a thread writes a full buffer right now
        self.timers: list[threading.Timer] = []

    def due(self) -> bool:
        waiting = len(self.rows) + len(self.views)
        return waiting >= FLUSH_AT_ENTRIES or time.monotonic() - self.since >= FLUSH_EVERY_SECONDS

    def add(self, note: dict[str, Any]) -> None:
        with self.lock:
            self._started()
            self.rows.append(note)
            inline = self._arrange()
        if inline:
            flush()

    def count_view(self, key: tuple[Any, int, str]) -> None:
        with self.lock:
            self._started()
            self.views[key] += 1
            inline = self._arrange()
        if inline:
            flush()

    def _started(self) -> None:
        # The wait counts from the first entry, not from the last write: otherwise the
        # first search after a quiet spell would find the buffer "due" and write inline.
        if not self.rows and not self.views:
            self.since = time.monotonic()

    def _arrange(self) -> bool:
        """Under the lock: arrange the write, never in the request when a thread can; True
        when the caller is to write now.

        The first entry starts a timer (on a quiet site no next search would come to write
        it, and a restart loses at most FLUSH_EVERY_SECONDS of counts); a full buffer is
        written by a thread at once. Without the timer (tests) a due buffer is written here.
        """
        if not settings.INSIGHTS_FLUSH_TIMER:
            return self.due()
        full = len(self.rows) + len(self.views) >= FLUSH_AT_ENTRIES
        if full and not self.writing:
            self.writing = True
            delay = 0.0
        elif not self.waiting:
            self.waiting = True
            delay = FLUSH_EVERY_SECONDS
        else:
            return False  # already arranged
        worker = threading.Timer(delay, _flush_from_thread)
        worker.daemon = True
        self.timers = [timer for timer in self.timers if timer.is_alive()] + [worker]
        worker.start()
        return False


_buffer = _Buffer()


def record(header_value: str) -> None:
    """Keep the note of one answered search (from the response header) for the next flush."""
    try:
        note = json.loads(header_value)
        entry = {
            "day": timezone.localdate(),
            "query": normalise_query(str(note["q"])),
            "language": str(note["l"])[:8],
            "filters": str(note["f"])[:200],
            "town": str(note["t"])[:100],
            "results": max(0, int(note["n"])),
            "source": str(note["s"])[:8],
        }
    except (ValueError, KeyError, TypeError):
        return
    _buffer.add(entry)


def record_view(header_value: str) -> None:
    """Count one opening of an offer's page (from the response header) for the next flush."""
    try:
        note = json.loads(header_value)
        key = (timezone.localdate(), int(note["o"]), str(note["l"])[:8])
    except (ValueError, KeyError, TypeError):
        return
    _buffer.count_view(key)


def discard() -> None:
    """Drop what waits unwritten, and the timers that would write it (the tests, between
    one test's data and the next)."""
    with _buffer.lock:
        for timer in _buffer.timers:
            timer.cancel()
        _buffer.timers = []
        _buffer.rows, _buffer.views = [], Counter()
        _buffer.waiting = _buffer.writing = False


def _flush_from_thread() -> None:
    try:
        flush()
    finally:
        connections.close_all()  # this thread's own connections


def flush() -> int:
    """Write the waiting rows in one INSERT and the view counts in one UPDATE each; a
    database failure drops them (counting is not worth an error page)."""
    from directory.models import OfferPage

    from .models import OfferViewDay, SearchLogEntry

    with _buffer.lock:
        rows, _buffer.rows = _buffer.rows, []
        views, _buffer.views = _buffer.views, Counter()
        _buffer.waiting = _buffer.writing = False
    try:
        with transaction.atomic():
            SearchLogEntry.objects.bulk_create([SearchLogEntry(**row) for row in rows])
            # An offer deleted since it was opened has no row to count on (and its id in a
            # request's transaction would fail that transaction's commit).
            offers = {offer_id for _day, offer_id, _language in views}
            existing = set(OfferPage.objects.filter(pk__in=offers).values_list("pk", flat=True))
            for (day, offer_id, language), count in views.items():
                if offer_id not in existing:
                    continue
                counted = OfferViewDay.objects.filter(
                    day=day, offer_id=offer_id, language=language
                ).update(views=F("views") + count)
                if not counted:
                    OfferViewDay.objects.create(
                        day=day, offer_id=offer_id, language=language, views=count
                    )
    except DatabaseError:
        return 0
    return len(rows) + sum(views.values())
