"""Addresses to points with geopy (Nominatim by default), cached, and guarded so a
slow or failing geocoder can never hold up a page.

The geocoder is an outside service that answers inside a request (a search's
"near", the submission form's address), so every call is bounded:

- **Each address once.** An answer, and a miss, is kept for good in
  ``GeocodedAddress``; an answer far from the typed town is refused — a pin on
  a motorway helps nobody.
- **Failures for a while.** A network error, timeout, HTTP error or
  rate-limit answer is remembered per normalised text for
  ``GEOCODER_FAILURE_CACHE_SECONDS``, so the same text is not sent again.
- **Short waits, no sleeping.** Searches wait at most ``GEOCODER_TIMEOUT``
  (2 s), the submission form and the admin ``GEOCODER_FORM_TIMEOUT`` (5 s);
  there are no retries (a retry would double the wait, and urllib3 would sleep
  for a ``Retry-After``). The timeout bounds connecting and each read, which is
  enough for a server that is down or hangs.
- **Circuit breaker.** After ``GEOCODER_BREAKER_FAILURES`` failures in a row
  nobody calls the geocoder for ``GEOCODER_BREAKER_SECONDS``; then the next
  call is a trial — a success closes the breaker, a failure opens it again.
- **Site-wide cap.** At most ``GEOCODER_CALLS_PER_MINUTE`` calls per calendar
  minute, all workers together. Nominatim's usage policy allows one request a
  second per site, so the default of 30 a minute stays well below it; geopy's
  RateLimiter is not used because it keeps the pace by sleeping inside the
  request, one call at a time per process.

Whenever a guard says no, the answer is None at once — the search form shows
"place not found" — and nothing is cached as a miss. The state is kept in
Django's cache (a database table), which all worker processes share.
"""

from __future__ import annotations

import hashlib
import logging
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from geopy.adapters import RequestsAdapter
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim
from geopy.location import Location

from .gazetteer import normalise, resolve_place
from .geo import GeoPoint, distance_km
from .models import GeocodedAddress

logger = logging.getLogger("gemeinsam.geocoding")
MAX_KM_FROM_TOWN = 15.0

# Cache keys. When the database cache is full it deletes the alphabetically first
# third of its keys, so the many remembered failures ("failed") sort before the few
# keys the guards depend on ("state").
_FAILED_KEY = "geocoder:failed:{digest}"
_FAILURES_IN_A_ROW_KEY = "geocoder:state:failures-in-a-row"
_BREAKER_KEY = "geocoder:state:breaker-open"
_CALL_SLOT_KEY = "geocoder:state:calls:{minute}:{slot}"
_CAP_LOGGED_KEY = "geocoder:state:cap-logged:{minute}"


@lru_cache(maxsize=8)
def _geocoder(domain: str, scheme: str, user_agent: str, timeout: float) -> Nominatim:
    """One geocoder (and its connection pool) per configuration."""

    def adapter(*, proxies, ssl_context) -> RequestsAdapter:
        # geopy's default of two retries would triple the wait on a hanging server.
        return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)

    return Nominatim(
        domain=domain,
        scheme=scheme,
        user_agent=user_agent,
        timeout=timeout,
        adapter_factory=adapter,
    )


def _ask(query: str, timeout: float) -> Location | None:
    geocoder = _geocoder(
        settings.GEOCODER_DOMAIN, settings.GEOCODER_SCHEME, settings.GEOCODER_USER_AGENT, timeout
    )
    return geocoder.geocode(query, country_codes="de", exactly_one=True)


def _failed_key(key: str) -> str:
    # Typed text is hashed: it may hold anything, and cache keys must stay short and plain.
    return _FAILED_KEY.format(digest=hashlib.sha256(key.encode()).hexdigest())


def _claim_call() -> bool:
    """Take one of this minute's calls for the whole site; False when none is left.

    Each call claims a numbered slot with ``cache.add``, which inserts a row and
    so succeeds for one worker only: requests arriving together cannot all slip
    past the cap, as they could with a read-then-write counter.
    """
    limit = settings.GEOCODER_CALLS_PER_MINUTE
    minute = int(time.time() // 60)
    keys = [_CALL_SLOT_KEY.format(minute=minute, slot=slot) for slot in range(limit)]
    taken = cache.get_many(keys)
    for key in keys:
        if key not in taken and cache.add(key, True, timeout=120):
            return True
    if cache.add(_CAP_LOGGED_KEY.format(minute=minute), True, timeout=120):
        logger.warning("Geocoder cap of %d calls a minute reached; not asking", limit)
    return False


def _record_failure(failed_key: str, failures_before: int) -> None:
    """Remember the failed text, count the failure, and open the breaker at the limit."""
    cache.set(failed_key, True, timeout=settings.GEOCODER_FAILURE_CACHE_SECONDS)
    failures = failures_before + 1
    # Kept until a success: "in a row" means no success between, however long ago.
    cache.set(_FAILURES_IN_A_ROW_KEY, failures, timeout=None)
    if failures >= settings.GEOCODER_BREAKER_FAILURES and cache.add(
        _BREAKER_KEY, True, timeout=settings.GEOCODER_BREAKER_SECONDS
    ):
        # Only the worker whose add succeeded logs, so an outage is one line, not one per request.
        logger.error(
            "Geocoder failed %d times in a row; not asking it for %d seconds",
            failures,
            settings.GEOCODER_BREAKER_SECONDS,
        )


def geocode(query: str, *, timeout: float | None = None) -> GeoPoint | None:
    """A point for a free-text address, from the cache or the geocoder; None if unknown.

    ``timeout`` defaults to the search's ``GEOCODER_TIMEOUT``. None also when the
    geocoder fails, its breaker is open or this minute's calls are used up; only
    real misses are stored as misses.
    """
    key = normalise(query)[:300]
    if not key:
        return None
    cached = GeocodedAddress.objects.filter(query=key).first()
    if cached is not None:
        if cached.latitude is None or cached.longitude is None:
            return None
        return GeoPoint(cached.latitude, cached.longitude)
    if not settings.GEOCODER_ENABLED:
        return None
    failed_key = _failed_key(key)
    state = cache.get_many([failed_key, _BREAKER_KEY, _FAILURES_IN_A_ROW_KEY])
    if failed_key in state or _BREAKER_KEY in state:
        return None
    if not _claim_call():
        return None
    failures_before = state.get(_FAILURES_IN_A_ROW_KEY, 0)
    try:
        location = _ask(query, settings.GEOCODER_TIMEOUT if timeout is None else timeout)
    except GeopyError as error:
        logger.warning("Geocoder failed for %r: %s", query, error)
        _record_failure(failed_key, failures_before)
        return None
    if failures_before:
        cache.delete_many([_FAILURES_IN_A_ROW_KEY, _BREAKER_KEY])
    GeocodedAddress.objects.update_or_create(
        query=key,
        defaults={
            "latitude": location.latitude if location else None,
            "longitude": location.longitude if location else None,
            "display_name": (location.address if location else "")[:500],
        },
    )
    return GeoPoint(location.latitude, location.longitude) if location else None


def geocode_address(street: str, postcode: str, town: str) -> GeoPoint | None:
    """A point for an offer's address, refused if it lies far from the town typed.

    Asked by the submission form and the admin, which may wait ``GEOCODER_FORM_TIMEOUT``.
    """
    point = geocode(
        ", ".join(part for part in (street, f"{postcode} {town}".strip()) if part),
        timeout=settings.GEOCODER_FORM_TIMEOUT,
    )
    if point is None:
        return None
    place = resolve_place(postcode) or resolve_place(town)
    if place and distance_km(point, place.latitude, place.longitude) > MAX_KM_FROM_TOWN:
        logger.warning("Geocoder answer for %s %s lies far from the town; ignored", postcode, town)
        return None
    return point


def resolve_search_place(text: str) -> GeoPoint | None:
    """What a searcher typed as "near": offline gazetteer first, then the geocoder.

    The geocoder gets the search's short ``GEOCODER_TIMEOUT``; None means "place not found".
    """
    place = resolve_place(text)
    if place is not None:
        return GeoPoint(place.latitude, place.longitude)
    return geocode(text, timeout=settings.GEOCODER_TIMEOUT)


def locate(place) -> bool:
    """Fill in the point of an ``OfferLocation`` that has an address but no coordinates.

    Returns whether the place has a point afterwards. Never raises: without an
    answer the place stays without a point (and is not found by distance).
    """
    if place.latitude is not None and place.longitude is not None:
        return True
    if not (place.postcode or place.town):
        return False
    point = geocode_address(place.street, place.postcode, place.town)
    if point is None:
        return False
    place.latitude, place.longitude = point.latitude, point.longitude
    return True
