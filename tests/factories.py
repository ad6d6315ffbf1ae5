"""Builders for test data: small, explicit, with realistic defaults."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from itertools import count
from typing import Any

from django.utils import translation
from PIL import Image
from wagtail.models import Page, Site

from cms.models import HomePage
from directory.models import (
    Category,
    OfferDate,
    OfferIndexPage,
    OfferLocation,
    OfferPage,
    OfferWeeklySlot,
    OrganisationIndexPage,
    OrganisationPage,
    SpokenLanguage,
    TargetGroup,
)

_serial = count(1)


@dataclass
class SiteTree:
    home: HomePage
    offers: OfferIndexPage
    organisations: OrganisationIndexPage


def make_site_tree() -> SiteTree:
    """The default site's tree, as the demo and a real district have it."""
    with translation.override("de"):
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(title="Gemeinsam", title_de="Gemeinsam", slug="start")
        )
        Site.objects.update_or_create(
            is_default_site=True, defaults={"root_page": home, "hostname": "localhost", "port": 80}
        )
        offers = home.add_child(
            instance=OfferIndexPage(
                title="Angebote", title_de="Angebote", title_ar="العروض", slug="angebote"
            )
        )
        organisations = home.add_child(
            instance=OrganisationIndexPage(
                title="Organisationen", title_de="Organisationen", slug="organisationen"
            )
        )
    return SiteTree(home=home, offers=offers, organisations=organisations)


def make_organisation(
    tree: SiteTree, name: str = "Helferkreis Asyl", **fields: Any
) -> OrganisationPage:
    """A published organisation page."""
    n = next(_serial)
    defaults: dict[str, Any] = {
        "org_type": "verein",
        "town": "Weilheim i. OB",
        "description": "Ehrenamtliche helfen Neuankommenden.",
    }
    defaults.update(fields)
    with translation.override("de"):
        page = OrganisationPage(title=name, title_de=name, slug=f"org-{n}", **defaults)
        tree.organisations.add_child(instance=page)
        page.save_revision().publish()
    return page


def build_offer(
    tree: SiteTree,
    title: str = "Sprachcafé",
    *,
    categories: tuple[str, ...] = ("encounter-leisure",),
    target_groups: tuple[str, ...] = ("everyone",),
    languages: tuple[str, ...] = ("de",),
    slots: tuple[tuple[int, str, str], ...] = ((1, "15:00", "17:00"),),
    dates: tuple[dt.date, ...] = (),
    places: tuple[dict, ...] = (
        {
            "name": "Mehrgenerationenhaus",
            "street": "Pöltnerstraße 12",
            "postcode": "82362",
            "town": "Weilheim i. OB",
            "latitude": 47.8415,
            "longitude": 11.1548,
        },
    ),
    organisation: OrganisationPage | None = None,
    **fields: Any,
) -> OfferPage:
    """An offer with its relations set in memory, not yet saved."""
    n = next(_serial)
    defaults: dict[str, Any] = {
        "kind": "activity",
        "summary": "Deutsch sprechen bei Kaffee und Kuchen.",
        "summary_de": "Deutsch sprechen bei Kaffee und Kuchen.",
        "slug": f"offer-{n}",
        "organisation": organisation,
    }
    defaults.update(fields)
    with translation.override("de"):
        offer = OfferPage(title=title, title_de=title, **defaults)
    offer.categories = list(Category.objects.filter(slug__in=categories))
    offer.target_groups = list(TargetGroup.objects.filter(slug__in=target_groups))
    offer.spoken_languages = list(SpokenLanguage.objects.filter(code__in=languages))
    offer.weekly_slots = [
        OfferWeeklySlot(
            weekday=day, start_time=dt.time.fromisoformat(a), end_time=dt.time.fromisoformat(b)
        )
        for day, a, b in slots
    ]
    offer.dates = [OfferDate(date=d, start_time=dt.time(10), end_time=dt.time(12)) for d in dates]
    offer.locations = [OfferLocation(**place) for place in places]
    return offer


def make_offer(
    tree: SiteTree, title: str = "Sprachcafé", *, publish: bool = True, **kwargs: Any
) -> OfferPage:
    """An offer page under the offer list; published unless ``publish=False`` (then a draft)."""
    offer = build_offer(tree, title, **kwargs)
    if offer.organisation is None:
        offer.organisation = make_organisation(tree)
    offer.live = publish
    tree.offers.add_child(instance=offer)
    revision = offer.save_revision()
    if publish:
        revision.publish()
    offer.refresh_from_db()
    return offer


GPS_IFD = 0x8825  # the EXIF block with the position


def jpeg_with_gps() -> bytes:
    """A real JPEG carrying EXIF with a GPS position (Weilheim) and a camera model."""
    picture = Image.new("RGB", (640, 480), (200, 120, 40))
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # Model
    exif[GPS_IFD] = {1: "N", 2: (47.0, 50.0, 29.0), 3: "E", 4: (11.0, 9.0, 17.0)}
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def restore_after_flush() -> None:
    """Put back what migrations made and tests need once a transactional test's flush
    removed it: the default locale, the page tree's root and the taxonomy."""
    from django.conf import settings
    from wagtail.models import Locale

    from directory.taxonomy import sync_taxonomy

    if not Locale.objects.exists():
        Locale.objects.create(language_code=settings.LANGUAGE_CODE)
    if not Page.objects.filter(depth=1).exists():
        with translation.override("de"):
            Page.add_root(instance=Page(title="Root", slug="root"))
    sync_taxonomy()
