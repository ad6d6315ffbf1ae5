"""A search as a calendar to subscribe to, read back with the icalendar library."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests.factories import make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Index offers as a real commit would (the index is written after the commit)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_search_becomes_a_calendar_of_its_offers(client, site_tree, indexed):
    today = timezone.localdate()
    with indexed():
        make_offer(site_tree, "Sprachcafé am Montag", slug="montag", slots=((0, "15:00", "17:00"),))
        make_offer(
            site_tree,
            "Sprachcafé im Advent",
            slug="advent",
            slots=(),
            dates=(today + dt.timedelta(days=10),),
        )
        make_offer(site_tree, "Schwimmkurs", slug="schwimmen", summary_de="Im Hallenbad.")
        make_offer(site_tree, "Sprachcafé Entwurf", slug="entwurf", publish=False)
        make_offer(
            site_tree, "Sprachcafé vorbei", slug="vorbei", valid_until=today - dt.timedelta(days=1)
        )

    response = client.get("/de/search/calendar.ics", {"q": "Sprachcafé"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    titles = sorted(str(event["SUMMARY"]) for event in events)
    assert titles == ["Sprachcafé am Montag", "Sprachcafé im Advent"]
    weekly = next(e for e in events if str(e["SUMMARY"]) == "Sprachcafé am Montag")
    assert weekly["RRULE"]["FREQ"] == ["WEEKLY"] and weekly["RRULE"]["BYDAY"] == ["MO"]
    assert str(weekly["URL"]).endswith("/de/angebote/montag/")
    single = next(e for e in events if str(e["SUMMARY"]) == "Sprachcafé im Advent")
    assert single.decoded("DTSTART").date() == today + dt.timedelta(days=10)


def test_the_results_page_links_its_calendar(client, site_tree, indexed):
    with indexed():
        make_offer(site_tree, "Sprachcafé", slug="cafe")
    html = client.get("/fa/angebote/", {"q": "Sprachcafé", "page": "1"}).content.decode()
    assert 'href="/fa/search/calendar.ics?q=Sprachcaf%C3%A9"' in html


def test_a_bad_search_says_why_in_the_readers_language(client, site_tree):
    response = client.get("/de/search/calendar.ics", {"radius_km": "viele"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("Diese Suche kann kein Kalender werden")
