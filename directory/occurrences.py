"""When an offer takes place next: weekly times and single dates merged, within its validity."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.utils import timezone


class Occurrence(NamedTuple):
    """One concrete date on which an offer takes place."""

    date: dt.date
    start: dt.time | None
    end: dt.time | None


def next_occurrences(
    weekly: list[tuple[int, dt.time, dt.time]],
    single: list[tuple[dt.date, dt.time | None, dt.time | None]],
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    limit: int = 3,
    on: dt.date | None = None,
) -> list[Occurrence]:
    """The next ``limit`` occurrences of weekly slots and single dates, within validity.

    Looks 120 days ahead at most, so a weekly offer shows its next few weeks.
    """
    on = on or timezone.localdate()
    start = max(on, valid_from) if valid_from else on
    horizon = start + dt.timedelta(days=120)
    if valid_until:
        horizon = min(horizon, valid_until)
    found = [Occurrence(d, a, b) for d, a, b in single if start <= d <= horizon]
    repeated: list[Occurrence] = []
    day = start
    while weekly and day <= horizon and len(repeated) < limit:
        repeated += [Occurrence(day, a, b) for w, a, b in weekly if w == day.weekday()]
        day += dt.timedelta(days=1)
    merged = sorted(found + repeated, key=lambda o: (o.date, o.start or dt.time.min))
    return merged[:limit]
