"""Points and distances on the earth, shared by the directory and the search backends."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Mean earth radius: the same great-circle distance Elasticsearch's "arc" computes.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class GeoPoint:
    """A point in decimal degrees (WGS 84)."""

    latitude: float
    longitude: float


def distance_km(a: GeoPoint, latitude: float, longitude: float) -> float:
    """Great-circle (haversine) distance from ``a`` in kilometres."""
    p1, p2 = math.radians(a.latitude), math.radians(latitude)
    dp, dl = p2 - p1, math.radians(longitude - a.longitude)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
