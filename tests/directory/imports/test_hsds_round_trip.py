"""HSDS in: our own export imported into an empty directory gives the same offers."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from directory.hsds.package import build_package
from directory.i18n import own_text, site_languages
from directory.imports.hsds_reading import read_package
from directory.imports.reading import ReadError
from directory.models import ImportBatch, OfferPage, OrganisationPage
from directory.offer_answers import PLAIN_FIELDS
from directory.plain_text import rich_text_to_text, text_to_rich_text
from tests.factories import make_offer, make_organisation

pytestmark = pytest.mark.django_db

TEXTS = ("title", "summary", "description", "cost_note", "registration_note", "schedule_note")


def rich_offer(site_tree) -> OfferPage:
    organisation = make_organisation(
        site_tree, "Caritas Weilheim", org_type="wohlfahrtsverband", email="c@example.org"
    )
    today = timezone.localdate()
    return make_offer(
        site_tree,
        "Nähtreff & Sprachcafé",
        organisation=organisation,
        kind="club_offer",
        format="hybrid",
        categories=("encounter-leisure", "family-women-children"),
        target_groups=("women", "parents"),
        languages=("de", "ar", "fa"),
        slots=((0, "15:00", "17:00"), (2, "09:30", "11:00")),
        dates=(today + dt.timedelta(days=10),),
        places=(
            {
                "name": "Pfarrheim",
                "street": "Kirchplatz 1",
                "postcode": "82362",
                "town": "Weilheim",
                "latitude": 47.84,
                "longitude": 11.14,
                "transit_note_de": "Bus 9613, Haltestelle Kirchplatz",
                "transit_note_ar": "الحافلة 9613",
            },
            # Without a street (the address's first line is then the town).
            {
                "name": "",
                "street": "",
                "postcode": "86956",
                "town": "Schongau",
                "latitude": 47.81,
                "longitude": 10.9,
            },
        ),
        title_ar="مقهى الخياطة",
        title_fa="کافه خیاطی",
        summary_ar="نخيط معًا ونتحدث الألمانية.",
        summary_fa="با هم خیاطی می‌کنیم.",
        description_de=text_to_rich_text("Stoffe sind da.\n\nKinder dürfen mit."),
        description_ar=text_to_rich_text("الأقمشة متوفرة."),
        is_free=False,
        cost_note_de="2 € pro Treffen",
        cost_note_ar="2 يورو",
        registration_required=True,
        registration_note_de="Anruf genügt",
        childcare=True,
        wheelchair_accessible=True,
        interpreter_available=True,
        schedule_note_de="nicht in den Ferien",
        schedule_note_fa="نه در تعطیلات",
        valid_from=today - dt.timedelta(days=5),
        valid_until=today + dt.timedelta(days=200),
        contact_name="Frau Huber",
        contact_phone="0881 5550123",
        contact_email="huber@example.org",
        website="https://example.org/naehtreff",
        messenger="Signal: 0151 5550123",
    )


def content(offer: OfferPage) -> dict:
    """What an offer says, without its database ids."""
    offer = OfferPage.objects.get(pk=offer.pk)
    texts = {
        (name, language): own_text(offer, name, language)
        for name in TEXTS
        for language in site_languages()
    }
    texts = {
        key: rich_text_to_text(value) if key[0] == "description" else value
        for key, value in texts.items()
        if value
    }
    return {
        "texts": texts,
        "plain": {name: getattr(offer, name) for name in PLAIN_FIELDS},
        "categories": sorted(offer.categories.values_list("slug", flat=True)),
        "target_groups": sorted(offer.target_groups.values_list("slug", flat=True)),
        "languages": sorted(offer.spoken_languages.values_list("code", flat=True)),
        "slots": sorted((s.weekday, s.start_time, s.end_time) for s in offer.weekly_slots.all()),
        "dates": sorted((d.date, d.start_time, d.end_time) for d in offer.dates.all()),
        "places": sorted(
            (
                p.name,
                p.street,
                p.postcode,
                p.town,
                p.latitude,
                p.longitude,
                tuple(
                    (language, own_text(p, "transit_note", language))
                    for language in site_languages()
                    if own_text(p, "transit_note", language)
                ),
            )
            for p in offer.locations.all()
        ),
        "organisation": (
            offer.organisation.title,
            offer.organisation.org_type,
            offer.organisation.email,
        ),
    }


def import_as_moderator(client, package: bytes, **fields) -> ImportBatch:
    data = {"file": SimpleUploadedFile("hsds.zip", package), "on_duplicate": "update", **fields}
    response = client.post(reverse("directory_imports:upload"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    batch = ImportBatch.objects.latest("created_at")
    assert batch.status == ImportBatch.Status.CHECKED, batch.error
    return batch


def test_export_then_import_into_an_empty_directory_gives_the_same_offers(
    site_tree, moderator_client
):
    offers = [
        rich_offer(site_tree),
        make_offer(site_tree, "Migrationsberatung", kind="counselling"),
    ]
    before = sorted((content(o) for o in offers), key=lambda c: c["texts"][("title", "de")])
    package = build_package()

    OfferPage.objects.all().delete()
    OrganisationPage.objects.all().delete()
    batch = import_as_moderator(moderator_client, package, trusted="on")
    assert batch.format == ImportBatch.Format.HSDS
    problems = [item["outcome"]["problems"] for item in batch.records]
    assert problems == [[], []]
    assert [item["outcome"]["decision"] for item in batch.records] == ["new", "new"]
    moderator_client.post(reverse("directory_imports:confirm", args=[batch.pk]))

    after = sorted(
        (content(o) for o in OfferPage.objects.all()), key=lambda c: c["texts"][("title", "de")]
    )
    for old, new in zip(before, after, strict=True):
        for key in old:
            assert new[key] == old[key], key
    assert all(o.live for o in OfferPage.objects.all())

    # Exported again, the package says the same (ids differ: they name other pks).
    assert _without_ids(build_package()) == _without_ids(package)


def test_our_own_export_imported_again_matches_by_id_and_doubles_nothing(
    site_tree, moderator_client
):
    offer = rich_offer(site_tree)
    package = build_package()
    offer.title_de = "Ganz anders benannt"  # no title match: only the id can find it
    offer.save_revision().publish()
    batch = import_as_moderator(moderator_client, package)
    assert [(i["outcome"]["decision"], i["outcome"]["match"]) for i in batch.records] == [
        ("update", offer.pk)
    ]
    moderator_client.post(reverse("directory_imports:confirm", args=[batch.pk]))
    assert OfferPage.objects.count() == 1


def test_a_foreign_package_without_our_taxonomy_lists_what_is_missing(moderator_client):
    files = {
        "datapackage.json": '{"resources": [{"name": "service", "path": "services.csv"}]}',
        "services.csv": "id,name,description,status\r\n"
        "7d5c4e1e-0000-4000-8000-000000000001,Tafel Penzberg,Lebensmittel,active\r\n",
    }
    batch = import_as_moderator(moderator_client, _zip(files))
    columns = {p["column"] for p in batch.records[0]["outcome"]["problems"]}
    assert {"summary", "kind", "categories", "spoken_languages", "organisation"} <= {
        c.split(": ")[-1] for c in columns
    } | columns
    assert batch.records[0]["outcome"]["decision"] == "invalid"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"datapackage.json": "not json"}, "datapackage.json"),
        ({"datapackage.json": '{"resources": []}'}, "services"),
        (
            {"datapackage.json": '{"resources": [{"name": "service", "path": "s.csv"}]}'},
            "s.csv",
        ),
    ],
)
def test_broken_packages_are_refused_with_a_reason(files, message):
    with pytest.raises(ReadError, match=message):
        read_package(_zip(files))


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", '{"resources": []}')
        archive.writestr("services.csv", b"0" * (201 * 1024 * 1024))
    with pytest.raises(ReadError, match="200 MB"):
        read_package(out.getvalue())


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def _without_ids(package: bytes) -> dict[str, list[tuple]]:
    """Each CSV's rows with every id-like and time-stamp cell blanked, sorted."""
    import csv
    import re

    uuid_pattern = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    found = {}
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for name in archive.namelist():
            if not name.endswith(".csv"):
                continue
            rows = csv.DictReader(io.StringIO(archive.read(name).decode("utf-8")))
            cleaned = []
            for row in rows:
                for key in ("last_modified", "url", "uri", "assured_date", "dtstart", "timezone"):
                    row.pop(key, None)
                cleaned.append(tuple(sorted((k, uuid_pattern.sub("-", v)) for k, v in row.items())))
            found[name] = sorted(cleaned)
    return found
