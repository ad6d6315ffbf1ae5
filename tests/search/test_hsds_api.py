"""The HSDS 3.0 read API under /hsds/: shapes against hand-written schemas, paging, ids,
languages, filters, search, what is never shown, and errors that stay JSON."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import jsonschema_rs
import pytest

from directory.hsds.ids import uid
from directory.hsds.taxonomy import taxonomy_id
from search import hsds_http
from tests.directory.test_hsds_package import HOSTILE_TITLE, Directory, make_directory

pytestmark = pytest.mark.django_db

SCHEMA_FOLDER = Path(__file__).parent / "hsds_schemas"
_SCHEMAS = {path.stem: json.loads(path.read_text()) for path in SCHEMA_FOLDER.glob("*.json")}
_REGISTRY = jsonschema_rs.Registry([(schema["$id"], schema) for schema in _SCHEMAS.values()])
VALIDATORS = {
    name: jsonschema_rs.validator_for(schema, registry=_REGISTRY, validate_formats=True)
    for name, schema in _SCHEMAS.items()
}
LISTS = {
    "/hsds/services": "service",
    "/hsds/services?full=true": "service",
    "/hsds/services?minimal=true": "service",
    "/hsds/organizations": "organization",
    "/hsds/organizations?full=1&full_service=1": "organization",
    "/hsds/service_at_locations": "service_at_location",
    "/hsds/service_at_locations?full=1": "service_at_location",
    "/hsds/locations": "location",
    "/hsds/taxonomies": "taxonomy",
    "/hsds/taxonomy_terms": "taxonomy_term",
}
DETAILS = {
    "/hsds/services": "service",
    "/hsds/organizations": "organization",
    "/hsds/service_at_locations": "service_at_location",
    "/hsds/locations": "location",
    "/hsds/taxonomies": "taxonomy",
    "/hsds/taxonomy_terms": "taxonomy_term",
}


def assert_valid(schema: str, instance) -> None:
    errors = [f"{e.instance_path}: {e.message}" for e in VALIDATORS[schema].iter_errors(instance)]
    assert not errors, errors[:5]


@pytest.fixture
def directory(site_tree) -> Directory:
    """The package tests' offers (not indexed for search: most tests need no search)."""
    return make_directory(site_tree)


@pytest.fixture
def indexed_directory(site_tree, django_capture_on_commit_callbacks) -> Directory:
    """The same, indexed for search as publishing does after the commit."""
    with django_capture_on_commit_callbacks(execute=True):
        return make_directory(site_tree)


def get(client, url: str, params: dict | None = None, status: int = 200):
    response = client.get(url, params or {})
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def test_hand_written_schemas_refuse_what_hsds_refuses():
    """The checks below would catch a wrong answer: each schema says no to a broken object."""
    good = {"id": str(uuid.uuid4()), "name": "Sprachcafé", "status": "active"}
    assert VALIDATORS["service"].is_valid(good)
    for broken in (
        {**good, "status": "open"},
        {k: v for k, v in good.items() if k != "name"},
        {**good, "id": "42"},
        {**good, "email": "nobody"},
        {**good, "url": "not a uri"},
        {**good, "last_modified": "yesterday"},
        {**good, "schedules": [{"id": good["id"], "freq": "DAILY"}]},
        {**good, "schedules": [{"id": good["id"], "wkst": "XX"}]},
        {**good, "schedules": [{"id": good["id"], "byday": "MONDAY"}]},
        {**good, "schedules": [{"id": good["id"], "opens_at": "25:00"}]},
        {**good, "translations": {"xx": {"name": "?"}}},
        {**good, "undocumented": "addition"},
    ):
        assert not VALIDATORS["service"].is_valid(broken), broken
    assert not VALIDATORS["page"].is_valid({"total_items": 1, "contents": []})


def test_index_names_version_and_openapi(client):
    body = get(client, "/hsds/")
    assert body["version"] == "3.0"
    assert body["openapi_url"] == "http://testserver/hsds/openapi.json"
    document = get(client, "/hsds/openapi.json")
    assert {"/services", "/services/{id}", "/locations", "/package.zip"} <= set(document["paths"])
    assert "translations" in document["info"]["description"]


@pytest.mark.parametrize("url, schema", LISTS.items())
def test_lists_are_hsds_pages_of_valid_entities(client, directory, url, schema):
    response = client.get(url)
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Content-Language"] == "de"
    body = response.json()
    assert_valid("page", body)
    assert body["size"] == len(body["contents"]) > 0
    for entity in body["contents"]:
        assert_valid(schema, entity)


@pytest.mark.parametrize("url, schema", DETAILS.items())
def test_each_listed_entity_is_served_by_its_id(client, directory, url, schema):
    for entity in get(client, url)["contents"]:
        one = get(client, f"{url}/{entity['id']}")
        assert_valid(schema, one)
        assert one["id"] == entity["id"]


def test_a_full_service_nests_everything(client, directory):
    service = get(client, f"/hsds/services/{uid('offer', directory.cafe.pk)}")
    assert service["organization"]["name"] == "Helferkreis Asyl"
    assert [s["byday"] for s in service["schedules"] if "count" not in s] == ["TU", "TH"]
    assert [link["location"]["name"] for link in service["service_at_locations"][:1]] == [
        "Mehrgenerationenhaus"
    ]
    assert {language["code"] for language in service["languages"]} == {"de", "ar", "fa"}
    assert service["cost_options"][0]["amount"] == 0
    assert service["phones"][0]["contact_id"] == service["contacts"][0]["id"]
    assert len(service["attributes"]) == 10


def test_ids_are_stable_uuids(client, directory):
    first = [s["id"] for s in get(client, "/hsds/services")["contents"]]
    again = [s["id"] for s in get(client, "/hsds/services")["contents"]]
    assert first == again and len(first) == 3
    assert all(uuid.UUID(value).version == 5 for value in first)
    assert uid("offer", directory.cafe.pk) in first


def test_farsi_where_written_german_elsewhere(client, directory):
    body = get(client, "/hsds/services", {"language": "fa", "full": "1"})
    by_id = {s["id"]: s for s in body["contents"]}
    cafe = by_id[uid("offer", directory.cafe.pk)]
    football = by_id[uid("offer", directory.football.pk)]
    assert cafe["name"] == "کافه زبان"
    assert cafe["summary"] == "آلمانی صحبت کنید با قهوه."
    assert cafe["schedules"][0]["notes"] == "نه در تعطیلات مدرسه"
    place = cafe["service_at_locations"][0]["location"]
    assert place["transportation"] == "اتوبوس ۹۶۵۱"
    assert cafe["application_process"] == "Bitte kurz anrufen"  # no Farsi: German
    assert football["name"] == "Fußball" and football["fees_description"] == "5 € im Monat"
    assert set(cafe["translations"]) == {"de", "fa"}
    assert set(football["translations"]) == {"de"}
    assert cafe["url"] == "http://testserver/fa/angebote/sprachcafe/"
    term = cafe["attributes"][0]["taxonomy_term"]
    assert term["language"] == "fa"


@pytest.mark.parametrize("language", ["xx", "DE", "de-at", "en,de", "فا"])
def test_unknown_language_is_400_with_a_message(client, language):
    body = get(client, "/hsds/services", {"language": language}, status=400)
    assert body["parameter"] == "language" and "de" in body["message"]


def test_hostile_title_comes_back_as_plain_json_text(client, directory):
    response = client.get(f"/hsds/services/{uid('offer', directory.hostile.pk)}")
    assert response.json()["name"] == HOSTILE_TITLE
    # Data, not markup: JSON's own escaping of the quotes, nothing else done to it.
    assert json.dumps(HOSTILE_TITLE, ensure_ascii=False).encode() in response.content
    assert b"&lt;" not in response.content


def test_unpublished_and_expired_offers_are_nowhere(client, directory):
    hidden = (directory.draft, directory.expired, directory.future)
    everything = b""
    for url in [*LISTS, "/hsds/services?per_page=100&full=1", "/hsds/locations?per_page=100"]:
        everything += client.get(url).content
    everything += client.get("/hsds/package.zip").content  # compressed, so check the ids too
    for offer in hidden:
        assert offer.title.encode() not in everything
        assert uid("offer", offer.pk).encode() not in everything
        get(client, f"/hsds/services/{uid('offer', offer.pk)}", status=404)
        for place in offer.locations.all():
            get(client, f"/hsds/locations/{uid('location', place.pk)}", status=404)
            get(
                client,
                f"/hsds/service_at_locations/{uid('service_at_location', place.pk)}",
                status=404,
            )


@pytest.mark.parametrize("url", list(DETAILS))
def test_unknown_or_malformed_ids_are_404_json(client, directory, url):
    """Not a redirect to a language-prefixed HTML page either (cms.language_redirect)."""
    for wrong in (
        "xyz",
        str(uuid.uuid4()),
        "00000000-0000-0000-0000-000000000000",
        "%E2%80%AE",
        "1",
        "-1",
        "١٢",
        uid("offer", directory.cafe.pk)[:-1],
    ):
        body = get(client, f"{url}/{wrong}", status=404)
        assert body["error"] == "not_found" and body["message"]


@pytest.mark.parametrize(
    "path", ["nope", "services/a/b", "services/", "../admin/", "%3Cscript%3E", "package.zip/x"]
)
def test_any_other_address_under_hsds_is_a_json_404(client, path):
    body = get(client, f"/hsds/{path}", status=404)
    assert body["error"] == "not_found" and body["message"]


def test_an_id_of_another_kind_is_404(client, directory):
    organisation_id = uid("organisation", directory.organisation.pk)
    get(client, f"/hsds/services/{organisation_id}", status=404)
    get(client, f"/hsds/organizations/{organisation_id}", status=200)
    get(client, f"/hsds/services/{uid('offer', directory.cafe.pk).upper()}", status=200)


def test_paging_edges(client, directory):
    first = get(client, "/hsds/services", {"per_page": "2"})
    assert (first["total_items"], first["total_pages"], first["size"]) == (3, 2, 2)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    last = get(client, "/hsds/services", {"per_page": "2", "page": "2"})
    assert last["size"] == 1 and last["last_page"] and not last["first_page"]
    beyond = get(client, "/hsds/services", {"per_page": "2", "page": "3"})
    assert beyond["contents"] == [] and beyond["empty"] and beyond["last_page"]
    assert beyond["page_number"] == 3 and beyond["total_items"] == 3
    assert_valid("page", beyond)
    ids = [s["id"] for page in (first, last) for s in page["contents"]]
    assert len(set(ids)) == 3  # no entry twice, none left out


def test_per_page_is_capped(client, directory, monkeypatch):
    default = get(client, "/hsds/taxonomy_terms")
    assert default["size"] == min(50, default["total_items"])
    monkeypatch.setattr(hsds_http, "MAX_PER_PAGE", 4)
    capped = get(client, "/hsds/taxonomy_terms", {"per_page": "5"})
    assert capped["size"] == 4 and capped["total_pages"] == -(-capped["total_items"] // 4)
    assert get(client, "/hsds/taxonomy_terms", {"per_page": "4"})["size"] == 4


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("page", "0"),
        ("page", "-1"),
        ("page", "abc"),
        ("page", "1.5"),
        ("page", "١"),
        ("page", "１"),
        ("page", "1_0"),
        ("page", "99999999999999999999999"),
        ("page", str(hsds_http.MAX_PAGE + 1)),
        ("per_page", "0"),
        ("per_page", "-5"),
        ("per_page", "٣"),
        ("per_page", "1e3"),
        ("per_page", str(hsds_http.MAX_ASKED + 1)),
        ("full", "maybe"),
        ("taxonomy_term_id", "not-a-uuid"),
        ("organization_id", "42"),
        ("modified_after", "yesterday"),
        ("modified_after", "٢٠٢٤-٠١-٠١"),
        ("modified_after", "2024-13-01"),
        ("modified_after", "9999-12-31T23:59:59-05:00"),
        ("modified_after", "0001-01-01T00:00:00+05:00"),
        ("search", "a\nb"),
        ("search", "x" * 201),
    ],
)
def test_bad_parameters_are_400_naming_them(client, site_tree, parameter, value):
    body = get(client, "/hsds/services", {parameter: value}, status=400)
    assert body["parameter"] == parameter and body["message"]


NASTY_VALUES = (
    " ",
    "-0",
    "+1",
    "0x10",
    "٣",
    "Ⅷ",
    "\u202e1",
    "\x00",
    "9" * 400,
    "null",
    "[]",
    "2024-02-30",
    "1" * 5000,
    "%",
)
READ_PARAMETERS = (
    "page",
    "per_page",
    "language",
    "search",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "minimal",
    "full",
    "full_service",
    "postcode",
    "proximity",
    "top_only",
    "parent_id",
)


@pytest.mark.parametrize("url", ["/hsds/services", "/hsds/service_at_locations"])
def test_no_parameter_value_gives_a_server_error(client, directory, settings, url):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (10_000, 60)}
    for parameter in READ_PARAMETERS:
        for value in NASTY_VALUES:
            response = client.get(url, {parameter: value, "postcode": "82362"})
            assert response.status_code in (200, 400), (parameter, value, response.status_code)
            assert response["Content-Type"] == "application/json"


def test_the_api_rate_limit_answers_in_json(client, site_tree, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (2, 60)}
    assert [client.get("/hsds/taxonomies").status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get("/hsds/services")
    assert refused.json()["error"] == "too_many_requests" and int(refused["Retry-After"]) > 0


def test_largest_accepted_numbers(client, directory):
    get(client, "/hsds/services", {"page": str(hsds_http.MAX_PAGE)})
    assert get(client, "/hsds/services", {"per_page": str(hsds_http.MAX_ASKED)})["size"] == 3


def test_filters(client, directory):
    def names(**params):
        return sorted(s["name"] for s in get(client, "/hsds/services", params)["contents"])

    terms = {
        t["code"]: t["id"]
        for t in get(client, "/hsds/taxonomy_terms", {"per_page": "100"})["contents"]
    }
    assert names(taxonomy_term_id=terms["category:sport"]) == ["Fußball"]
    assert names(taxonomy_term_id=terms["kind:club_offer"]) == ["Fußball"]
    assert names(taxonomy_term_id=terms["feature:childcare"]) == ["Sprachcafé"]
    assert len(names(taxonomy_term_id=terms["category"])) == 3
    assert names(taxonomy_term_id=str(uuid.uuid4())) == []
    assert len(names(taxonomy_id=taxonomy_id())) == 3
    assert names(taxonomy_id=str(uuid.uuid4())) == []
    own = uid("organisation", directory.organisation.pk)
    assert names(organization_id=own) == ["Fußball", "Sprachcafé"]
    assert names(organization_id=uid("organisation", 999_999)) == []
    assert len(names(modified_after="2000-01-01")) == 3
    assert names(modified_after="2999-01-01T00:00:00Z") == []


def test_search_finds_what_the_site_search_finds(client, indexed_directory):
    body = get(client, "/hsds/services", {"search": "Sprachcafe"})
    assert [s["name"] for s in body["contents"]] == ["Sprachcafé"]
    for text in ("Sprachcafe", "Fußball", "Entwurf geheim", "Abgelaufen"):
        api = client.get("/api/v1/offers/", {"q": text, "page_size": "100"}).json()["results"]
        found = get(client, "/hsds/services", {"search": text, "per_page": "100"})["contents"]
        assert [s["id"] for s in found] == [uid("offer", hit["id"]) for hit in api]
        hidden = (indexed_directory.draft, indexed_directory.expired)
        assert not {uid("offer", o.pk) for o in hidden} & {s["id"] for s in found}
    sport = uid("taxonomy_term", "category:sport")
    combined = {"search": "Sprachcafe", "taxonomy_term_id": sport}
    assert get(client, "/hsds/services", combined)["contents"] == []


def test_service_at_locations_by_postcode(client, directory):
    at_peiting = get(client, "/hsds/service_at_locations", {"postcode": "86971"})
    assert at_peiting["total_items"] == 2  # the café's second place and the football pitch
    assert {c["location"]["addresses"][0]["city"] for c in at_peiting["contents"]} == {"Peiting"}
    near = get(client, "/hsds/service_at_locations", {"postcode": "82362", "proximity": "3000"})
    # The café's first place and the hostile offer's (the factory's default place).
    assert [c["location"].get("name") for c in near["contents"]] == ["Mehrgenerationenhaus"] * 2
    assert get(client, "/hsds/service_at_locations", {"postcode": "99999"})["contents"] == []
    without = {"proximity": "1000"}
    assert get(client, "/hsds/service_at_locations", without, status=400)["parameter"] == "postcode"
    unknown = {"postcode": "00000", "proximity": "10"}
    assert get(client, "/hsds/service_at_locations", unknown, status=400)["parameter"] == "postcode"


def test_taxonomy_terms_by_parent(client, directory):
    parents = get(client, "/hsds/taxonomy_terms", {"top_only": "true"})["contents"]
    assert [t["code"] for t in parents] == [
        "kind",
        "category",
        "target-group",
        "format",
        "feature",
        "organisation-type",
    ]
    category = parents[1]["id"]
    children = get(client, "/hsds/taxonomy_terms", {"parent_id": category, "per_page": "100"})
    assert {t["code"] for t in children["contents"]} >= {"category:sport", "category:health"}
    assert all(t["parent_id"] == category for t in children["contents"])
    assert get(client, f"/hsds/taxonomies/{taxonomy_id()}")["name"] == "gemeinsam"


def test_organisation_lists_its_public_services(client, directory):
    own = uid("organisation", directory.organisation.pk)
    brief = get(client, f"/hsds/organizations/{own}")
    assert sorted(s["name"] for s in brief["services"]) == ["Fußball", "Sprachcafé"]
    full = get(client, f"/hsds/organizations/{own}", {"full_service": "true"})
    assert all("schedules" in s for s in full["services"])
    assert_valid("organization", full)


def test_only_get(client):
    response = client.post("/hsds/services")
    assert response.status_code == 405 and response["Allow"] == "GET"


def test_package_download_and_its_limit(client, directory, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "hsds_package": (2, 3600)}
    for _attempt in range(2):
        response = client.get("/hsds/package.zip", {"language": "fa"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"].startswith('attachment; filename="gemeinsam-hsds-')
        assert response.content.startswith(b"PK")
    refused = client.get("/hsds/package.zip")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert refused.json()["error"] == "too_many_requests"
