"""Relevance, language and geo behaviour, identical for the database and Elasticsearch.

Every test here runs once per backend (the ``backend`` fixture) with the same
expected results.
"""

import datetime as dt

import pytest

from directory.geo import GeoPoint
from search.interface import search, suggest
from search.query import OfferQuery
from tests.factories import make_offer

pytestmark = pytest.mark.django_db

WEILHEIM = GeoPoint(47.8415, 11.1548)
KM_PER_DEGREE_LATITUDE = 6371.0088 * 3.141592653589793 / 180


def place_north_of(point: GeoPoint, km: float, town: str = "Weilheim i. OB") -> dict:
    """An address ``km`` kilometres due north of ``point``."""
    return {
        "postcode": "82362",
        "town": town,
        "latitude": point.latitude + km / KM_PER_DEGREE_LATITUDE,
        "longitude": point.longitude,
    }


@pytest.fixture(autouse=True)
def lexical_only(settings):
    """These tests pin down word matching; semantic search has tests of its own
    (test_crosslang.py) and would add offers close in meaning."""
    settings.SEMANTIC_SEARCH = False


@pytest.fixture
def offer(site_tree, django_capture_on_commit_callbacks):
    """Make a published offer and run the index updates that follow the commit."""

    def _offer(title, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return make_offer(site_tree, title, **fields)

    return _offer


def titles(query: OfferQuery) -> list[str]:
    results = search(query)
    return [hit.offer.title_de for hit in results.hits]


def test_results_come_from_the_requested_backend(backend, offer):
    offer("Sprachcafé")
    assert search(OfferQuery(text="Sprachcafé")).backend == backend


def test_german_stemming_and_umlaut_folding(backend, offer):
    offer("Deutschkurse für Frauen", summary_de="Lernen Sie Deutsch in kleinen Gruppen.")
    offer("Fußballtraining für Jugendliche", summary_de="Training auf dem Sportplatz.")
    offer("Begegnungscafé am Marienplatz", summary_de="Kaffee und Gespräche.")
    assert titles(OfferQuery(text="Deutschkurs")) == ["Deutschkurse für Frauen"]
    assert titles(OfferQuery(text="fuer Frau")) == ["Deutschkurse für Frauen"]
    assert titles(OfferQuery(text="Fussballtraining")) == ["Fußballtraining für Jugendliche"]
    assert titles(OfferQuery(text="Begegnungscafe")) == ["Begegnungscafé am Marienplatz"]
    assert titles(OfferQuery(text="Gruppe")) == ["Deutschkurse für Frauen"]  # summary, stemmed


def test_typos_are_forgiven_but_not_anything(backend, offer):
    offer("Deutschkurs am Abend")
    offer("Schwimmkurs für Frauen")
    assert titles(OfferQuery(text="Deutchkurs")) == ["Deutschkurs am Abend"]
    assert titles(OfferQuery(text="Schwimkurs")) == ["Schwimmkurs für Frauen"]
    assert titles(OfferQuery(text="Xeutschkurs")) == []  # the first letter must be right


def test_full_matches_rank_before_partial_ones(backend, offer):
    offer("Deutschkurs am Abend", summary_de="Kleine Gruppen.")
    offer("Deutschkurs am Vormittag", summary_de="Kleine Gruppen.")
    offer("Schwimmen am Abend", summary_de="Im Hallenbad.")
    # Every word covered first, then offers covering part of the query.
    assert titles(OfferQuery(text="Deutschkurs Abend"))[0] == "Deutschkurs am Abend"
    assert set(titles(OfferQuery(text="Deutschkurs Abend"))[1:]) == {
        "Deutschkurs am Vormittag",
        "Schwimmen am Abend",
    }
    # Half the known words must match: one of three is not enough…
    assert titles(OfferQuery(text="Vormittag Hallenbad kleine")) == ["Deutschkurs am Vormittag"]
    # …and a word no offer contains ("Mittwoch") is not held against anyone.
    assert titles(OfferQuery(text="Deutschkurs Mittwoch")) == [
        "Deutschkurs am Abend",
        "Deutschkurs am Vormittag",
    ]


def test_prefix_of_the_typed_word_matches(backend, offer):
    offer("Deutschkurs am Abend")
    assert titles(OfferQuery(text="Deutschk")) == ["Deutschkurs am Abend"]
    assert [s["title"] for s in suggest("Deutschk", "de")] == ["Deutschkurs am Abend"]
    assert suggest("De", "de") == []  # too short to suggest


def test_search_in_arabic_finds_arabic_translation(backend, offer):
    offer(
        "Deutschkurs für Frauen",
        title_ar="دورة اللغة الألمانية للنساء",
        summary_ar="تعلمي اللغة الألمانية في مجموعة صغيرة.",
    )
    offer("Fahrradwerkstatt")
    results = search(OfferQuery(text="الألمانية", language="ar"))
    assert [h.offer.title_de for h in results.hits] == ["Deutschkurs für Frauen"]
    assert results.hits[0].language == "ar"
    assert "<mark>الألمانية</mark>" in results.hits[0].snippet


def test_search_in_ukrainian_finds_ukrainian_translation(backend, offer):
    offer(
        "Deutschkurs für Anfänger",
        title_uk="Курс німецької мови для початківців",
        summary_uk="Вивчайте німецьку мову в невеликій групі.",
    )
    offer("Schwimmkurs")
    assert titles(OfferQuery(text="курси німецької", language="uk")) == ["Deutschkurs für Anfänger"]
    # A Ukrainian reader typing German still finds it (the German source is searched too).
    assert titles(OfferQuery(text="Deutschkurs", language="uk")) == ["Deutschkurs für Anfänger"]


def test_searchers_language_ranks_first(backend, offer):
    offer("Café am Markt")  # German only
    offer("Treffpunkt Café", title_ar="مقهى Café للقاء", summary_ar="نلتقي ونتحدث.")
    assert titles(OfferQuery(text="café", language="ar")) == ["Treffpunkt Café", "Café am Markt"]
    # For a German reader both match in German equally; the title decides.
    assert titles(OfferQuery(text="café", language="de")) == ["Café am Markt", "Treffpunkt Café"]


def test_title_matches_rank_above_text_matches(backend, offer):
    offer("Offener Treff", summary_de="Mit Hausaufgabenhilfe für Kinder.")
    offer("Hausaufgabenhilfe", summary_de="Jeden Tag nach der Schule.")
    assert titles(OfferQuery(text="Hausaufgabenhilfe")) == ["Hausaufgabenhilfe", "Offener Treff"]


def test_radius_includes_just_inside_and_excludes_just_outside(backend, offer):
    offer("Innen", places=(place_north_of(WEILHEIM, 4.95),))
    offer("Außen", places=(place_north_of(WEILHEIM, 5.05),))
    offer("Weit weg", places=(place_north_of(WEILHEIM, 30),))
    results = search(OfferQuery(near=WEILHEIM, radius_km=5))
    assert [h.offer.title_de for h in results.hits] == ["Innen"]
    assert results.hits[0].distance_km == pytest.approx(4.95, abs=0.005)


def test_distance_sort_and_nearest_place_of_each_offer(backend, offer):
    offer("Drei", places=(place_north_of(WEILHEIM, 3),))
    offer("Eins", places=(place_north_of(WEILHEIM, 12), place_north_of(WEILHEIM, 1)))
    offer("Zwei", places=(place_north_of(WEILHEIM, 2),))
    offer("Online", format="online", places=())
    results = search(OfferQuery(near=WEILHEIM, radius_km=20))
    assert [h.offer.title_de for h in results.hits] == ["Eins", "Zwei", "Drei"]
    assert [round(h.distance_km, 2) for h in results.hits] == [1.0, 2.0, 3.0]
    # Without a radius everything comes, nearest first, offers without a place last.
    everything = titles(OfferQuery(near=WEILHEIM))
    assert everything == ["Eins", "Zwei", "Drei", "Online"]


def test_the_card_names_the_place_the_distance_belongs_to(backend, offer, client):
    """Near Schongau, an offer in Weilheim and Schongau is shown at Schongau, not Weilheim."""
    schongau = GeoPoint(47.8131, 10.8966)
    offer(
        "Migrationsberatung",
        places=(
            {**place_north_of(WEILHEIM, 0.1), "street": "Pöltnerstraße 12"},
            {**place_north_of(schongau, 0.14, "Schongau"), "street": "Marienplatz 4"},
        ),
    )
    (hit,) = search(OfferQuery(near=schongau)).hits
    assert (hit.place.town, hit.place.street, round(hit.distance_km, 2)) == (
        "Schongau",
        "Marienplatz 4",
        0.14,
    )
    (first,) = search(OfferQuery(text="Migrationsberatung")).hits
    assert first.place.town == "Weilheim i. OB" and first.distance_km is None
    near = f"{schongau.latitude},{schongau.longitude}"
    body = client.get("/api/v1/offers/", {"near": near}).json()
    assert body["results"][0]["town"] == "Schongau"
    assert body["results"][0]["place"] == {"town": "Schongau", "street": "Marienplatz 4"}
    html = client.get("/de/angebote/", {"near": near}).content.decode()
    assert (
        "<bdi>Marienplatz 4, Schongau</bdi>" in html
        and "Weilheim" not in html.split("offer-card")[1]
    )


def test_text_and_place_together(backend, offer):
    offer("Sprachcafé Weilheim", places=(place_north_of(WEILHEIM, 1),))
    offer("Sprachcafé Penzberg", places=(place_north_of(WEILHEIM, 25, "Penzberg"),))
    assert titles(OfferQuery(text="Sprachcafé", near=WEILHEIM, radius_km=10)) == [
        "Sprachcafé Weilheim"
    ]
    assert titles(OfferQuery(text="Sprachcafé", near=WEILHEIM, sort="distance")) == [
        "Sprachcafé Weilheim",
        "Sprachcafé Penzberg",
    ]


def test_filters_and_facet_counts(backend, offer):
    offer("Fußball", categories=("sport",), kind="club_offer", languages=("de", "ar"))
    offer(
        "Schwimmen",
        categories=("sport", "health"),
        kind="club_offer",
        is_free=False,
        cost_note="2 €",
    )
    offer(
        "Hebammensprechstunde", categories=("health",), kind="counselling", languages=("de", "uk")
    )
    offer("Sprachcafé", categories=("encounter-leisure",), kind="activity")

    results = search(OfferQuery(categories=("sport",)))
    assert sorted(h.offer.title_de for h in results.hits) == ["Fußball", "Schwimmen"]
    # A facet counts as if its own filter were not set; the others apply.
    assert results.facets["category"] == {
        "sport": 2,
        "health": 2,
        "encounter-leisure": 1,
    }
    assert results.facets["kind"] == {"club_offer": 2}
    assert results.facets["spoken_language"] == {"de": 2, "ar": 1}

    assert titles(OfferQuery(categories=("sport",), free=True)) == ["Fußball"]
    assert titles(OfferQuery(spoken_languages=("uk",))) == ["Hebammensprechstunde"]
    assert titles(OfferQuery(kinds=("activity", "counselling"))) == [
        "Hebammensprechstunde",
        "Sprachcafé",
    ]


def test_open_on_weekday(backend, offer):
    offer("Dienstagstreff", slots=((1, "15:00", "17:00"),))
    offer("Samstagsfest", slots=(), dates=(dt.date(2026, 11, 28),))  # a Saturday
    assert titles(OfferQuery(open_on=1)) == ["Dienstagstreff"]
    assert titles(OfferQuery(open_on=5)) == ["Samstagsfest"]
    assert titles(OfferQuery(open_on=3)) == []


def test_time_of_day_alone_and_with_a_weekday(backend, offer):
    offer("Frühstückstreff", slots=((1, "09:00", "11:00"),))  # Tuesday morning
    offer("Abendkurs", slots=((1, "18:00", "20:00"), (3, "11:30", "13:00")))
    offer("Tagesausflug", slots=(), dates=(dt.date(2026, 11, 28),))  # Saturday, 10–12
    assert titles(OfferQuery(open_on=1, time_of_day="morning")) == ["Frühstückstreff"]
    assert titles(OfferQuery(open_on=1, time_of_day="evening")) == ["Abendkurs"]
    assert titles(OfferQuery(open_on=1, time_of_day="afternoon")) == []
    # Thursday 11:30–13:00 touches both the morning and the afternoon.
    assert titles(OfferQuery(open_on=3, time_of_day="afternoon")) == ["Abendkurs"]
    assert titles(OfferQuery(time_of_day="morning")) == [
        "Abendkurs",
        "Frühstückstreff",
        "Tagesausflug",
    ]
    assert titles(OfferQuery(time_of_day="evening")) == ["Abendkurs"]


def test_with_text_and_a_place_nearer_rings_come_first(backend, offer):
    """29 km away with the word in its title, 3 km away with it in the summary: the near
    one leads; within one ring the better match leads; partial matches stay behind."""
    offer("Deutschkurs am Abend", places=(place_north_of(WEILHEIM, 29),))
    offer(
        "Sprachtreff",
        summary_de="Ein Deutschkurs für Anfänger.",
        places=(place_north_of(WEILHEIM, 3),),
    )
    offer("Deutschkurs am Morgen", places=(place_north_of(WEILHEIM, 4),))
    offer("Nähcafé", summary_de="Deutschkurs nebenbei.", places=())
    query = OfferQuery(text="Deutschkurs", near=WEILHEIM)
    assert query.distance_weighs_in
    assert titles(query) == [
        "Deutschkurs am Morgen",  # ring 0, title
        "Sprachtreff",  # ring 0, summary
        "Deutschkurs am Abend",  # ring 5
        "Nähcafé",  # no place: after every ring
    ]
    # Without a place, the plain best match.
    assert titles(OfferQuery(text="Deutschkurs"))[:2] == [
        "Deutschkurs am Abend",
        "Deutschkurs am Morgen",
    ]
    # A query covering two units ranks above one covering one, however far.
    offer("Deutschkurs und Kinderbetreuung", places=(place_north_of(WEILHEIM, 40),))
    two = OfferQuery(text="Deutschkurs Kinderbetreuung", near=WEILHEIM)
    assert titles(two)[0] == "Deutschkurs und Kinderbetreuung"


def test_pagination_and_count(backend, offer):
    for n in range(5):
        offer(f"Kurs {n}")
    first = search(OfferQuery(text="Kurs", page=1, page_size=2))
    third = search(OfferQuery(text="Kurs", page=3, page_size=2))
    assert first.count == third.count == 5
    assert [h.offer.title_de for h in first.hits] == ["Kurs 0", "Kurs 1"]
    assert [h.offer.title_de for h in third.hits] == ["Kurs 4"]
    assert first.num_pages == 3 and first.has_next and not third.has_next


def test_unpublished_drafts_and_expired_offers_never_appear(backend, offer, site_tree, publish):
    live = offer("Sprachcafé live")
    make_offer(site_tree, "Sprachcafé Entwurf", publish=False)
    offer("Sprachcafé vorbei", valid_until=dt.date(2020, 1, 1))
    offer("Sprachcafé später", valid_from=dt.date(2099, 1, 1))
    assert titles(OfferQuery(text="Sprachcafé")) == ["Sprachcafé live"]
    assert suggest("Sprachc", "de") == [
        {"id": live.pk, "title": "Sprachcafé live", "language": "de"}
    ]


def test_expired_offers_stay_out_of_best_match_with_a_place(backend, offer):
    # Nearer rings weigh in when text and a place come together; an expired offer with the
    # words once broke that on the database backend (no distance for it).
    offer("Sprachcafé Weilheim", places=(place_north_of(WEILHEIM, 1),))
    offer(
        "Sprachcafé vorbei", valid_until=dt.date(2020, 1, 1), places=(place_north_of(WEILHEIM, 2),)
    )
    assert titles(OfferQuery(text="Sprachcafé", near=WEILHEIM)) == ["Sprachcafé Weilheim"]
