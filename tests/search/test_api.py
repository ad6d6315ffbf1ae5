"""The JSON API: parameters, answers, errors and its OpenAPI description."""

import pytest

from tests.factories import make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers(site_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cafe = make_offer(
            site_tree,
            "Sprachcafé",
            slug="sprachcafe",
            title_ar="مقهى اللغة",
            summary_ar="تحدث الألمانية مع القهوة.",
            languages=("de", "ar"),
            slots=((1, "15:00", "17:00"),),
        )
        make_offer(
            site_tree,
            "Fußball",
            slug="fussball",
            categories=("sport",),
            kind="club_offer",
            places=(
                {
                    "postcode": "86971",
                    "town": "Peiting",
                    "latitude": 47.7955,
                    "longitude": 10.9295,
                },
            ),
        )
    return cafe


def test_offers_answer_in_requested_language(client, backend, offers):
    response = client.get("/api/v1/offers/", {"q": "Sprachcafe", "lang": "ar"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["backend"] == backend
    hit = body["results"][0]
    assert hit["title"] == "مقهى اللغة"
    assert hit["language"] == "ar"
    assert hit["url"] == "http://testserver/ar/angebote/sprachcafe/"
    assert hit["kind"] == "activity" and hit["categories"] == ["encounter-leisure"]
    assert hit["spoken_languages"] == ["de", "ar"]
    assert hit["town"] == "Weilheim i. OB"
    assert len(hit["next_dates"]) == 3 and hit["next_dates"][0]["start"] == "15:00"
    assert body["facets"]["category"] == {"encounter-leisure": 1}


def test_untranslated_offer_is_served_in_german(client, offers):
    body = client.get("/api/v1/offers/", {"q": "Fußball", "lang": "uk"}).json()
    assert body["results"][0]["title"] == "Fußball"
    assert body["results"][0]["language"] == "de"


@pytest.mark.parametrize("near", ["Peiting", "86971", "Пайтинг", "47.7955,10.9295"])
def test_near_a_place_name_postcode_or_point(client, offers, near):
    body = client.get("/api/v1/offers/", {"near": near, "radius_km": "5"}).json()
    assert [r["title"] for r in body["results"]] == ["Fußball"]
    assert body["results"][0]["distance_km"] < 3


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"radius_km": "abc", "near": "Peiting"}, "radius_km"),
        ({"radius_km": "5"}, "near"),
        ({"near": "91,10"}, "near"),
        ({"near": "Atlantis am Meer"}, "near"),
        ({"category": "nonsense"}, "category"),
        ({"free": "maybe"}, "free"),
        ({"open_on": "someday"}, "open_on"),
        ({"lang": "xx"}, "lang"),
        ({"sort": "random"}, "sort"),
        ({"page": "500", "page_size": "100"}, "page"),
    ],
)
def test_invalid_parameters_give_400_naming_them(client, offers, params, parameter):
    response = client.get("/api/v1/offers/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_parameters"
    assert parameter in body["parameters"]
    assert body["parameters"][parameter][0]["message"]


def test_error_messages_follow_lang(client, offers):
    body = client.get("/api/v1/offers/", {"near": "Atlantis am Meer", "lang": "en"}).json()
    assert body["parameters"]["near"][0]["message"].startswith("We could not find this place")
    body = client.get("/api/v1/offers/", {"near": "Atlantis am Meer", "lang": "de"}).json()
    assert "Ort" in body["parameters"]["near"][0]["message"]


def test_suggestions(client, offers):
    body = client.get("/api/v1/suggest/", {"q": "Sprach", "lang": "ar"}).json()
    assert body["suggestions"][0]["title"] == "مقهى اللغة"


def test_openapi_document_describes_every_parameter(client):
    from search.forms import OfferSearchForm

    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    described = {p["name"] for p in document["paths"]["/offers/"]["get"]["parameters"]}
    assert described == set(OfferSearchForm.base_fields)
    assert "400" in document["paths"]["/offers/"]["get"]["responses"]
