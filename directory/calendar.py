"""An offer's times as an iCalendar file (RFC 5545), so people can add them to their phone.

Weekly times become repeating events (until the offer's validity ends);
single dates become single events. Times are local to Europe/Berlin.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import OfferPage

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
TIMEZONE = "Europe/Berlin"
# Central European time with summer time: the rules valid since 1996.
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TIMEZONE}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape(text: str) -> str:
    """Escape a TEXT value (backslash, semicolon, comma, newline)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _local(day: dt.date, time: dt.time) -> str:
    return dt.datetime.combine(day, time).strftime("%Y%m%dT%H%M%S")


def offer_calendar(offer: OfferPage, url: str, host: str, on: dt.date | None = None) -> str:
    """The iCalendar text for ``offer`` (title and summary in the active language)."""
    on = on or timezone.localdate()
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    place = offer.locations.first()
    location = str(place) if place else ""
    common = [
        f"SUMMARY:{escape(offer.title)}",
        f"DESCRIPTION:{escape(offer.summary + chr(10) + url)}",
        f"URL:{url}",
    ]
    if location:
        common.append(f"LOCATION:{escape(location)}")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Gemeinsam//Offers//DE",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *VTIMEZONE,
    ]
    start_from = max(on, offer.valid_from) if offer.valid_from else on
    for n, slot in enumerate(offer.weekly_slots.all()):
        first = start_from + dt.timedelta(days=(slot.weekday - start_from.weekday()) % 7)
        rule = f"RRULE:FREQ=WEEKLY;BYDAY={WEEKDAYS[slot.weekday]}"
        if offer.valid_until:
            rule += f";UNTIL={offer.valid_until:%Y%m%d}T225959Z"
        lines += [
            "BEGIN:VEVENT",
            f"UID:offer-{offer.pk}-weekly-{n}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;TZID={TIMEZONE}:{_local(first, slot.start_time)}",
            f"DTEND;TZID={TIMEZONE}:{_local(first, slot.end_time)}",
            rule,
            *common,
            "END:VEVENT",
        ]
    for n, date in enumerate(offer.dates.filter(date__gte=on)):
        if date.start_time:
            end = (
                date.end_time
                or (dt.datetime.combine(date.date, date.start_time) + dt.timedelta(hours=1)).time()
            )
            when = [
                f"DTSTART;TZID={TIMEZONE}:{_local(date.date, date.start_time)}",
                f"DTEND;TZID={TIMEZONE}:{_local(date.date, end)}",
            ]
        else:
            when = [
                f"DTSTART;VALUE=DATE:{date.date:%Y%m%d}",
                f"DTEND;VALUE=DATE:{date.date + dt.timedelta(days=1):%Y%m%d}",
            ]
        lines += [
            "BEGIN:VEVENT",
            f"UID:offer-{offer.pk}-date-{n}@{host}",
            f"DTSTAMP:{stamp}",
            *when,
            *common,
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
