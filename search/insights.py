"""What the search log may show, and how long its raw rows stay (issue 17, docs/INSIGHTS.md).

Every report, chart and CSV asks :func:`visible_queries`, so the threshold is applied in
one place: words appear only once they were searched on ``INSIGHTS_MIN_DAYS`` different
days, so no single person's search is ever shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from .models import SearchDay, SearchLogEntry


@dataclass(frozen=True)
class QueryCount:
    """Searches for the same words in one language and town over a period."""

    query: str
    language: str
    town: str
    searches: int
    without_results: int
    days: int


def aggregate_old_rows(today: dt.date | None = None) -> int:
    """Fold raw rows older than ``INSIGHTS_RAW_DAYS`` into daily counts and delete them."""
    today = today or timezone.localdate()
    old = SearchLogEntry.objects.filter(
        day__lt=today - dt.timedelta(days=settings.INSIGHTS_RAW_DAYS)
    )
    groups = old.values("day", "query", "language", "filters", "town").annotate(
        searches=Count("pk"), without_results=Count("pk", filter=Q(results=0))
    )
    with transaction.atomic():
        folded = 0
        for group in groups:
            key = {name: group[name] for name in ("day", "query", "language", "filters", "town")}
            row, _new = SearchDay.objects.get_or_create(
                **key, defaults={"searches": 0, "without_results": 0}
            )
            row.searches += group["searches"]
            row.without_results += group["without_results"]
            row.save(update_fields=["searches", "without_results"])
            folded += group["searches"]
        old.delete()
    return folded


def visible_queries(since: dt.date, until: dt.date) -> list[QueryCount]:
    """Words searched between ``since`` and ``until``, raw and folded rows together, that
    were searched on at least ``INSIGHTS_MIN_DAYS`` different days; most searched first."""
    totals: dict[tuple[str, str, str], list] = {}

    def add(key, searches, without, day) -> None:
        entry = totals.setdefault(key, [0, 0, set()])
        entry[0] += searches
        entry[1] += without
        entry[2].add(day)

    raw = SearchLogEntry.objects.filter(day__range=(since, until))
    for row in raw.values("query", "language", "town", "day").annotate(
        n=Count("pk"), none=Count("pk", filter=Q(results=0))
    ):
        add((row["query"], row["language"], row["town"]), row["n"], row["none"], row["day"])
    folded = SearchDay.objects.filter(day__range=(since, until))
    for row in folded.values("query", "language", "town", "day").annotate(
        n=Sum("searches"), none=Sum("without_results")
    ):
        add((row["query"], row["language"], row["town"]), row["n"], row["none"], row["day"])
    shown = [
        QueryCount(query, language, town, searches, without, len(days))
        for (query, language, town), (searches, without, days) in totals.items()
        if len(days) >= settings.INSIGHTS_MIN_DAYS and query
    ]
    return sorted(shown, key=lambda q: (-q.searches, q.query))


def without_results(since: dt.date, until: dt.date) -> list[QueryCount]:
    """Visible words that found nothing at least once in the period, most often first."""
    shown = [q for q in visible_queries(since, until) if q.without_results]
    return sorted(shown, key=lambda q: (-q.without_results, -q.searches, q.query))


def weekly_without_results(
    keys: set[tuple[str, str, str]], until: dt.date, weeks: int
) -> dict[tuple[str, str, str], list[int]]:
    """Searches without results per week, oldest week first, for each (query, language,
    town) in ``keys`` (already visible): the trend of a gap, the last week ending ``until``."""
    since = until - dt.timedelta(days=7 * weeks - 1)
    trends = {key: [0] * weeks for key in keys}

    def add(key, day, count) -> None:
        if key in trends and count:
            trends[key][(day - since).days // 7] += count

    fields = ("query", "language", "town", "day")
    raw = SearchLogEntry.objects.filter(day__range=(since, until), results=0)
    for row in raw.values(*fields).annotate(n=Count("pk")):
        add((row["query"], row["language"], row["town"]), row["day"], row["n"])
    folded = SearchDay.objects.filter(day__range=(since, until), without_results__gt=0)
    for row in folded.values(*fields).annotate(n=Sum("without_results")):
        add((row["query"], row["language"], row["town"]), row["day"], row["n"])
    return trends
