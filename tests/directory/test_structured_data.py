"""schema.org JSON-LD on offer pages, parsed back as a search engine reads it."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.utils import timezone, translation

from tests.factories import make_offer, make_organisation

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def structured_data(client, offer, language: str = "de") -> list[dict]:
    """Every JSON-LD object on the offer's page in ``language``."""
    with translation.override(language), time_machine.travel(MONDAY):
        response = client.get(f"/{language}/angebote/{offer.slug}/")
    assert response.status_code == 200
    return [json.loads(found) for found in LD_JSON.findall(response.content.decode())]


def test_an_activity_is_an_event_with_its_weekly_schedule_place_and_organiser(client, site_tree):
    owner = make_organisation(site_tree, "Helferkreis Peiting")
    offer = make_offer(
        site_tree,
        "Sprachcafé",
        slug="sprachcafe",
        organisation=owner,
        slots=((1, "15:00", "17:00"),),
        dates=(dt.date(2026, 12, 5), dt.date(2026, 11, 1)),  # the second lies in the past
        valid_until=dt.date(2027, 3, 31),
        languages=("de", "ar"),
    )
    (data,) = structured_data(client, offer)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "Sprachcafé"
    assert data["url"].endswith("/de/angebote/sprachcafe/")
    assert data["organizer"] == {
        "@type": "Organization",
        "name": "Helferkreis Peiting",
        "url": owner.get_full_url(),
    }
    place = data["location"]
    assert place["name"] == "Mehrgenerationenhaus"
    assert place["address"]["postalCode"] == "82362"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 47.8415, "longitude": 11.1548}
    (weekly,) = data["eventSchedule"]
    assert weekly["byDay"] == "https://schema.org/Tuesday"
    assert (weekly["startTime"], weekly["endTime"]) == ("15:00", "17:00")
    assert weekly["repeatFrequency"] == "P1W" and weekly["endDate"] == "2027-03-31"
    # The next time it takes place: Tuesday 24 November, in German winter time.
    assert data["startDate"] == "2026-11-24T15:00+01:00"
    assert [d["startDate"] for d in data["subEvent"]] == ["2026-12-05T10:00+01:00"]
    assert data["isAccessibleForFree"] is True
    assert data["offers"]["price"] == "0"
    assert set(data["inLanguage"]) == {"de", "ar"}


def test_counselling_is_a_service_with_opening_hours(client, site_tree):
    offer = make_offer(
        site_tree,
        "Migrationsberatung",
        slug="beratung",
        kind="counselling",
        slots=((0, "09:00", "12:00"), (3, "14:00", "16:00")),
        is_free=True,
    )
    (data,) = structured_data(client, offer)
    assert data["@type"] == "Service"
    assert data["provider"]["name"] == "Helferkreis Asyl"
    hours = [(h["dayOfWeek"], h["opens"], h["closes"]) for h in data["hoursAvailable"]]
    assert hours == [
        ("https://schema.org/Monday", "09:00", "12:00"),
        ("https://schema.org/Thursday", "14:00", "16:00"),
    ]
    assert data["availableChannel"]["serviceLocation"]["address"]["addressLocality"] == (
        "Weilheim i. OB"
    )
    assert data["areaServed"] == ["Weilheim i. OB"]


def test_texts_are_in_the_readers_language_where_translated(client, site_tree):
    offer = make_offer(
        site_tree,
        "Frauentreff",
        slug="frauentreff",
        title_fa="دورهمی زنان",
        summary_fa="گفتگو و چای برای زنان.",
    )
    (data,) = structured_data(client, offer, "fa")
    assert data["name"] == "دورهمی زنان"
    assert data["description"] == "گفتگو و چای برای زنان."
    assert data["inLanguage"][0] == "fa"
    (german,) = structured_data(client, offer, "ar")  # not translated into Arabic
    assert german["name"] == "Frauentreff"


@pytest.mark.parametrize(
    "title",
    [
        "</script><img src=x onerror=alert(1)>",
        "Café <!-- </SCRIPT > & evil",
        'Treff "\\u003C/script>"',
    ],
)
def test_a_hostile_title_stays_data(client, site_tree, title):
    make_offer(site_tree, title, slug="hostile")
    with translation.override("de"), time_machine.travel(MONDAY):
        html = client.get("/de/angebote/hostile/").content.decode()
    (block,) = LD_JSON.findall(html)
    assert "<" not in block and ">" not in block  # nothing in it can end the element
    assert json.loads(block)["name"] == title.strip()


def test_an_offer_outside_its_validity_has_none(client, site_tree):
    today = timezone.localdate()
    ended = make_offer(site_tree, "Sommerkurs", slug="ended", valid_until=today - dt.timedelta(1))
    with translation.override("de"):
        html = client.get("/de/angebote/ended/").content.decode()
    assert "noindex" in html and "application/ld+json" not in html
    assert ended.live
