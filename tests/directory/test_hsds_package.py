"""The HSDS 3.0 tabular data package: ids, tables against datapackage.json, keys, content.

The package is read back the way an importer would, with the csv module and a
second tool (SQLite, which enforces the declared keys itself), and compared with
the offers it came from.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
import uuid
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.hsds.ids import match_uids, normalise, parse_uid, uid
from directory.hsds.package import build_package
from directory.hsds.schedules import first_weekday, utc_offset
from directory.models import OfferPage
from directory.plain_text import text_to_rich_text
from tests.factories import SiteTree, make_offer, make_organisation

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = '</script><img src=x onerror="alert(1)">, "quoted"'
HOSTILE_SUMMARY = 'Zeile eins, mit Komma und "Anführung"\nZeile zwei; <b>kein HTML</b>'


@dataclass
class Directory:
    """What the HSDS tests publish, and what they keep out."""

    organisation: object
    cafe: OfferPage  # German and Farsi, weekly time, a date, contact, wheelchair
    football: OfferPage  # German only, costs, club offer, sport
    hostile: OfferPage
    draft: OfferPage  # never published
    expired: OfferPage  # published, validity ended yesterday
    future: OfferPage  # published, validity starts tomorrow


def make_directory(tree: SiteTree) -> Directory:
    """Public offers in two languages, and offers nobody may see (in any HSDS answer)."""
    today = timezone.localdate()
    organisation = make_organisation(
        tree,
        "Helferkreis Asyl",
        email="info@helferkreis.example",
        phone="0881 5550100",
        website="https://helferkreis.example/",
    )
    cafe = make_offer(
        tree,
        "Sprachcafé",
        slug="sprachcafe",
        organisation=organisation,
        title_fa="کافه زبان",
        summary_fa="آلمانی صحبت کنید با قهوه.",
        description_de=text_to_rich_text("Wir sprechen Deutsch.\n\nKinder dürfen mitkommen."),
        description_fa=text_to_rich_text("ما آلمانی صحبت می کنیم."),
        schedule_note_de="Nicht in den Schulferien",
        schedule_note_fa="نه در تعطیلات مدرسه",
        categories=("language-education", "encounter-leisure"),
        target_groups=("everyone", "women"),
        languages=("de", "ar", "fa"),
        slots=((1, "15:00", "17:00"), (3, "09:30", "11:00")),
        dates=(dt.date(2031, 7, 5),),
        valid_from=dt.date(2024, 1, 15),
        contact_name="Amal Haddad",
        contact_phone="0881 5550123",
        contact_email="amal@example.org",
        messenger="Signal: 0151 5550123",
        website="https://sprachcafe.example/",
        wheelchair_accessible=True,
        childcare=True,
        interpreter_available=True,
        registration_required=True,
        registration_note_de="Bitte kurz anrufen",
        places=(
            {
                "name": "Mehrgenerationenhaus",
                "street": "Pöltnerstraße 12",
                "postcode": "82362",
                "town": "Weilheim i. OB",
                "latitude": 47.8415,
                "longitude": 11.1548,
                "transit_note_de": "Bus 9651, Haltestelle Marienplatz",
                "transit_note_fa": "اتوبوس ۹۶۵۱",
            },
            {"postcode": "86971", "town": "Peiting"},
        ),
    )
    football = make_offer(
        tree,
        "Fußball",
        slug="fussball",
        organisation=organisation,
        kind="club_offer",
        categories=("sport",),
        target_groups=("youth",),
        is_free=False,
        cost_note_de="5 € im Monat",
        slots=(),
        places=({"postcode": "86971", "town": "Peiting", "street": "Am Sportplatz 1"},),
    )
    hostile = make_offer(
        tree, HOSTILE_TITLE, slug="hostile", summary=HOSTILE_SUMMARY, summary_de=HOSTILE_SUMMARY
    )
    draft = make_offer(tree, "Entwurf geheim", slug="entwurf", publish=False)
    expired = make_offer(
        tree, "Abgelaufen geheim", slug="abgelaufen", valid_until=today - dt.timedelta(days=1)
    )
    future = make_offer(
        tree, "Zukunft geheim", slug="zukunft", valid_from=today + dt.timedelta(days=1)
    )
    return Directory(organisation, cafe, football, hostile, draft, expired, future)


@pytest.fixture
def directory(site_tree) -> Directory:
    return make_directory(site_tree)


# --- Reading the package ----------------------------------------------------------------


@dataclass
class Package:
    descriptor: dict
    tables: dict[str, list[dict[str, str]]]  # resource name → rows
    headers: dict[str, list[str]]
    raw: dict[str, bytes]

    def resource(self, name: str) -> dict:
        return next(r for r in self.descriptor["resources"] if r["name"] == name)

    def rows(self, name: str, **where: str) -> list[dict[str, str]]:
        return [row for row in self.tables[name] if all(row[k] == v for k, v in where.items())]

    def texts(self, table: str, entity_id: str) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for row in self.rows("translation", table=table, id=entity_id):
            found.setdefault(row["language"], {})[row["field"]] = row["value"]
        return found


def read_package(content: bytes) -> Package:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        raw = {name: archive.read(name) for name in archive.namelist()}
    descriptor = json.loads(raw["datapackage.json"].decode("utf-8"))
    tables, headers = {}, {}
    for resource in descriptor["resources"]:
        text = raw[resource["path"]].decode("utf-8")
        reader = csv.reader(io.StringIO(text, newline=""))
        header, *rows = list(reader)
        headers[resource["name"]] = header
        tables[resource["name"]] = [dict(zip(header, row, strict=True)) for row in rows]
    return Package(descriptor, tables, headers, raw)


@pytest.fixture
def package(directory) -> Package:
    return read_package(build_package())


# --- Identifiers ------------------------------------------------------------------------


def test_ids_are_stable_uuid5_of_our_namespace(settings):
    first = uid("offer", 42)
    assert first == uid("offer", 42) and uuid.UUID(first).version == 5
    assert uid("offer", 43) != first and uid("location", 42) != first
    settings.HSDS_NAMESPACE = str(uuid.uuid4())
    assert uid("offer", 42) != first  # another installation, other ids


def test_own_ids_are_recognised_among_candidates_only():
    ours = uid("offer", 7)
    assert parse_uid(ours, "offer", [5, 6, 7]) == ("offer", 7)
    assert parse_uid(ours.upper(), "offer", [7]) == ("offer", 7)
    assert parse_uid(ours, "offer", [5, 6]) is None  # e.g. the offer was deleted
    assert parse_uid(ours, "location", [7]) is None
    assert parse_uid(str(uuid.uuid4()), "offer", range(100)) is None
    foreign = str(uuid.uuid4())
    assert match_uids([ours, foreign, "nonsense"], "offer", range(10)) == {ours: 7}


@pytest.mark.parametrize(
    "value",
    ["", "xyz", "{" + "0" * 32 + "}", "0" * 32, "urn:uuid:" + "0" * 32, "١" * 36, None],
)
def test_malformed_ids_are_not_uuids(value):
    assert normalise(value) is None


# --- The tables against datapackage.json ------------------------------------------------

_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _check_value(value: str, field: dict) -> None:
    kind, form = field["type"], field.get("format")
    if kind == "date":
        dt.date.fromisoformat(value)
    elif kind == "datetime":
        assert value.endswith("Z"), value
        dt.datetime.fromisoformat(value)
    elif kind == "time":
        assert _TIME.fullmatch(value), value
    elif kind == "number":
        float(value)
    elif form == "uuid":
        assert normalise(value) == value, value
    elif form == "email":
        assert _EMAIL.fullmatch(value), value
    elif form == "uri":
        parts = urlsplit(value)
        assert parts.scheme in ("http", "https") and parts.netloc, value
    if enum := field.get("constraints", {}).get("enum"):
        assert value in enum, (field["name"], value)


def test_every_csv_matches_its_field_list(package):
    assert package.descriptor["profile"] == "tabular-data-package"
    listed = {r["path"] for r in package.descriptor["resources"]} | {"datapackage.json"}
    assert set(package.raw) == listed
    for resource in package.descriptor["resources"]:
        assert resource["profile"] == "tabular-data-resource" and resource["format"] == "csv"
        fields = resource["schema"]["fields"]
        assert package.headers[resource["name"]] == [f["name"] for f in fields]
        for row in package.tables[resource["name"]]:
            for field in fields:
                value = row[field["name"]]
                if not value:
                    assert not field.get("constraints", {}).get("required"), (resource, field)
                    continue
                _check_value(value, field)
        key = resource["schema"]["primaryKey"]
        key = [key] if isinstance(key, str) else key
        keys = [tuple(row[k] for k in key) for row in package.tables[resource["name"]]]
        assert len(keys) == len(set(keys)), resource["name"]


def test_csv_is_utf8_with_crlf_and_rfc4180_quoting(package):
    services = package.raw["services.csv"].decode("utf-8")
    assert services.startswith("id,organization_id,name,")
    # Records end in CRLF; a line break inside a text stays a bare LF in a quoted cell.
    assert services.count("\r\n") == len(package.tables["service"]) + 1
    assert (
        services.endswith("\r\n") and '"Zeile eins, mit Komma und ""Anführung""\nZeile' in services
    )
    # The quote in the title is doubled inside a quoted cell.
    assert '"</script><img src=x onerror=""alert(1)"">, ""quoted"""' in services


def test_foreign_keys_resolve(package):
    ids = {
        name: {row["id"] for row in rows if "id" in row} for name, rows in package.tables.items()
    }
    checked = 0
    for resource in package.descriptor["resources"]:
        for key in resource["schema"].get("foreignKeys", []):
            target = key["reference"]["resource"] or resource["name"]
            assert target in ids, key
            for row in package.tables[resource["name"]]:
                if value := row[key["fields"]]:
                    assert value in ids[target], (resource["name"], key["fields"], value)
                    checked += 1
    assert checked > 20  # the check looked at real links, not at empty tables


def test_sqlite_loads_the_package_with_its_keys(package):
    """A second reader: SQLite, told the declared keys, finds no broken link itself."""
    database = sqlite3.connect(":memory:")
    for resource in package.descriptor["resources"]:
        schema = resource["schema"]
        key = schema["primaryKey"]
        key = [key] if isinstance(key, str) else key
        columns = [f'"{f["name"]}" TEXT' for f in schema["fields"]]
        columns.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in key) + ")")
        for fk in schema.get("foreignKeys", []):
            target = fk["reference"]["resource"] or resource["name"]
            columns.append(f'FOREIGN KEY ("{fk["fields"]}") REFERENCES "{target}" ("id")')
        database.execute(f'CREATE TABLE "{resource["name"]}" ({", ".join(columns)})')
    for resource in package.descriptor["resources"]:
        header = package.headers[resource["name"]]
        marks = ", ".join("?" for _ in header)
        database.executemany(
            f'INSERT INTO "{resource["name"]}" VALUES ({marks})',  # noqa: S608 - our own names
            [[row[h] or None for h in header] for row in package.tables[resource["name"]]],
        )
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []
    count = database.execute("SELECT count(*) FROM service").fetchone()[0]
    assert count == 3  # café, football and the hostile title; nothing hidden


# --- What the package holds -------------------------------------------------------------


def test_only_public_current_offers_are_in_the_package(package, directory):
    public = {directory.cafe.pk, directory.football.pk, directory.hostile.pk}
    services = {row["id"] for row in package.tables["service"]}
    assert {uid("offer", pk) for pk in public} <= services
    everything = b"".join(package.raw.values()).decode("utf-8")
    for hidden in (directory.draft, directory.expired, directory.future):
        assert uid("offer", hidden.pk) not in everything
        assert hidden.title not in everything
        for place in hidden.locations.all():
            assert uid("location", place.pk) not in everything


def test_hostile_text_is_kept_as_written(package, directory):
    row = package.rows("service", id=uid("offer", directory.hostile.pk))[0]
    assert row["name"] == HOSTILE_TITLE
    assert row["summary"] == HOSTILE_SUMMARY


def _weekday(code: str) -> int:
    return ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].index(code)


def test_an_offer_can_be_rebuilt_from_the_package(package, directory):
    """Everything an importer needs is there, and means one thing only."""
    offer = directory.cafe
    service_id = uid("offer", offer.pk)
    service = package.rows("service", id=service_id)[0]
    texts = package.texts("service", service_id)
    assert texts["de"]["name"] == "Sprachcafé" and texts["fa"]["name"] == "کافه زبان"
    assert texts["fa"]["summary"] == offer.summary_fa
    assert texts["fa"]["description_html"] == offer.description_fa
    assert set(texts) == {"de", "fa"}  # no language the offer is not written in
    assert service["description"] == (
        f"{offer.summary_de}\n\nWir sprechen Deutsch.\n\nKinder dürfen mitkommen."
    )
    assert service["valid_from"] == "2024-01-15" and service["valid_to"] == ""
    assert service["email"] == "amal@example.org" and service["messenger"] == offer.messenger
    assert service["website"] == offer.website
    assert service["application_process"] == "Bitte kurz anrufen"
    assert service["assured_date"] == offer.last_confirmed.isoformat()
    assert service["organization_id"] == uid("organisation", directory.organisation.pk)

    terms = {row["id"]: row["code"] for row in package.tables["taxonomy_term"]}
    codes = {
        terms[row["taxonomy_term_id"]]
        for row in package.rows("attribute", link_id=service_id, link_entity="service")
    }
    assert codes == {
        "kind:activity",
        "category:language-education",
        "category:encounter-leisure",
        "target-group:everyone",
        "target-group:women",
        "format:in_person",
        "feature:childcare",
        "feature:interpreter_available",
        "feature:registration_required",
        "feature:wheelchair_accessible",
    }
    assert [row["code"] for row in package.rows("language", service_id=service_id)] == [
        "de",
        "ar",
        "fa",
    ]
    assert package.rows("cost_option", service_id=service_id)[0]["amount"] == "0"
    football = package.rows("cost_option", service_id=uid("offer", directory.football.pk))[0]
    assert football["amount"] == "" and football["amount_description"] == "5 € im Monat"

    schedules = package.rows("schedule", service_id=service_id)
    weekly = [
        (_weekday(s["byday"]), s["opens_at"], s["closes_at"]) for s in schedules if not s["count"]
    ]
    assert weekly == [(1, "15:00:00", "17:00:00"), (3, "09:30:00", "11:00:00")]
    single = [(s["dtstart"], s["opens_at"], s["closes_at"]) for s in schedules if s["count"]]
    assert single == [("2031-07-05", "10:00:00", "12:00:00")]
    for schedule in schedules:
        assert schedule["notes"] == "Nicht in den Schulferien"
        assert package.texts("schedule", schedule["id"])["fa"]["notes"] == "نه در تعطیلات مدرسه"
        assert schedule["wkst"] == "MO" and schedule["freq"] == "WEEKLY"

    links = package.rows("service_at_location", service_id=service_id)
    places = [package.rows("location", id=link["location_id"])[0] for link in links]
    addresses = [package.rows("address", location_id=place["id"])[0] for place in places]
    assert [p["name"] for p in places] == ["Mehrgenerationenhaus", ""]
    assert [a["address_1"] for a in addresses] == ["Pöltnerstraße 12", "Peiting"]
    assert [(a["postal_code"], a["city"], a["state_province"]) for a in addresses] == [
        ("82362", "Weilheim i. OB", "BY"),
        ("86971", "Peiting", "BY"),
    ]
    assert (places[0]["latitude"], places[0]["longitude"]) == ("47.8415", "11.1548")
    assert package.texts("location", places[0]["id"])["fa"]["transportation"] == "اتوبوس ۹۶۵۱"
    assert len(package.rows("accessibility", location_id=places[1]["id"])) == 1

    contact = package.rows("contact", service_id=service_id)[0]
    phone = package.rows("phone", service_id=service_id)[0]
    assert contact["name"] == "Amal Haddad"
    assert phone["number"] == "0881 5550123" and phone["contact_id"] == contact["id"]
    organisation = package.rows("organization", id=service["organization_id"])[0]
    assert organisation["name"] == "Helferkreis Asyl" and organisation["town"]
    assert package.rows("phone", organization_id=organisation["id"])[0]["number"] == (
        "0881 5550100"
    )


def test_weekly_times_start_on_their_weekday_within_the_validity(package, directory):
    for schedule in package.rows("schedule", service_id=uid("offer", directory.cafe.pk)):
        if schedule["count"]:
            continue
        start = dt.date.fromisoformat(schedule["dtstart"])
        assert start.weekday() == _weekday(schedule["byday"])
        assert dt.date(2024, 1, 15) <= start < dt.date(2024, 1, 22)
        assert schedule["valid_from"] == "2024-01-15"
        assert schedule["timezone"] == "1"  # January: UTC+1 in Germany


def test_schedule_offsets_follow_summer_time():
    assert first_weekday(0, dt.date(2024, 1, 17)) == dt.date(2024, 1, 22)
    assert first_weekday(2, dt.date(2024, 1, 17)) == dt.date(2024, 1, 17)
    assert utc_offset(dt.date(2024, 1, 17), dt.time(15)) == 1
    assert utc_offset(dt.date(2024, 7, 17), dt.time(15)) == 2


def test_a_schedule_note_without_times_is_kept(site_tree):
    offer = make_offer(site_tree, "Nach Absprache", slots=(), schedule_note_de="Termine nach Anruf")
    package = read_package(build_package())
    (only,) = package.rows("schedule", service_id=uid("offer", offer.pk))
    assert only["notes"] == "Termine nach Anruf" and not only["dtstart"] and not only["freq"]


def test_texts_are_in_the_language_asked_for_with_german_fallback(directory):
    package = read_package(build_package("fa"))
    assert package.descriptor["language"] == "fa"
    cafe = package.rows("service", id=uid("offer", directory.cafe.pk))[0]
    football = package.rows("service", id=uid("offer", directory.football.pk))[0]
    assert cafe["name"] == "کافه زبان" and football["name"] == "Fußball"
    assert cafe["url"].endswith("/fa/angebote/sprachcafe/")


def test_queries_do_not_grow_with_the_number_of_offers(site_tree):
    make_offer(site_tree, "Eins")
    build_package()  # the gazetteer and caches warm
    with CaptureQueriesContext(connection) as few:
        build_package()
    for number in range(5):
        make_offer(site_tree, f"Mehr {number}", dates=(dt.date(2031, 1, 1),))
    with CaptureQueriesContext(connection) as many:
        build_package()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_export_command_writes_the_package(directory, tmp_path):
    target = tmp_path / "hsds.zip"
    call_command("export_hsds", str(target), "--language", "ar", stdout=io.StringIO())
    written = read_package(target.read_bytes())
    assert written.descriptor["language"] == "ar"
    assert {row["id"] for row in written.tables["service"]} == {
        uid("offer", pk) for pk in OfferPage.objects.public_current().values_list("pk", flat=True)
    }
    assert not (tmp_path / "hsds.zip.partial").exists()
