"""Days of the week, Monday first as in Germany (and Python's ``date.weekday()``)."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    """Weekdays numbered like ``datetime.date.weekday()``."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class DayPart(models.TextChoices):
    """Parts of the day people ask for ("Tuesday mornings"), as hours [start, end)."""

    MORNING = "morning", _("morning")
    AFTERNOON = "afternoon", _("afternoon")
    EVENING = "evening", _("evening")


DAY_PART_HOURS = {DayPart.MORNING: (0, 12), DayPart.AFTERNOON: (12, 17), DayPart.EVENING: (17, 24)}


def day_parts(start: dt.time | None, end: dt.time | None) -> set[str]:
    """The parts of the day a time from ``start`` to ``end`` touches (all, without a start;
    an hour, without an end)."""
    if start is None:
        return {part.value for part in DayPart}
    begin = start.hour + start.minute / 60
    finish = end.hour + end.minute / 60 if end is not None and end > start else begin + 1
    return {
        part.value for part, (low, high) in DAY_PART_HOURS.items() if begin < high and finish > low
    }
