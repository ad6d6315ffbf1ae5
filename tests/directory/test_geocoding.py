"""The geocoder's guards: short timeouts, remembered failures, circuit breaker, site-wide cap.

Everything goes through geopy to the local Nominatim-speaking server of
``tests/search/test_places.py``; the server counts what reaches it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

import pytest
import time_machine
from django.db import connections

from directory import geocoding
from directory.gazetteer import resolve_place
from directory.geo import GeoPoint
from directory.models import GeocodedAddress
from tests.search.test_places import FakeNominatim, nominatim  # noqa: F401 - the fixture

HERZOGSAEGMUEHLE = GeoPoint(47.8167, 10.9003)  # known to the fake Nominatim, not to the gazetteer
MORNING = dt.datetime(2025, 3, 3, 9, 0, 5, tzinfo=dt.UTC)  # 5 s into a minute


@pytest.fixture
def geocoder(nominatim, settings) -> type[FakeNominatim]:  # noqa: F811 - the imported fixture
    """The fake Nominatim with short waits and small limits, so edges are quick to reach."""
    settings.GEOCODER_TIMEOUT = 0.5
    settings.GEOCODER_FORM_TIMEOUT = 0.5
    settings.GEOCODER_FAILURE_CACHE_SECONDS = 600
    settings.GEOCODER_BREAKER_FAILURES = 3
    settings.GEOCODER_BREAKER_SECONDS = 300
    settings.GEOCODER_CALLS_PER_MINUTE = 30
    resolve_place("Weilheim")  # loads the offline gazetteer (once per process), not timed here
    return nominatim


def sent(server: type[FakeNominatim]) -> list[str]:
    """The texts that reached the server, in order."""
    return [request["q"] for request in server.requests]


def timed(function, *args, **kwargs):
    """The function's result and how many seconds it took."""
    start = time.monotonic()
    result = function(*args, **kwargs)
    return result, time.monotonic() - start


@pytest.mark.django_db
def test_hanging_geocoder_gives_place_not_found_within_the_timeout(geocoder):
    geocoder.mode = "hang"
    point, seconds = timed(geocoding.resolve_search_place, "Herzogsägmühle")
    assert point is None
    assert seconds < 2.0  # timeout 0.5 s, no retries, no sleeping; room for a busy machine
    assert len(geocoder.requests) == 1

    point, seconds = timed(geocoding.resolve_search_place, "Herzogsägmühle")
    assert point is None and seconds < 1.0
    assert len(geocoder.requests) == 1  # the failure is remembered: not sent again
    assert not GeocodedAddress.objects.exists()  # and not stored as a miss


@pytest.mark.django_db
def test_search_waits_the_short_timeout_and_the_form_the_longer_one(geocoder, settings):
    settings.GEOCODER_TIMEOUT = 0.2
    settings.GEOCODER_FORM_TIMEOUT = 1.5
    geocoder.mode = "hang"
    _point, search_seconds = timed(geocoding.resolve_search_place, "Herzogsägmühle")
    _point, form_seconds = timed(geocoding.geocode_address, "Am Bach 3", "86971", "Peiting")
    assert search_seconds < 1.5
    assert 1.5 <= form_seconds < 3.5
    assert len(geocoder.requests) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["hang", "close", "error", "ratelimited"])
def test_a_failure_is_remembered_until_it_expires(geocoder, mode):
    geocoder.mode = mode
    with time_machine.travel(MORNING, tick=False) as traveller:
        # A 429 carries "Retry-After: 30": nobody waits for it inside a request.
        point, seconds = timed(geocoding.geocode, "Herzogsägmühle")
        assert point is None and seconds < 2.0
        traveller.shift(599)
        assert geocoding.geocode("Herzogsägmühle") is None
        assert sent(geocoder) == ["Herzogsägmühle"]

        geocoder.mode = "answer"
        traveller.shift(2)  # GEOCODER_FAILURE_CACHE_SECONDS (600) have passed
        assert geocoding.geocode("Herzogsägmühle") == HERZOGSAEGMUEHLE
        assert sent(geocoder) == ["Herzogsägmühle"] * 2


@pytest.mark.django_db
def test_breaker_opens_after_failures_in_a_row_and_closes_after_its_period(geocoder, caplog):
    geocoder.mode = "error"
    with time_machine.travel(MORNING, tick=False) as traveller:
        for text in ("Ort eins", "Ort zwei", "Ort drei"):
            assert geocoding.resolve_search_place(text) is None
        assert len(geocoder.requests) == 3

        # Open: other texts are not sent either, even ones the geocoder would know.
        geocoder.mode = "answer"
        for text in ("Ort vier", "Herzogsägmühle", "Ort fünf"):
            point, seconds = timed(geocoding.resolve_search_place, text)
            assert point is None and seconds < 1.0
        assert len(geocoder.requests) == 3
        assert not GeocodedAddress.objects.exists()  # "not asked" is no miss
        openings = [r for r in caplog.records if "in a row" in r.getMessage()]
        assert len(openings) == 1 and openings[0].levelno == logging.ERROR

        traveller.shift(299)
        assert geocoding.resolve_search_place("Herzogsägmühle") is None
        assert len(geocoder.requests) == 3

        # After the period one trial goes out; it fails, so the breaker opens again at once.
        traveller.shift(2)
        geocoder.mode = "error"
        assert geocoding.resolve_search_place("Ort sechs") is None
        assert geocoding.resolve_search_place("Ort sieben") is None
        assert sent(geocoder)[3:] == ["Ort sechs"]
        assert len([r for r in caplog.records if "in a row" in r.getMessage()]) == 2

        # After the next period the trial succeeds and the breaker is closed.
        traveller.shift(301)
        geocoder.mode = "answer"
        assert geocoding.resolve_search_place("Herzogsägmühle") == HERZOGSAEGMUEHLE
        assert geocoding.resolve_search_place("Ort acht") is None  # a real miss, asked
        assert sent(geocoder)[4:] == ["Herzogsägmühle", "Ort acht"]


@pytest.mark.django_db
def test_a_success_resets_the_count_of_failures(geocoder):
    with time_machine.travel(MORNING, tick=False):
        geocoder.mode = "error"
        assert geocoding.geocode("Ort eins") is None
        assert geocoding.geocode("Ort zwei") is None
        geocoder.mode = "answer"
        assert geocoding.geocode("Herzogsägmühle") == HERZOGSAEGMUEHLE
        geocoder.mode = "error"
        assert geocoding.geocode("Ort drei") is None
        assert geocoding.geocode("Ort vier") is None
        # Two failures since the success: below the limit of three, so still asking.
        geocoder.mode = "answer"
        assert geocoding.geocode("Pöltnerstraße 12, 82362 Weilheim i. OB") is not None
        assert len(geocoder.requests) == 6


@pytest.mark.django_db
def test_calls_per_minute_are_capped_for_the_whole_site(geocoder, settings, caplog):
    settings.GEOCODER_CALLS_PER_MINUTE = 3
    with time_machine.travel(MORNING, tick=False) as traveller:
        for text in ("Ort eins", "Ort zwei", "Ort drei"):
            assert geocoding.resolve_search_place(text) is None  # misses, but asked
        assert len(geocoder.requests) == 3

        point, seconds = timed(geocoding.resolve_search_place, "Herzogsägmühle")
        assert point is None and seconds < 1.0
        assert geocoding.resolve_search_place("Ort vier") is None
        assert len(geocoder.requests) == 3
        assert not GeocodedAddress.objects.filter(query__in=["herzogsagmuhle", "ort vier"])
        capped = [r for r in caplog.records if "calls a minute" in r.getMessage()]
        assert len(capped) == 1  # once a minute, not once a request

        traveller.shift(55)  # the next minute: the same text is asked, and known
        assert geocoding.resolve_search_place("Herzogsägmühle") == HERZOGSAEGMUEHLE
        assert sent(geocoder)[3:] == ["Herzogsägmühle"]


@pytest.mark.django_db(transaction=True)
def test_requests_arriving_together_do_not_slip_past_the_cap(geocoder, settings):
    settings.GEOCODER_CALLS_PER_MINUTE = 4
    start = threading.Barrier(12)
    answers: list[GeoPoint | None] = []

    def search(number: int) -> None:
        try:
            start.wait()
            answers.append(geocoding.resolve_search_place(f"Ort {number}"))
        finally:
            connections.close_all()  # each thread has its own database connection

    with time_machine.travel(MORNING, tick=False):
        threads = [threading.Thread(target=search, args=(n,)) for n in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert len(answers) == 12
    assert len(geocoder.requests) == 4


@pytest.mark.django_db
def test_disabled_geocoder_leaves_the_gazetteer_answering(geocoder, settings):
    settings.GEOCODER_ENABLED = False
    assert geocoding.resolve_search_place("Weilheim") is not None
    assert geocoding.resolve_search_place("82362") is not None
    assert geocoding.resolve_search_place("Herzogsägmühle") is None
    assert geocoder.requests == []
