"""An offer's places as HSDS ``location`` objects, each with its ``address``.

A place is a ``location`` of type "physical": its name, coordinates and transit
note (``transportation``, translated). Its one ``address`` has the street as
``address_1`` — the town when the place has no street, since HSDS requires the
field — the town, the postcode, the Land (ISO 3166-2 without "DE-", from the
offline gazetteer) and the country "DE". A wheelchair-accessible offer gets an
``accessibility`` entry at each of its places.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from ..gazetteer import LAND_CODES, resolve_place
from ..i18n import own_text, text_in
from ..models import OfferLocation
from .context import Context, compact, translations
from .ids import uid
from .loading import OfferBundle

COUNTRY = "DE"
_LANDS = {code: land for land, code in LAND_CODES.items()}  # GeoNames admin1 → ISO 3166-2


@lru_cache(maxsize=4096)
def state_of(postcode: str, town: str) -> str:
    """The Land (ISO 3166-2 code without "DE-", e.g. "BY") of a German postcode, else town."""
    for text in (postcode, town):
        place = resolve_place(text) if text else None
        if place is not None and place.land in _LANDS:
            return _LANDS[place.land]
    return ""


def address(place: OfferLocation) -> dict[str, Any]:
    """The physical ``address`` of a place (the town as ``address_1`` without a street)."""
    return compact(
        {
            "id": uid("address", place.pk),
            "location_id": uid("location", place.pk),
            "address_1": place.street or place.town,
            "city": place.town,
            "state_province": state_of(place.postcode, place.town),
            "postal_code": place.postcode,
            "country": COUNTRY,
            "address_type": "physical",
        },
        keep=("address_1", "city", "state_province", "postal_code", "country", "address_type"),
    )


def location(place: OfferLocation, bundle: OfferBundle, ctx: Context) -> dict[str, Any]:
    """The HSDS ``location`` of one of an offer's places, with its address."""
    location_id = uid("location", place.pk)
    accessibility = []
    if bundle.offer.wheelchair_accessible:
        with translation.override(ctx.language):
            accessibility.append(
                {
                    "id": uid("accessibility", place.pk),
                    "location_id": location_id,
                    "description": _("Wheelchair accessible"),
                }
            )
    return compact(
        {
            "id": location_id,
            "location_type": "physical",
            "organization_id": uid("organisation", bundle.organisation.pk)
            if bundle.organisation
            else None,
            "name": place.name,
            "transportation": text_in(place, "transit_note", ctx.language).value,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "addresses": [address(place)],
            "accessibility": accessibility,
            "translations": translations(
                {"transportation": lambda lang: own_text(place, "transit_note", lang)}
            ),
        },
        keep=("location_type",),
    )
