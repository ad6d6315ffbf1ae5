"""Places: the offline gazetteer, and geopy against a local server speaking Nominatim's API."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from directory import geocoding
from directory.gazetteer import resolve_place
from directory.geo import GeoPoint, distance_km
from directory.models import GeocodedAddress

WEILHEIM = GeoPoint(47.8415, 11.1548)


@pytest.mark.parametrize(
    "typed",
    ["Weilheim", "weilheim", "Weilheim i. OB", "Weilheim in Oberbayern", "82362", "Вайльхайм"],
)
def test_gazetteer_resolves_weilheim_in_every_spelling(typed):
    place = resolve_place(typed)
    assert place is not None
    assert distance_km(WEILHEIM, place.latitude, place.longitude) < 2


@pytest.mark.parametrize(
    "typed, town",
    [
        ("Peißenberg", "Peißenberg"),
        ("Peissenberg", "Peißenberg"),
        ("86956", "Schongau"),
        ("Шонгау", "Schongau"),
    ],
)
def test_gazetteer_towns_of_the_district(typed, town):
    assert resolve_place(typed).name == town


def test_gazetteer_prefers_the_namesake_near_the_district(settings):
    # There are Weilheims in Baden-Württemberg too; the district's centre decides.
    assert resolve_place("Weilheim").land == "02"
    settings.DISTRICT_CENTER = "48.62,9.54"  # Landkreis Esslingen
    assert resolve_place("Weilheim").land == "01"


def test_places_near_reads_its_grid_and_answers_as_a_full_scan():
    import random

    from directory.gazetteer import _gazetteer, places_near

    places = _gazetteer().places
    chance = random.Random(17)
    for _ in range(200):
        point = GeoPoint(chance.uniform(47.0, 55.2), chance.uniform(5.8, 15.1))
        radius = chance.choice([0.5, 3, 15, 25, 60, 400, 2000])
        scan = sorted(
            (d, p.name)
            for p in places
            if (d := distance_km(point, p.latitude, p.longitude)) <= radius
        )
        assert sorted((d, p.name) for d, p in places_near(point, radius)) == scan, (point, radius)
    # The district's towns, nearest first.
    nearest = places_near(GeoPoint(47.8415, 11.1548), 15)
    assert nearest[0][1].name == "Weilheim" and nearest[0][0] < 2


def test_gazetteer_unknown_place():
    assert resolve_place("Atlantis am Meer") is None
    assert resolve_place("00000") is None


class FakeNominatim(BaseHTTPRequestHandler):
    """Answers /search like Nominatim (format=json), from a table of known addresses.

    ``mode`` plays the ways a geocoder fails: "hang" (no answer until the test
    ends), "close" (the connection drops), "error" (HTTP 500), "ratelimited"
    (HTTP 429 with a Retry-After).
    """

    known: dict[str, tuple[float, float]] = {}
    requests: list[dict] = []
    mode = "answer"
    release = threading.Event()

    def do_GET(self):  # noqa: N802 - the name http.server calls
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).requests.append({"path": url.path, **query, "agent": self.headers["User-Agent"]})
        if self.mode == "hang":
            self.release.wait(30)
            return
        if self.mode == "close":
            return
        if self.mode in ("error", "ratelimited"):
            status = 500 if self.mode == "error" else 429
            self.send_response(status)
            self.send_header("Retry-After", "30")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        found = [
            {
                "place_id": 1,
                "lat": str(lat),
                "lon": str(lon),
                "display_name": f"{text}, Deutschland",
                "class": "building",
                "type": "yes",
            }
            for text, (lat, lon) in self.known.items()
            if text.casefold() == query.get("q", "").casefold()
        ]
        body = json.dumps(found[:1]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim(db, settings):
    """A local Nominatim on a free port, used through geopy; the geocoder's cache starts empty."""
    FakeNominatim.requests = []
    FakeNominatim.mode = "answer"
    FakeNominatim.release = threading.Event()
    FakeNominatim.known = {
        "Pöltnerstraße 12, 82362 Weilheim i. OB": (47.8402, 11.1431),
        "Hauptstraße 1, 82362 Weilheim i. OB": (52.52, 13.40),  # a wrong answer, in Berlin
        "Herzogsägmühle": (47.8167, 10.9003),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GEOCODER_ENABLED = True
    settings.GEOCODER_DOMAIN = f"127.0.0.1:{server.server_address[1]}"
    settings.GEOCODER_SCHEME = "http"
    settings.GEOCODER_USER_AGENT = "gemeinsam-tests"
    geocoding._geocoder.cache_clear()
    cache.clear()  # remembered failures, breaker and call counts of earlier tests
    yield FakeNominatim
    FakeNominatim.release.set()  # let hanging requests end
    server.shutdown()
    server.server_close()
    geocoding._geocoder.cache_clear()
    cache.clear()


@pytest.mark.django_db
def test_geocoder_asks_once_and_caches(nominatim):
    point = geocoding.geocode_address("Pöltnerstraße 12", "82362", "Weilheim i. OB")
    assert point == GeoPoint(47.8402, 11.1431)
    assert nominatim.requests[0]["path"] == "/search"
    assert nominatim.requests[0]["countrycodes"] == "de"
    assert nominatim.requests[0]["agent"] == "gemeinsam-tests"
    again = geocoding.geocode_address("Pöltnerstraße 12", "82362", "Weilheim i. OB")
    assert again == point
    assert len(nominatim.requests) == 1  # answered from the cache
    assert GeocodedAddress.objects.count() == 1


@pytest.mark.django_db
def test_geocoder_answer_far_from_the_town_is_refused(nominatim):
    assert geocoding.geocode_address("Hauptstraße 1", "82362", "Weilheim i. OB") is None


@pytest.mark.django_db
def test_unknown_address_is_cached_as_a_miss(nominatim):
    assert geocoding.geocode("Nirgendwo 7") is None
    assert geocoding.geocode("Nirgendwo 7") is None
    assert len(nominatim.requests) == 1
    assert GeocodedAddress.objects.get().latitude is None


@pytest.mark.django_db
def test_search_place_falls_back_to_the_geocoder(nominatim):
    # Not in the offline gazetteer (too small), but the geocoder knows it.
    assert resolve_place("Herzogsägmühle") is None
    assert geocoding.resolve_search_place("Herzogsägmühle") == GeoPoint(47.8167, 10.9003)
    assert geocoding.resolve_search_place("Weilheim") is not None
    assert len(nominatim.requests) == 1  # Weilheim came from the gazetteer


@pytest.mark.django_db
def test_geocoder_outage_gives_none_and_stores_no_miss(settings):
    settings.GEOCODER_ENABLED = True
    settings.GEOCODER_DOMAIN = "127.0.0.1:9"  # nothing listens there
    settings.GEOCODER_SCHEME = "http"
    geocoding._geocoder.cache_clear()
    cache.clear()
    assert geocoding.geocode("Pöltnerstraße 12, 82362 Weilheim") is None
    assert not GeocodedAddress.objects.exists()  # an outage is no proof the address is unknown
    geocoding._geocoder.cache_clear()
    cache.clear()


@pytest.mark.django_db
def test_offer_places_without_coordinates_are_geocoded(nominatim):
    from directory.geocoding import locate
    from directory.models import OfferLocation

    place = OfferLocation(street="Pöltnerstraße 12", postcode="82362", town="Weilheim i. OB")
    assert locate(place)
    assert (place.latitude, place.longitude) == (47.8402, 11.1431)
    typed = OfferLocation(postcode="82362", town="Weilheim", latitude=47.9, longitude=11.2)
    assert locate(typed) and typed.latitude == 47.9  # typed coordinates are kept
    assert len(nominatim.requests) == 1
    unknown = OfferLocation(street="Hauptstraße 1", postcode="82362", town="Weilheim i. OB")
    assert not locate(unknown) and unknown.latitude is None  # the answer lay in Berlin
