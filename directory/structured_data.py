"""An offer as schema.org JSON-LD, what search engines and map apps read (issue 16).

Counselling and volunteering are a ``Service`` whose hours are ``hoursAvailable``;
activities, courses and club offers are an ``Event`` whose weekly times are an
``eventSchedule`` (one ``Schedule`` each) and whose single dates are sub-events.
Places carry their address and ``GeoCoordinates``; the organisation is the
provider or organiser. Texts are in the reader's language where translated.

Only a public offer within its validity gets structured data: a page kept for old
links after the offer ended asks search engines not to list it, and says nothing
machine-readable either.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .constants.kinds import OfferKind
from .i18n import text_in
from .models import OfferPage

SCHEMA = "https://schema.org"
# schema.org's day names, Monday first as our weekday numbers.
DAYS = [f"{SCHEMA}/{day}" for day in ("Monday", "Tuesday", "Wednesday", "Thursday")]
DAYS += [f"{SCHEMA}/{day}" for day in ("Friday", "Saturday", "Sunday")]
SERVICE_KINDS = {OfferKind.COUNSELLING, OfferKind.VOLUNTEERING}
# What JSON may hold but an HTML <script> element may not: "</script>" or "<!--" in a
# title must stay data. The same escapes as Django's json_script.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _time(value: dt.time) -> str:
    return value.isoformat("minutes")


def place(location) -> dict[str, Any]:
    """A ``Place`` with its postal address and, where known, its coordinates."""
    found: dict[str, Any] = {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "postalCode": location.postcode,
            "addressLocality": location.town,
            "addressCountry": "DE",
        },
    }
    if location.name:
        found["name"] = location.name
    if location.street:
        found["address"]["streetAddress"] = location.street
    if location.latitude is not None and location.longitude is not None:
        found["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": location.latitude,
            "longitude": location.longitude,
        }
    return found


def organisation(offer: OfferPage, language: str, request) -> dict[str, Any] | None:
    """The ``Organization`` that runs the offer (None if it has none)."""
    owner = offer.organisation
    if owner is None or not owner.live:
        return None
    found: dict[str, Any] = {
        "@type": "Organization",
        "name": text_in(owner, "title", language).value,
        "url": owner.get_full_url(request),
    }
    if owner.website:
        found["sameAs"] = owner.website
    return found


def _price(offer: OfferPage, language: str) -> dict[str, Any]:
    if offer.is_free:
        return {"@type": "Offer", "price": "0", "priceCurrency": "EUR"}
    note = text_in(offer, "cost_note", language).value
    return {"@type": "Offer", "priceCurrency": "EUR", **({"description": note} if note else {})}


def _validity(offer: OfferPage, start: str, end: str) -> dict[str, str]:
    found = {}
    if offer.valid_from:
        found[start] = offer.valid_from.isoformat()
    if offer.valid_until:
        found[end] = offer.valid_until.isoformat()
    return found


def _local(day: dt.date, time: dt.time | None) -> str:
    """A date and local time as ISO 8601 with the offset of that day (``TIME_ZONE``)."""
    if time is None:
        return day.isoformat()
    moment = dt.datetime.combine(day, time, timezone.get_default_timezone())
    return moment.isoformat(timespec="minutes")


def offer_data(offer: OfferPage, language: str, request) -> dict[str, Any]:
    """The JSON-LD object of ``offer`` (a dict), texts in ``language`` where translated."""
    places = [place(location) for location in offer.locations.all()]
    slots = list(offer.weekly_slots.all())
    dates = list(offer.dates.filter(date__gte=timezone.localdate()))
    languages = [spoken.code for spoken in offer.spoken_languages.all()]
    common: dict[str, Any] = {
        "@context": SCHEMA,
        "name": text_in(offer, "title", language).value,
        "description": text_in(offer, "summary", language).value,
        "url": offer.get_full_url(request),
        "inLanguage": language,
        "offers": _price(offer, language),
    }
    runner = organisation(offer, language, request)
    if offer.kind in SERVICE_KINDS:
        data = {"@type": "Service", **common, "serviceType": str(OfferKind(offer.kind).label)}
        if runner:
            data["provider"] = runner
        data["availableLanguage"] = languages
        if places:
            data["availableChannel"] = {
                "@type": "ServiceChannel",
                "serviceLocation": places[0] if len(places) == 1 else places,
                "availableLanguage": languages,
            }
            data["areaServed"] = sorted({p["address"]["addressLocality"] for p in places})
        data["hoursAvailable"] = [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": DAYS[slot.weekday],
                "opens": _time(slot.start_time),
                "closes": _time(slot.end_time),
                **_validity(offer, "validFrom", "validThrough"),
            }
            for slot in slots
        ]
        return data

    data = {
        "@type": "Event",
        **common,
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode",
        "eventStatus": f"{SCHEMA}/EventScheduled",
        "isAccessibleForFree": offer.is_free,
    }
    if runner:
        data["organizer"] = runner
    if places:
        data["location"] = places[0] if len(places) == 1 else places
    upcoming = offer.upcoming(limit=1)
    if upcoming:
        # Required by search engines for an event: the next time it takes place.
        data["startDate"] = _local(upcoming[0].date, upcoming[0].start)
        if upcoming[0].end:
            data["endDate"] = _local(upcoming[0].date, upcoming[0].end)
    data["eventSchedule"] = [
        {
            "@type": "Schedule",
            "repeatFrequency": "P1W",
            "byDay": DAYS[slot.weekday],
            "startTime": _time(slot.start_time),
            "endTime": _time(slot.end_time),
            "scheduleTimezone": settings.TIME_ZONE,
            **_validity(offer, "startDate", "endDate"),
        }
        for slot in slots
    ]
    if dates:
        data["subEvent"] = [
            {
                "@type": "Event",
                "name": data["name"],
                "startDate": _local(date.date, date.start_time),
                **({"endDate": _local(date.date, date.end_time)} if date.end_time else {}),
                **({"location": data["location"]} if places else {}),
            }
            for date in dates
        ]
    if languages:
        data["inLanguage"] = [language, *(code for code in languages if code != language)]
    return data


def script_element(data: dict[str, Any]) -> SafeString:
    """``data`` in a ``<script type="application/ld+json">`` element, safe in HTML: any
    "<", ">" and "&" in it are JSON escapes, so no text can end the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
