"""An offer's times as HSDS ``schedule`` objects (iCal RRULE fields).

- A weekly time is ``freq`` WEEKLY, ``wkst`` MO, ``byday`` its day (MO … SU),
  ``opens_at``/``closes_at``, ``valid_from``/``valid_to`` from the offer's validity and
  ``dtstart`` the first such weekday on or after the validity's start (else after the
  offer was first published).
- A single date is ``dtstart`` that date with ``count`` 1 (and ``freq`` WEEKLY, ``byday``
  its weekday, so an RRULE reader gets exactly that one day); its times if it has them.
- An offer with a schedule note but no times gets one schedule holding only the note.

Every schedule's ``notes`` is the offer's schedule note. ``opens_at`` and ``closes_at``
are local wall-clock times ``HH:MM:SS`` of ``TIME_ZONE``, the way the offer states
them; ``timezone`` is that zone's UTC offset in hours on ``dtstart`` (1 in winter, 2 in
summer in Germany). HSDS has only a fixed offset, so a weekly time that runs across a
change to or from summer time keeps its wall-clock time: that is what the offer means.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ..i18n import own_text, text_in
from .context import compact, translations
from .ids import uid
from .loading import OfferBundle

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # our weekday numbers, Monday = 0
WEEK_START = "MO"


def hsds_time(value: dt.time | None) -> str | None:
    """A time as HSDS writes it ("15:00:00")."""
    return value.isoformat("seconds") if value is not None else None


def utc_offset(day: dt.date, time: dt.time | None = None) -> int | float:
    """The UTC offset of ``TIME_ZONE`` in hours at ``time`` (noon) on ``day``."""
    moment = dt.datetime.combine(day, time or dt.time(12), timezone.get_default_timezone())
    offset = moment.utcoffset()
    hours = offset.total_seconds() / 3600 if offset is not None else 0.0
    return int(hours) if hours.is_integer() else hours


def first_weekday(weekday: int, since: dt.date) -> dt.date:
    """The first day on or after ``since`` that falls on ``weekday`` (0 = Monday)."""
    return since + dt.timedelta(days=(weekday - since.weekday()) % 7)


def _since(bundle: OfferBundle) -> dt.date:
    # Stable from one export to the next: never "today".
    offer = bundle.offer
    if offer.valid_from:
        return offer.valid_from
    if offer.first_published_at:
        return timezone.localdate(offer.first_published_at)
    return offer.last_confirmed


def schedules(bundle: OfferBundle, language: str) -> list[dict[str, Any]]:
    """The offer's schedules, notes in ``language`` (else German)."""
    offer = bundle.offer
    service_id = uid("offer", offer.pk)
    common = {
        "service_id": service_id,
        "notes": text_in(offer, "schedule_note", language).value,
        "translations": translations(
            {"notes": lambda language: own_text(offer, "schedule_note", language)}
        ),
    }
    validity = {
        "valid_from": offer.valid_from.isoformat() if offer.valid_from else None,
        "valid_to": offer.valid_until.isoformat() if offer.valid_until else None,
    }
    found = []
    for slot in bundle.slots:
        start = first_weekday(slot.weekday, _since(bundle))
        found.append(
            compact(
                {
                    "id": uid("weekly_slot", slot.pk),
                    **common,
                    **validity,
                    "dtstart": start.isoformat(),
                    "timezone": utc_offset(start, slot.start_time),
                    "freq": "WEEKLY",
                    "wkst": WEEK_START,
                    "byday": BYDAY[slot.weekday],
                    "opens_at": hsds_time(slot.start_time),
                    "closes_at": hsds_time(slot.end_time),
                }
            )
        )
    for date in bundle.dates:
        found.append(
            compact(
                {
                    "id": uid("date", date.pk),
                    **common,
                    "dtstart": date.date.isoformat(),
                    "timezone": utc_offset(date.date, date.start_time),
                    "freq": "WEEKLY",
                    "wkst": WEEK_START,
                    "byday": BYDAY[date.date.weekday()],
                    "count": 1,
                    "opens_at": hsds_time(date.start_time),
                    "closes_at": hsds_time(date.end_time),
                }
            )
        )
    if not found and common["notes"]:
        found.append(compact({"id": uid("schedule_note", offer.pk), **common, **validity}))
    return found
