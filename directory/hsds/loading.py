"""Public offers and organisations with all their rows, in a fixed number of queries.

The export reads every public offer, the API a page of them; either way the
cost must not grow by a query per offer and relation. Categories, target groups
and spoken languages come from ``summaries.load_related`` (ordered as the site
shows them); places, weekly times and single dates are read as model instances
here, because their pks make the HSDS ids and a place's transit note is
translated. Nothing outside ``OfferPage.objects.public_current()`` or live,
public organisation pages is ever loaded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from ..models import (
    OfferDate,
    OfferIndexPage,
    OfferLocation,
    OfferPage,
    OfferPageQuerySet,
    OfferWeeklySlot,
    OrganisationPage,
)
from ..summaries import _relative_path, load_related


@dataclass
class OfferBundle:
    """One public offer and its rows, in the order the site shows them."""

    offer: OfferPage
    organisation: OrganisationPage | None  # None unless live and public
    categories: list[str] = field(default_factory=list)  # slugs
    target_groups: list[str] = field(default_factory=list)  # slugs
    spoken: list[str] = field(default_factory=list)  # ISO 639 codes
    locations: list[OfferLocation] = field(default_factory=list)  # the main place first
    slots: list[OfferWeeklySlot] = field(default_factory=list)
    dates: list[OfferDate] = field(default_factory=list)


def public_offers(on: dt.date | None = None) -> OfferPageQuerySet:
    """The offers anybody may see on ``on`` (today): the only ones HSDS ever shows."""
    return OfferPage.objects.public_current(on or timezone.localdate())


def public_organisations():
    """Live organisation pages that are not private (listed with or without public offers)."""
    return OrganisationPage.objects.live().public()


def page_path(url_path: str) -> str:
    """A page's URL path below the language prefix ("angebote/sprachcafe/")."""
    return _relative_path(url_path)


def offer_list_path() -> str:
    """The path of the offer list below the language prefix, "" if there is none."""
    index = OfferIndexPage.objects.live().public().only("url_path").first()
    return page_path(index.url_path) if index else ""


def _grouped(rows) -> defaultdict[int, list]:
    grouped: defaultdict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row.page_id].append(row)
    return grouped


def load_offers(ids: list[int], on: dt.date | None = None) -> list[OfferBundle]:
    """The public offers among ``ids``, in that order, with all their rows.

    Ids of offers that are not public on ``on`` are left out, whoever asked for them.
    """
    if not ids:
        return []
    offers = {offer.pk: offer for offer in public_offers(on).filter(pk__in=ids)}
    ids = [pk for pk in ids if pk in offers]
    related = load_related(ids)
    locations = _grouped(
        OfferLocation.objects.filter(page_id__in=ids).order_by("page_id", "sort_order", "pk")
    )
    slots = _grouped(
        OfferWeeklySlot.objects.filter(page_id__in=ids).order_by("page_id", "sort_order", "pk")
    )
    dates = _grouped(
        OfferDate.objects.filter(page_id__in=ids).order_by("page_id", "date", "start_time", "pk")
    )
    owner_ids = {offer.organisation_id for offer in offers.values() if offer.organisation_id}
    owners = {org.pk: org for org in public_organisations().filter(pk__in=owner_ids)}
    return [
        OfferBundle(
            offer=offers[pk],
            organisation=owners.get(offers[pk].organisation_id),
            categories=related[pk].categories,
            target_groups=related[pk].target_groups,
            spoken=[code for code, _native in related[pk].spoken],
            locations=locations[pk],
            slots=slots[pk],
            dates=dates[pk],
        )
        for pk in ids
    ]
