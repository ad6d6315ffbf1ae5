"""The JSON API: parameters, answers, errors and its OpenAPI description."""

import pytest

pytestmark = pytest.mark.django_db


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
        ({"time_of_day": "night"}, "time_of_day"),
        ({"time_of_day": "Morning\u202e"}, "time_of_day"),
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


# Digits other than ASCII 0-9: str.isdigit() says yes to all of these, int() only to some.
UNICODE_DIGITS = ["①", "²", "¹", "٣", "３", "৩"]


@pytest.mark.parametrize("value", [*UNICODE_DIGITS, " 1", "1 ", "7", "-1", "mon", "x" * 11])
def test_open_on_takes_ascii_weekday_numbers_only(client, db, value):
    response = client.get("/api/v1/offers/", {"open_on": value})
    assert response.status_code == 400
    assert response.json()["parameters"]["open_on"][0]["code"] == "invalid" or len(value) > 10


@pytest.mark.parametrize("value", ["0", "1", "6", "tuesday", "Tuesday", "TUESDAY", "today", ""])
def test_open_on_spellings(client, db, value):
    response = client.get("/api/v1/offers/", {"open_on": value})
    assert response.status_code == 200


def test_open_on_filters_by_weekday(client, offers):
    # Both offers meet on Tuesdays (weekday 1).
    assert client.get("/api/v1/offers/", {"open_on": "1"}).json()["count"] == 2
    assert client.get("/api/v1/offers/", {"open_on": "Tuesday"}).json()["count"] == 2
    assert client.get("/api/v1/offers/", {"open_on": "wednesday"}).json()["count"] == 0


@pytest.mark.parametrize(
    "params, parameter",
    [
        *(({"page": digit}, "page") for digit in UNICODE_DIGITS),
        ({"page_size": "٥"}, "page_size"),
        ({"radius_km": "٥", "near": "Peiting"}, "radius_km"),
        ({"page": "1_0"}, "page"),
        ({"page": " 2"}, "page"),
        ({"page": "2.5"}, "page"),
        ({"radius_km": "1_0", "near": "Peiting"}, "radius_km"),
        ({"radius_km": "nan", "near": "Peiting"}, "radius_km"),
        ({"near": "٤٧,١١"}, "near"),  # Arabic-Indic coordinates are not read as a point
    ],
)
def test_numbers_take_ascii_digits_only(client, db, params, parameter):
    response = client.get("/api/v1/offers/", params)
    assert response.status_code == 400
    assert parameter in response.json()["parameters"]


def test_plain_numbers_are_read(client, offers):
    response = client.get(
        "/api/v1/offers/", {"page": "1.0", "page_size": "+5", "near": "Peiting", "radius_km": "1e1"}
    )
    assert response.status_code == 200
    assert response.json()["page_size"] == 5
    assert [r["title"] for r in response.json()["results"]] == ["Fußball"]


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("q", "Sprach\x00cafe"),
        ("q", "Sprach\ncafe"),
        ("near", "\x00"),
        ("near", "Peiting\x07"),
        ("near", "Pei\u0085ting"),
        ("lang", "\x00"),
        ("open_on", "1\x00"),
        ("free", "1\x00"),
        ("page", "1\x00"),
        ("category", "sport\x00"),
        ("sort", "title\x00"),
    ],
)
def test_nul_and_control_characters_are_a_400(client, db, parameter, value):
    response = client.get("/api/v1/offers/", {parameter: value})
    assert response.status_code == 400
    assert response.json()["parameters"][parameter][0]["message"]


@pytest.mark.parametrize(
    "params",
    [
        {"near": "x" * 101},
        {"near": "ä" * 5000},
        {"near": "\u202eWeilheim"},
        {"near": "Weil\u202eheim, ٤٧"},
        {"near": "\ufeff\u200b"},
        {"near": "\U0001f600" * 100},
        {"lang": "de" * 1000},
        {"lang": "\u202ear"},
        {"lang": "DE"},
        {"q": "\u202e" * 200},
        {"q": "x" * 201},
    ],
)
def test_unusual_text_is_answered_not_a_server_error(client, db, params):
    response = client.get("/api/v1/offers/", params)
    assert response.status_code in (200, 400)
    assert response["Content-Type"] == "application/json"
    if response.status_code == 400:
        assert set(response.json()["parameters"]) == set(params)


@pytest.mark.parametrize("value", ["", "1", "0", "TRUE", "off", "Yes"])
def test_flags_accept_documented_spellings_and_empty(client, db, value):
    assert client.get("/api/v1/offers/", {"free": value, "lang": ""}).status_code == 200


def test_unknown_parameters_are_ignored(client, offers):
    plain = client.get("/api/v1/offers/").json()
    assert client.get("/api/v1/offers/", {"colour": "blue", "q ": "x"}).json() == plain


@pytest.mark.parametrize("path", ["/api/v1/offers/", "/api/v1/suggest/", "/api/v1/openapi.json"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_other_methods_get_json_405_with_allow(path, method, db):
    from django.test import Client

    # The test client skips CSRF checks by default; a real browser or script does not.
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(path, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "method_not_allowed"


def test_head_is_answered_like_get(client, offers):
    response = client.head("/api/v1/offers/", {"q": "Sprachcafe"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == b""


def test_too_many_parameters_is_a_json_400(client, offers, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = client.get("/api/v1/offers/", {f"p{n}": "x" for n in range(6)})
    assert response.status_code == 400
    assert response.json()["error"] == "too_many_parameters"


def test_rate_limit_per_address_at_its_edge(client, offers):
    from django.conf import settings
    from django.test import override_settings

    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "api": (3, 60)}):
        assert client.get("/api/v1/offers/").status_code == 200
        assert client.get("/api/v1/suggest/", {"q": "Spr"}).status_code == 200
        assert client.get("/api/v1/offers/", {"page": "x"}).status_code == 400  # counts too
        response = client.get("/api/v1/offers/")
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        body = response.json()
        assert body["error"] == "too_many_requests"
        assert body["retry_after"] == int(response["Retry-After"])
        assert client.get("/api/v1/suggest/", {"q": "Spr"}).status_code == 429
        # Another address has its own count.
        assert client.get("/api/v1/offers/", REMOTE_ADDR="192.0.2.7").status_code == 200
        # The description itself is not counted.
        assert client.get("/api/v1/openapi.json").status_code == 200


def test_refusals_are_json_in_the_language_asked_for(client, db):
    from django.conf import settings
    from django.test import override_settings

    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "api": (0, 60)}):
        response = client.get("/api/v1/offers/", {"lang": "en"})
    assert response.status_code == 429
    assert response.json()["message"].startswith("Too many requests")


def test_openapi_document_describes_errors_and_limits(client):
    document = client.get("/api/v1/openapi.json").json()
    for path in ("/offers/", "/suggest/"):
        responses = document["paths"][path]["get"]["responses"]
        assert {"200", "400", "429"} <= set(responses)
        assert responses["429"]["headers"]["Retry-After"]["required"] is True
    description = document["info"]["description"]
    assert "405" in description and "Allow" in description
    assert "Unknown parameters are ignored" in description


def _admits(schema: dict, text: str) -> bool:
    """Whether ``schema`` admits ``text`` as sent in a query string (numbers read as numbers)."""
    # jsonschema_rs comes with schemathesis; it validates as the schemathesis run does.
    import jsonschema_rs

    validator = jsonschema_rs.validator_for(schema)
    candidates: list[object] = [text]
    if text.isascii() and "_" not in text and text == text.strip():
        for parse in (int, float):
            try:
                candidates.append(parse(text))
            except ValueError:
                pass
    return any(validator.is_valid(value) for value in candidates)


@pytest.mark.parametrize(
    "parameter, value",
    [
        *(("lang", v) for v in ["", "de", "ar", "xx", "DE", "\x00"]),
        *(("free", v) for v in ["", "1", "TRUE", "Off", "maybe", " 1", "\x00"]),
        *(("open_on", v) for v in ["", "0", "6", "7", "①", "٣", "Monday", "TODAY", " 1", "\x00"]),
        *(("q", v) for v in ["", "Sprachcafe", "a\x00b", "a\tb", "x" * 200, "x" * 201, " " * 201]),
        *(("near", v) for v in ["", "Peiting", "\x00", "Pei\nting", "x" * 101]),
        *(("radius_km", v) for v in ["", "5", "0.1", "300", "0.05", "301", "٥", "1_0", " 5", "x"]),
        *(("page", v) for v in ["", "1", "2.0", "0", "٣", "1_0", "10001"]),
        *(("page_size", v) for v in ["", "1", "100", "101", "0", "5.5"]),
        *(("sort", v) for v in ["", "title", "random", "\x00"]),
        *(("category", v) for v in ["sport", "", "nonsense"]),
    ],
)
def test_parameter_schemas_admit_exactly_what_the_api_accepts(client, db, parameter, value):
    document = client.get("/api/v1/openapi.json").json()
    (described,) = (
        p for p in document["paths"]["/offers/"]["get"]["parameters"] if p["name"] == parameter
    )
    schema = described["schema"]
    if schema.get("type") == "array":  # repeated parameter: each value is one item
        schema = schema["items"]
    params = {parameter: value, **({"near": "Peiting"} if parameter == "radius_km" else {})}
    response = client.get("/api/v1/offers/", params)
    accepted = response.status_code == 200
    assert accepted or parameter in response.json()["parameters"]
    assert accepted == _admits(schema, value)
