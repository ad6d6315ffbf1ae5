"""A small map of the district, drawn by the site itself, for checking a located place.

Submitters confirm the point we found for their address. Coordinates alone
("47.75562, 10.98877") say nothing to them, and a tile server is optional
(privacy: no third-party requests unless configured). So the site draws the
district from its offline gazetteer: the larger towns as labelled dots, the
other places as small dots, the point as a pin, and names the nearest place.
A point far outside the district widens the map, so a wrong hit shows as far away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings

from .gazetteer import district_centre, places_near
from .geo import GeoPoint, distance_km

SIZE = 300  # the drawing's width and height, in SVG units
MARGIN = 12  # keeps dots and the pin inside the frame
LABELLED_POPULATION = 5000  # towns this large get their name on the map
NEAREST_WITHIN_KM = 30.0


@dataclass(frozen=True)
class MapDot:
    """A place on the map; ``name`` is empty for the small unlabelled ones."""

    x: float
    y: float
    name: str = ""
    label_left: bool = False  # names near the right edge are written to the left of the dot

    @property
    def label_x(self) -> float:
        return round(self.x - 5 if self.label_left else self.x + 5, 1)

    @property
    def label_y(self) -> float:
        return round(self.y + 4, 1)

    @property
    def anchor(self) -> str:
        return "end" if self.label_left else "start"


@dataclass(frozen=True)
class DistrictMap:
    """What the template draws: dots, the pin, and the nearest place in words."""

    size: int
    dots: list[MapDot]
    labels: list[MapDot]
    pin_x: float
    pin_y: float
    nearest_name: str
    nearest_km: float | None
    centre_km: float  # from the district's centre
    outside: bool  # farther from the centre than the district reaches

    @property
    def frame(self) -> int:
        return self.size - 1


def _label_box(town: MapDot) -> tuple[float, float, float, float]:
    """The rough box a town's dot and name take (about 6.5 units per letter at 12 px)."""
    width = 6.5 * len(town.name) + 6
    left = town.x - width if town.label_left else town.x - 4
    return left, town.y - 9, left + width + 4, town.y + 6


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def district_map(latitude: float, longitude: float) -> DistrictMap:
    """The district around its configured centre with the point (``latitude``, ``longitude``)."""
    point = GeoPoint(latitude, longitude)
    centre = GeoPoint(*(district_centre() or (latitude, longitude)))
    reach = float(getattr(settings, "DISTRICT_MAP_RADIUS_KM", 25.0))
    centre_km = distance_km(centre, latitude, longitude)
    radius = max(reach, centre_km * 1.1)
    scale = (SIZE / 2 - MARGIN) / radius
    cos_lat = math.cos(math.radians(centre.latitude))

    def project(lat: float, lon: float) -> tuple[float, float]:
        # Equirectangular around the centre: exact enough across one district.
        east = (lon - centre.longitude) * 111.32 * cos_lat
        north = (lat - centre.latitude) * 110.57
        return round(SIZE / 2 + east * scale, 1), round(SIZE / 2 - north * scale, 1)

    dots, labels, boxes = [], [], []
    places = sorted(places_near(centre, radius), key=lambda pair: -pair[1].population)
    for _distance, place in places:
        x, y = project(place.latitude, place.longitude)
        if not (MARGIN <= x <= SIZE - MARGIN and MARGIN <= y <= SIZE - MARGIN):
            continue
        town = MapDot(x, y, place.name, label_left=x > SIZE * 0.65)
        box = _label_box(town)
        # Larger towns first; a name that would overlap one already written stays a dot.
        if place.population >= LABELLED_POPULATION and not any(_overlap(box, b) for b in boxes):
            labels.append(town)
            boxes.append(box)
        else:
            dots.append(MapDot(x, y))
    nearest = places_near(point, NEAREST_WITHIN_KM)
    pin_x, pin_y = project(latitude, longitude)
    return DistrictMap(
        size=SIZE,
        dots=dots,
        labels=labels,
        pin_x=pin_x,
        pin_y=pin_y,
        nearest_name=nearest[0][1].name if nearest else "",
        nearest_km=round(nearest[0][0], 1) if nearest else None,
        centre_km=round(centre_km),
        outside=centre_km > reach,
    )
