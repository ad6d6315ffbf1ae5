"""Addresses to points with geopy (Nominatim by default), cached in the database.

The geocoder is an outside service: it is asked at most once per second
(geopy's RateLimiter, as Nominatim's usage policy demands), each address
only once (``GeocodedAddress``), and an answer far from the typed town is
refused — a pin on a motorway helps nobody.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.conf import settings
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from .gazetteer import normalise, resolve_place
from .geo import GeoPoint, distance_km
from .models import GeocodedAddress

logger = logging.getLogger("gemeinsam.geocoding")
MAX_KM_FROM_TOWN = 15.0


@lru_cache(maxsize=4)
def _geocode_function(domain: str, scheme: str, user_agent: str, timeout: float):
    geocoder = Nominatim(domain=domain, scheme=scheme, user_agent=user_agent, timeout=timeout)
    return RateLimiter(
        geocoder.geocode, min_delay_seconds=1.0, max_retries=1, swallow_exceptions=False
    )


def _geocode(query: str):
    function = _geocode_function(
        settings.GEOCODER_DOMAIN,
        settings.GEOCODER_SCHEME,
        settings.GEOCODER_USER_AGENT,
        settings.GEOCODER_TIMEOUT,
    )
    return function(query, country_codes="de", exactly_one=True)


def geocode(query: str) -> GeoPoint | None:
    """A point for a free-text address, from the cache or the geocoder; None if unknown.

    Geocoder failures (network, rate limit) give None and are not cached.
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
    try:
        location = _geocode(query)
    except GeopyError as error:
        logger.warning("Geocoder failed for %r: %s", query, error)
        return None
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
    """A point for an offer's address, refused if it lies far from the town typed."""
    point = geocode(", ".join(part for part in (street, f"{postcode} {town}".strip()) if part))
    if point is None:
        return None
    place = resolve_place(postcode) or resolve_place(town)
    if place and distance_km(point, place.latitude, place.longitude) > MAX_KM_FROM_TOWN:
        logger.warning("Geocoder answer for %s %s lies far from the town; ignored", postcode, town)
        return None
    return point


def resolve_search_place(text: str) -> GeoPoint | None:
    """What a searcher typed as "near": offline gazetteer first, then the geocoder."""
    place = resolve_place(text)
    if place is not None:
        return GeoPoint(place.latitude, place.longitude)
    return geocode(text)


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
