"""The offer's calendar file, read back with the icalendar library as a phone would read it."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from directory.models import OfferDate, OfferPage
from tests.factories import make_offer

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)


def fetch_calendar(client, offer) -> tuple[bytes, Calendar]:
    """GET the offer's .ics as a reader does; return the raw bytes and the parsed calendar."""
    with time_machine.travel(MONDAY):
        response = client.get(f"/de/offer/{offer.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content, Calendar.from_ical(response.content)


def content_lines(body: bytes) -> list[str]:
    """The unfolded content lines, split only where RFC 5545 puts line breaks (CRLF)."""
    return body.decode().replace("\r\n ", "").split("\r\n")[:-1]


def test_weekly_times_repeat_until_the_offer_ends_and_dates_are_single_events(client, site_tree):
    offer = make_offer(
        site_tree,
        "Sprachcafé; Treff, offen",
        slug="sprachcafe",
        valid_until=dt.date(2027, 3, 31),
        dates=(dt.date(2026, 12, 5), dt.date(2026, 11, 1)),  # the second lies in the past
    )
    OfferDate.objects.create(page=offer, date=dt.date(2027, 1, 10))  # no time: all day
    with time_machine.travel(MONDAY):
        response = client.get(f"/de/offer/{offer.pk}/calendar.ics")
    assert 'filename="sprachcafe-treff-offen.ics"' in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)

    assert calendar["VERSION"] == "2.0" and calendar["METHOD"] == "PUBLISH"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Berlin"]
    assert calendar.get_missing_tzids() == set()
    weekly, single, all_day = calendar.events
    assert len(calendar.events) == 3

    # Tuesday 15:00–17:00 every week from the next Tuesday until the offer's last day ends.
    assert weekly.start == dt.datetime(2026, 11, 24, 15, tzinfo=BERLIN)
    assert weekly.start.tzinfo.key == "Europe/Berlin"
    assert weekly.end == dt.datetime(2026, 11, 24, 17, tzinfo=BERLIN)
    rule = weekly["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["TU"]
    assert rule["UNTIL"] == [dt.datetime(2027, 3, 31, 23, 59, 59, tzinfo=BERLIN)]
    assert rule["UNTIL"][0].utcoffset() == dt.timedelta(0)  # UTC, as RFC 5545 wants

    assert single.start == dt.datetime(2026, 12, 5, 10, tzinfo=BERLIN)
    assert single.end == dt.datetime(2026, 12, 5, 12, tzinfo=BERLIN)
    assert "RRULE" not in single
    assert all_day.start == dt.date(2027, 1, 10) and all_day.end == dt.date(2027, 1, 11)
    assert all_day.get("DTSTART").params["VALUE"] == "DATE"

    url = "http://localhost/de/angebote/sprachcafe/"
    assert [event.uid for event in calendar.events] == [
        f"offer-{offer.pk}-weekly-0@testserver",
        f"offer-{offer.pk}-date-0@testserver",
        f"offer-{offer.pk}-date-1@testserver",
    ]
    for event in calendar.events:
        assert event.DTSTAMP == MONDAY
        assert event["SUMMARY"] == "Sprachcafé; Treff, offen"
        assert event["DESCRIPTION"] == f"Deutsch sprechen bei Kaffee und Kuchen.\n{url}"
        assert event["URL"] == url
        assert event["LOCATION"] == "Mehrgenerationenhaus, Pöltnerstraße 12, 82362 Weilheim i. OB"


def test_open_ended_weekly_times_have_no_end_date(client, site_tree):
    offer = make_offer(site_tree, "Lauftreff", slots=((5, "09:30", "10:30"),))
    _body, calendar = fetch_calendar(client, offer)
    (event,) = calendar.events
    assert event.start == dt.datetime(2026, 11, 28, 9, 30, tzinfo=BERLIN)
    assert "UNTIL" not in event["RRULE"]


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Kurs\rX-INJECTED:1\rBEGIN:VALARM", "Kurs X-INJECTED:1 BEGIN:VALARM"),
        ("Kurs\nX-INJECTED:1\nBEGIN:VALARM", "Kurs X-INJECTED:1 BEGIN:VALARM"),
        ("Kurs\r\nX-INJECTED:1\r\nBEGIN:VALARM", "Kurs X-INJECTED:1 BEGIN:VALARM"),
        ("Kurs\r\n X-INJECTED:1", "Kurs X-INJECTED:1"),  # a fold after a line break
        ("Kurs\x0bX-INJECTED:1\x1b", "Kurs X-INJECTED:1"),  # other control characters
        ("Kurs; X-INJECTED:1, \\ </script/", "Kurs; X-INJECTED:1, \\ </script/"),
    ],
)
def test_a_title_cannot_add_properties_or_components(client, site_tree, title, summary):
    offer = make_offer(site_tree, "Kurs", slug="kurs")
    # Page validation refuses such titles now; rows saved before it, or written past it,
    # still reach the calendar, which must not depend on it.
    summary_text = "Treffen\rX-INJECTED:2\rEND:VEVENT"
    OfferPage.objects.filter(pk=offer.pk).update(
        title=title, title_de=title, summary=summary_text, summary_de=summary_text
    )
    body, calendar = fetch_calendar(client, offer)

    # Some calendar apps also break lines at a lone CR or LF: there must be none.
    assert not re.search(rb"\r(?!\n)|(?<!\r)\n", body)
    lines = content_lines(body)
    assert all(re.match(r"^[A-Z][A-Z0-9-]*[;:]", line) for line in lines), lines
    assert not any(line.startswith("X-") for line in lines)
    assert [line.split(":", 1)[0] for line in lines].count("SUMMARY") == 1
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1

    assert not calendar.walk("VALARM")
    (event,) = calendar.events
    assert "X-INJECTED" not in event and "X-INJECTED" not in calendar
    assert isinstance(event["SUMMARY"], str)  # one SUMMARY, not a list of several
    # A title is one line: line breaks become spaces, everything else stays as typed.
    assert event["SUMMARY"] == summary
    assert event["DESCRIPTION"].startswith("Treffen\nX-INJECTED:2\nEND:VEVENT\n")


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Schnuppertraining Fußball", "schnuppertraining-fussball"),
        ("Mütter-Café für Ältere", "muetter-cafe-fuer-aeltere"),
        ("Мовне кафе", "movne-kafe"),
        ("</script/>\r\n\u202e", "script"),
        ("!!!", "angebot"),
    ],
)
def test_calendar_file_names_keep_every_letter(client, site_tree, title, name):
    offer = make_offer(site_tree, "Kurs")
    OfferPage.objects.filter(pk=offer.pk).update(title_de=title)  # even past the validators
    response = client.get(f"/de/offer/{offer.pk}/calendar.ics")
    assert response["Content-Disposition"] == f'attachment; filename="{name}.ics"'
