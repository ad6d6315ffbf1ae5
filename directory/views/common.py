"""Helpers the contribution views share: who the member is, where a place lies, the map preview."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django import forms
from django.conf import settings

from ..models import OrganisationMembership, OrganisationPage


def member_organisations(user) -> list[OrganisationPage] | None:
    """The organisations an account may post for; None for anonymous or unconfirmed accounts."""
    if not user.is_authenticated:
        return None
    organisations = [
        m.organisation
        for m in OrganisationMembership.objects.filter(
            user=user, approved=True, organisation__isnull=False
        ).select_related("organisation")
    ]
    return organisations or None


# Typed text a little over a field's limit is kept, so the error can show it; beyond
# that nobody typed it (the browser stops at maxlength), and it is not stored.
STORED_OVERRUN = 100
UNLIMITED_FIELD_STORED = 200  # dates, times, choices: nothing longer is meaningful


def raw_answers(form_class, data, **kwargs) -> dict:
    """What was typed into one step, as storable values (lists for multiple choices).

    Every value is cut to a size the field could use before it is stored in
    the session, so a 2 MB title costs a few hundred bytes, not 2 MB a step.
    """
    form = form_class(**kwargs)
    raw = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue
        if isinstance(field, forms.MultipleChoiceField):
            raw[name] = [value[:UNLIMITED_FIELD_STORED] for value in data.getlist(name)][
                : len(field.choices)
            ]
        elif name in data:
            limit = getattr(field, "max_length", None)
            limit = limit + STORED_OVERRUN if limit else UNLIMITED_FIELD_STORED
            raw[name] = data.get(name, "")[:limit]
    return raw


def locate_answers(answers: dict) -> tuple[float, float] | None:
    """The point of a typed address: geocoder for a street address, else the postcode or town."""
    from ..gazetteer import resolve_place
    from ..geocoding import geocode_address

    postcode, town, street = (answers.get(k, "") or "" for k in ("postcode", "town", "street"))
    if street:
        point = geocode_address(street, postcode, town)
        if point is not None:
            return point.latitude, point.longitude
    place = (resolve_place(postcode) if postcode else None) or (
        resolve_place(town) if town else None
    )
    if place is None:
        return None
    return place.latitude, place.longitude


@dataclass
class MapPreview:
    """A 3×3 block of map tiles around a point, positioned so the point is in the middle."""

    latitude: float
    longitude: float
    tiles: list[dict]
    offset_x: int
    offset_y: int
    attribution: str

    @property
    def osm_link(self) -> str:
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude:.5f}&mlon={self.longitude:.5f}"
            f"#map=17/{self.latitude:.5f}/{self.longitude:.5f}"
        )


def map_preview(latitude: float, longitude: float, zoom: int = 15) -> MapPreview:
    """Tiles from the configured tile server (none without ``MAP_TILE_URL``: text only then)."""
    scale = 2**zoom
    x = (longitude + 180.0) / 360.0 * scale
    lat = math.radians(latitude)
    y = (1.0 - math.asinh(math.tan(lat)) / math.pi) / 2.0 * scale
    tile_x, tile_y = int(x), int(y)
    tiles = []
    if settings.MAP_TILE_URL:
        for row in (-1, 0, 1):
            for col in (-1, 0, 1):
                url = (
                    settings.MAP_TILE_URL.replace("{z}", str(zoom))
                    .replace("{x}", str(tile_x + col))
                    .replace("{y}", str(tile_y + row))
                    .replace("{s}", "a")
                )
                tiles.append({"url": url, "left": (col + 1) * 256, "top": (row + 1) * 256})
    # Shift the 768 px block so the point sits in the middle of a 256 px window.
    offset_x = int(128 - (256 + (x - tile_x) * 256))
    offset_y = int(128 - (256 + (y - tile_y) * 256))
    return MapPreview(latitude, longitude, tiles, offset_x, offset_y, settings.MAP_TILE_ATTRIBUTION)
