"""An offer's times as an iCalendar file (RFC 5545), so people can add them to their phone.

Weekly times become repeating events (until the offer's validity ends);
single dates become single events, all-day when they have no start time.
Times are local to Europe/Berlin. The file is built with the ``icalendar``
library, which escapes and folds the text; offers' texts only ever go in as
property values.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from .models import OfferPage

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
TIMEZONE = ZoneInfo("Europe/Berlin")
PRODID = "-//Gemeinsam//Offers//DE"


def _clean(text: str, *, one_line: bool) -> str:
    """Text without control characters, which RFC 5545 does not allow in a TEXT value.

    Line breaks stay (icalendar escapes them as ``\\n``) where several lines make
    sense; one-line values such as the title get single spaces instead.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        (char if char == "\n" else " ")
        if unicodedata.category(char) in {"Cc", "Zl", "Zp"}
        else char
        for char in text
    )
    return " ".join(text.split()) if one_line else text.strip()


def offer_calendar(offer: OfferPage, url: str, host: str, on: dt.date | None = None) -> bytes:
    """The iCalendar file for ``offer`` (title and summary in the active language)."""
    return offers_calendar([(offer, url)], host, on)


def offers_calendar(
    offers: Iterable[tuple[OfferPage, str]], host: str, on: dt.date | None = None
) -> bytes:
    """One iCalendar file with the times of several offers, each given with its page URL
    (a search's results, to subscribe to in a phone's calendar)."""
    on = on or timezone.localdate()
    calendar = Calendar.new(prodid=PRODID, calscale="GREGORIAN", method="PUBLISH")
    for offer, url in offers:
        for event in _events(offer, url, host, on):
            calendar.add_component(event)
    calendar.add_missing_timezones(first_date=on)
    return calendar.to_ical()


def _events(offer: OfferPage, url: str, host: str, on: dt.date) -> list[Event]:
    """The events of one offer: a repeating event per weekly time, one per coming date."""
    stamp = timezone.now().astimezone(dt.UTC)
    place = next(iter(offer.locations.all()), None)  # the main place (by sort order)
    common = {
        "summary": _clean(offer.title, one_line=True),
        "description": _clean(f"{offer.summary}\n{url}", one_line=False),
        "url": url,
    }
    if place:
        common["location"] = _clean(str(place), one_line=True)
    events = []
    start_from = max(on, offer.valid_from) if offer.valid_from else on
    for n, slot in enumerate(offer.weekly_slots.all()):
        first = start_from + dt.timedelta(days=(slot.weekday - start_from.weekday()) % 7)
        rule = vRecur(freq="WEEKLY", byday=WEEKDAYS[slot.weekday])
        if offer.valid_until:
            # RFC 5545: with a local DTSTART, UNTIL is UTC; the last day counts to its end.
            last = dt.datetime.combine(offer.valid_until, dt.time(23, 59, 59), TIMEZONE)
            rule["until"] = last.astimezone(dt.UTC)
        event = Event.new(
            uid=f"offer-{offer.pk}-weekly-{n}@{host}",
            stamp=stamp,
            start=dt.datetime.combine(first, slot.start_time, TIMEZONE),
            end=dt.datetime.combine(first, slot.end_time, TIMEZONE),
            **common,
        )
        event.add("rrule", rule)
        events.append(event)

    for n, date in enumerate(d for d in offer.dates.all() if d.date >= on):
        if date.start_time:
            start = dt.datetime.combine(date.date, date.start_time, TIMEZONE)
            end = (
                dt.datetime.combine(date.date, date.end_time, TIMEZONE)
                if date.end_time
                else start + dt.timedelta(hours=1)
            )
            when = {"start": start, "end": end}
        else:
            when = {"start": date.date, "end": date.date + dt.timedelta(days=1)}
        uid = f"offer-{offer.pk}-date-{n}@{host}"
        events.append(Event.new(uid=uid, stamp=stamp, **when, **common))
    return events
