"""The database backend's array arithmetic against a plain Python recount.

The backend filters, counts, measures and scores text on numpy columns and on
the offers each term stands in, read from the term table (``search.database``).
These tests recount the same answers one offer at a time from the database, as
the backend once did, on whichever database the suite runs on (SQLite here,
PostgreSQL under ``scripts/test``).
"""

import datetime as dt
import math
import random

import numpy as np
import pytest
from django.utils import timezone

from directory.geo import GeoPoint, distance_km
from search import database, matching
from search.documents import weekday_parts
from search.indexing import indexable_offers
from search.models import OfferTerm
from search.query import FACETS, FIELD_WEIGHTS, OfferQuery
from search.understanding import interpret
from tests.factories import make_offer

pytestmark = pytest.mark.django_db

WEILHEIM = GeoPoint(47.8415, 11.1548)
TOWNS = [(47.8415, 11.1548), (47.7955, 10.9295), (47.8121, 11.2102), (47.7262, 11.0123)]


@pytest.fixture(autouse=True)
def lexical_only(settings):
    settings.SEMANTIC_SEARCH = False
    settings.ELASTICSEARCH_URL = ""


@pytest.fixture
def district(site_tree, django_capture_on_commit_callbacks):
    """A dozen offers with mixed facets, flags, times, validity and places."""
    pick = random.Random(15)
    today = timezone.localdate()
    titles = [
        "Deutschkurs am Abend",
        "Sprachcafé Weilheim",
        "Sprach-Café für Frauen",
        "Beratung für Familien",
        "Fußballtraining",
        "Schwimmkurs für Frauen",
        "Deutsch lernen im Treff",
        "Hausaufgabenhilfe",
        "Beratungsstelle Migration",
        "Nähcafé",
        "Sprachtreff Peiting",
        "Kochkurs international",
    ]
    offers = []
    with django_capture_on_commit_callbacks(execute=True):
        for number, title in enumerate(titles):
            latitude, longitude = pick.choice(TOWNS)
            offers.append(
                make_offer(
                    site_tree,
                    title,
                    summary_de=f"{title}: Treffpunkt, Kurs und Beratung für alle.",
                    kind=pick.choice(["activity", "course", "counselling"]),
                    categories=tuple(
                        pick.sample(
                            ["sport", "health", "language-education", "counselling-help"], 2
                        )
                    ),
                    target_groups=(pick.choice(["everyone", "women", "families"]),),
                    languages=("de", pick.choice(["ar", "uk", "en"])),
                    **({} if pick.random() < 0.6 else {"is_free": False, "cost_note": "2 €"}),
                    wheelchair_accessible=pick.random() < 0.5,
                    slots=((number % 7, pick.choice(["09:00", "14:00", "18:30"]), "20:00"),),
                    valid_until=today - dt.timedelta(days=1) if number == 7 else None,
                    places=(
                        {
                            "postcode": "82362",
                            "town": "Weilheim i. OB",
                            "latitude": latitude + pick.uniform(-0.05, 0.05),
                            "longitude": longitude + pick.uniform(-0.05, 0.05),
                        },
                    ),
                )
            )
    return offers


def _recount(query: OfferQuery) -> tuple[list[int], dict[str, dict[str, int]]]:
    """Hits by title and facet counts, one offer at a time straight from the database."""
    today = timezone.localdate()
    parts = query.day_parts_wanted()
    rows = []
    for offer in indexable_offers():
        times = [(s.weekday, s.start_time, s.end_time) for s in offer.weekly_slots.all()]
        times += [(d.date.weekday(), d.start_time, d.end_time) for d in offer.dates.all()]
        if not (
            (offer.valid_from is None or offer.valid_from <= today)
            and (offer.valid_until is None or offer.valid_until >= today)
            and (not query.free or offer.is_free)
            and (not query.accessible or offer.wheelchair_accessible)
            and (not query.childcare or offer.childcare)
            and (query.open_on is None or query.open_on in {day for day, _s, _e in times})
            and (parts is None or parts & weekday_parts(times))
        ):
            continue
        if query.near and query.radius_km is not None:
            points = [p for p in offer.locations.all() if p.has_point]
            if min(
                (distance_km(query.near, p.latitude, p.longitude) for p in points), default=99
            ) > (query.radius_km):
                continue
        facets = {
            "category": {c.slug for c in offer.categories.all()},
            "kind": {offer.kind},
            "target_group": {t.slug for t in offer.target_groups.all()},
            "spoken_language": {s.code for s in offer.spoken_languages.all()},
        }
        rows.append(((offer.title_de or "").casefold(), offer.pk, facets))
    chosen = {name: set(values) for name, values in query.filter_values().items() if values}

    def matches(facets, skip=None):
        return all(facets[name] & values for name, values in chosen.items() if name != skip)

    counts = {}
    for name in FACETS:
        counted: dict[str, int] = {}
        for _title, _pk, facets in rows:
            if matches(facets, skip=name):
                for value in facets[name]:
                    counted[value] = counted.get(value, 0) + 1
        counts[name] = counted
    hits = sorted((title, pk) for title, pk, facets in rows if matches(facets))
    return [pk for _title, pk in hits], counts


FILTERS = [
    {},
    {"categories": ("sport",)},
    {"categories": ("sport", "health"), "kinds": ("course",)},
    {"spoken_languages": ("ar",), "free": True},
    {"target_groups": ("women", "families"), "accessible": True},
    {"open_on": 2},
    {"time_of_day": "evening"},
    {"open_on": 0, "time_of_day": "morning"},
    {"categories": ("no-such-category",)},
    {"near": WEILHEIM, "radius_km": 8.0, "kinds": ("activity", "counselling")},
]


def test_hits_and_facet_counts_equal_a_recount(district):
    for filters in FILTERS:
        query = OfferQuery(page_size=100, sort="title", **filters)
        expected_ids, expected_facets = _recount(query)
        raw = database.search(query)
        assert (raw.ids, raw.count, raw.facets) == (
            expected_ids,
            len(expected_ids),
            expected_facets,
        ), filters


def _unit_best_by_rows(unit, known) -> dict[int, float]:
    """A unit's best weight per offer from the raw term rows, as the backend once did."""
    found = matching.unit_terms(unit, "de", known)
    best: dict[int, float] = {}

    def offer(pk: int, score: float) -> None:
        best[pk] = max(best.get(pk, 0.0), score)

    places: dict[tuple[str, str], set[tuple[int, str]]] = {}
    for pk, language, name, term in OfferTerm.objects.values_list(
        "offer_id", "language", "field", "term"
    ):
        places.setdefault((language, term), set()).add((pk, name))
        weight = found.single.get((language, term))
        if weight is not None:
            offer(pk, weight * FIELD_WEIGHTS[name])
    for alternative in found.several:
        keys = [(alternative.language, term[:100]) for term in alternative.terms]
        for pk, name in set.intersection(*(places.get(key, set()) for key in keys)):
            offer(pk, alternative.weight * FIELD_WEIGHTS[name])
    for alternative in found.facets:
        for page in indexable_offers():
            values = {
                "category": {c.slug for c in page.categories.all()},
                "kind": {page.kind},
                "target_group": {t.slug for t in page.target_groups.all()},
            }[alternative.facet]
            if values & set(alternative.values):
                offer(page.pk, alternative.weight)
    return best


def test_unit_weights_equal_a_recount_over_the_term_rows(district):
    snap = database.snapshot()
    pks = snap.columns.pk.tolist()
    several = facets = 0
    for text in (
        "Deutschkurs",
        "Sprachcafe",
        "Beratung Frauen",
        "Deutsch lernen",
        "Fussbal",
        "Kochk",
    ):
        meaning = interpret(text, "de")
        known = meaning.terms_known()
        for unit in meaning.units:
            found = matching.unit_terms(unit, "de", known)
            several += len(found.several)
            facets += len(found.facets)
            best = database._unit_best(unit, "de", known, snap)
            weights = {pk: w for pk, w in zip(pks, best.tolist(), strict=True) if w}
            assert weights == _unit_best_by_rows(unit, known), text
    # Compounds and phrases (all terms in one field) and concepts' facets were among them.
    assert several and facets


def _numpy_differs(near: GeoPoint) -> tuple[float, float]:
    """A point near ``near`` whose array distance is not distance_km's to the last bit."""
    pick = random.Random(1)
    for _ in range(100_000):
        latitude = near.latitude + pick.uniform(-0.1, 0.1)
        longitude = near.longitude + pick.uniform(-0.1, 0.1)
        exact = distance_km(near, latitude, longitude)
        columns = database.OfferColumns(
            pk=np.array([1]),
            valid_from=np.array([0]),
            valid_until=np.array([0]),
            is_free=np.array([True]),
            wheelchair_accessible=np.array([True]),
            childcare=np.array([True]),
            weekdays=np.array([0]),
            day_parts=np.array([0]),
            facets={},
            point_rows=np.array([0]),
            latitudes=np.array([latitude]),
            longitudes=np.array([longitude]),
        )
        if database._nearest_distances(columns, near, None)[0] != exact:
            return latitude, longitude
    pytest.skip("numpy computes distance_km's numbers exactly here")


def test_radius_is_exact_at_the_limit(site_tree, django_capture_on_commit_callbacks):
    # numpy's last bit may differ from distance_km's: an offer exactly at the radius is in,
    # one a hair beyond is out, as with the Python distance.
    latitude, longitude = _numpy_differs(WEILHEIM)
    exact = distance_km(WEILHEIM, latitude, longitude)
    place = {"postcode": "82362", "town": "Weilheim", "latitude": latitude, "longitude": longitude}
    with django_capture_on_commit_callbacks(execute=True):
        edge = make_offer(site_tree, "Am Rand", places=(place,))
        near = make_offer(site_tree, "Nah", places=(place_at(WEILHEIM),))
    assert database.search(OfferQuery(near=WEILHEIM, radius_km=exact)).ids == [near.pk, edge.pk]
    inside = OfferQuery(near=WEILHEIM, radius_km=math.nextafter(exact, 0))
    assert database.search(inside).ids == [near.pk]
    for page in (1, 2):
        query = OfferQuery(near=WEILHEIM, sort="distance", page=page, page_size=1)
        assert database.search(query).ids == [[near.pk], [edge.pk]][page - 1]


def place_at(point: GeoPoint) -> dict:
    return {
        "postcode": "82362",
        "town": "Weilheim",
        "latitude": point.latitude,
        "longitude": point.longitude,
    }
