"""The moderator's import end to end through the admin: upload, mapping, preview, import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.constants.sources import OfferSource
from directory.models import (
    ImportBatch,
    ImportColumnMapping,
    OfferImport,
    OfferPage,
    OrganisationPage,
    TranslationState,
)
from directory.moderation import in_review
from tests.search.test_places import nominatim  # noqa: F401 - the fixture

from .conftest import GOOD_ROWS, HEADERS, bad_rows, windows_csv, xlsx

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, name: str, **fields):
    data = {"file": SimpleUploadedFile(name, content), "on_duplicate": "update", **fields}
    return client.post(reverse("directory_imports:upload"), data)


def map_columns(client, batch: ImportBatch, **choices: str):
    """Post the mapping page as shown, with ``choices`` (header → field) changed."""
    data = {
        f"column{i}": choices.get(header, key)
        for i, (header, key) in enumerate(zip(batch.headers, batch.mapping, strict=True))
    }
    return client.post(reverse("directory_imports:mapping", args=[batch.pk]), data)


def checked_batch(client, content: bytes, name: str, **fields) -> ImportBatch:
    response = upload(client, content, name, **fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("created_at")
    if batch.status == ImportBatch.Status.MAPPING:
        response = map_columns(client, batch, Veranstaltungsort="places")
        assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED, batch.error
    return batch


def confirm(client, batch: ImportBatch) -> None:
    response = client.post(reverse("directory_imports:confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE, batch.error


@pytest.mark.parametrize(
    ("name", "make"),
    [("angebote.xlsx", xlsx), ("angebote.csv", windows_csv)],
    ids=["xlsx", "windows-1252-csv"],
)
def test_errors_are_listed_by_row_and_column_and_nothing_is_written(moderator_client, name, make):
    offers, organisations = OfferPage.objects.count(), OrganisationPage.objects.count()
    batch = checked_batch(moderator_client, make(bad_rows()), name)
    page = moderator_client.get(reverse("directory_imports:batch", args=[batch.pk]))
    html = page.content.decode()
    problems = {
        (item["record"]["row"], p["column"])
        for item in batch.records
        for p in item["outcome"]["problems"]
    }
    # Row numbers as Excel shows them: the header is row 1.
    assert problems == {(2, "Wochentermine"), (3, "Veranstaltungsort"), (4, "Kurzbeschreibung")}
    assert "Mx 15:00" in html and "Veranstaltungsort" in html
    assert OfferPage.objects.count() == offers
    assert OrganisationPage.objects.count() == organisations
    assert not OfferImport.objects.exists()


def test_corrected_file_goes_to_review_and_again_gives_no_duplicates(moderator_client):
    batch = checked_batch(moderator_client, xlsx(GOOD_ROWS), "angebote.xlsx")
    assert {item["outcome"]["decision"] for item in batch.records} == {"new"}
    confirm(moderator_client, batch)

    imported = OfferPage.objects.filter(source=OfferSource.IMPORT)
    assert imported.count() == 3
    for offer in imported:
        assert not offer.live
        assert in_review(offer) is not None
    cafe = imported.get(title_de="Sprachcafé Weilheim")
    assert cafe.title_ar == "مقهى اللغة فايلهايم"
    assert [(s.weekday, s.start_time.hour, s.end_time.hour) for s in cafe.weekly_slots.all()] == [
        (0, 15, 17),
        (2, 15, 17),
    ]
    place = cafe.locations.get()
    assert (place.name, place.street, place.postcode, place.town) == (
        "Mehrgenerationenhaus",
        "Marienplatz 1",
        "82362",
        "Weilheim",
    )
    assert place.latitude is not None  # the postcode's centre (the geocoder is off in tests)
    assert sorted(cafe.spoken_languages.values_list("code", flat=True)) == ["ar", "de"]
    assert TranslationState.objects.filter(page=cafe, language="ar", origin="human").exists()
    record = OfferImport.objects.get(offer=cafe)
    assert (record.file_name, record.row) == ("angebote.xlsx", 2)
    assert not cafe.organisation.live  # a new organisation waits for the review too

    # The same file again: every row is recognised, nothing is written.
    again = checked_batch(moderator_client, xlsx(GOOD_ROWS), "angebote.xlsx")
    assert {item["outcome"]["decision"] for item in again.records} == {"unchanged"}
    page = moderator_client.get(reverse("directory_imports:batch", args=[again.pk]))
    assert reverse("directory_imports:confirm", args=[again.pk]) not in page.content.decode()
    assert OfferPage.objects.count() == 3

    # A changed row updates its offer, in review again; no second offer.
    changed = [list(row) for row in GOOD_ROWS]
    changed[2][7] = "Di 9-12 Uhr; Do 14-16 Uhr"
    third = checked_batch(moderator_client, xlsx(changed), "angebote-neu.xlsx", on_duplicate="skip")
    assert [item["outcome"]["decision"] for item in third.records] == ["skip"] * 3
    fourth = checked_batch(moderator_client, xlsx(changed), "angebote-neu.xlsx")
    assert [item["outcome"]["decision"] for item in fourth.records] == [
        "unchanged",
        "unchanged",
        "update",
    ]
    confirm(moderator_client, fourth)
    assert OfferPage.objects.count() == 3
    counselling = OfferPage.objects.get(title_de="Migrationsberatung Penzberg")
    draft = counselling.get_latest_revision_as_object()
    assert [s.weekday for s in draft.weekly_slots.all()] == [1, 3]
    assert in_review(counselling) is not None


def test_trusted_source_publishes_at_once(moderator_client):
    batch = checked_batch(moderator_client, xlsx(GOOD_ROWS[:1]), "vhs.xlsx", trusted="on")
    confirm(moderator_client, batch)
    offer = OfferPage.objects.get(title_de="Sprachcafé Weilheim")
    assert offer.live and offer.organisation.live
    assert OfferPage.objects.public_current().filter(pk=offer.pk).exists()


def test_a_mapping_is_remembered_for_the_next_file(moderator_client):
    checked_batch(moderator_client, xlsx(GOOD_ROWS), "erste.xlsx")
    assert ImportColumnMapping.objects.get(header="veranstaltungsort").key == "places"
    upload(moderator_client, xlsx(GOOD_ROWS), "zweite.xlsx")
    batch = ImportBatch.objects.latest("created_at")
    assert batch.mapping[HEADERS.index("Veranstaltungsort")] == "places"


def test_mapping_without_a_required_field_is_refused(moderator_client):
    upload(moderator_client, xlsx(GOOD_ROWS), "angebote.xlsx")
    batch = ImportBatch.objects.latest("created_at")
    response = map_columns(moderator_client, batch, Titel="", Veranstaltungsort="places")
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.MAPPING


def test_a_file_that_is_no_spreadsheet_gets_a_clear_error_and_keeps_the_choices(
    moderator_client,
):
    response = upload(moderator_client, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "bild.csv", trusted="on")
    html = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in html
    assert 'name="trusted" id="id_trusted" checked' in html or "checked" in html
    assert not ImportBatch.objects.exists()


def test_hostile_text_stays_text(moderator_client):
    rows = [list(GOOD_ROWS[0]), list(GOOD_ROWS[1])]
    rows[0][0] = "</script><img src=x onerror=alert(1)>"
    rows[1][0] = "Nähtreff\u202efür Frauen"
    batch = checked_batch(moderator_client, xlsx(rows), "<b>böse</b>.xlsx")
    page = moderator_client.get(reverse("directory_imports:batch", args=[batch.pk]))
    html = page.content.decode()
    assert "<img src=x" not in html and "<b>böse</b>" not in html
    assert "&lt;/script&gt;&lt;img src=x" in html
    # An invisible direction override in a one-line field is one problem, in its column.
    assert [(p["column"]) for p in batch.records[1]["outcome"]["problems"]] == ["Titel"]
    assert batch.records[0]["outcome"]["decision"] == "new"


def test_only_moderators_import(client, django_user_model, site_tree):
    user = django_user_model.objects.create_user("someone", "s@example.org", "pw-someone-1")
    client.force_login(user)
    assert client.get(reverse("directory_imports:upload")).status_code in (302, 403)
    response = upload(client, xlsx(GOOD_ROWS), "angebote.xlsx")
    assert response.status_code in (302, 403)
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_check_and_import_run_in_the_background_thread(client, django_user_model, settings):
    """As in production: the request returns at once; the thread writes progress and rows."""
    from directory import background
    from directory.moderation import review_workflow
    from tests.factories import make_site_tree, restore_after_flush

    restore_after_flush()  # an earlier transactional test's flush took the root page
    make_site_tree()
    review_workflow()
    # A superuser: the flush also took the Moderators group's admin permission.
    moderator = django_user_model.objects.create_superuser("admin", "a@example.org", "pw-adm-1")
    settings.IMPORT_INLINE = False
    client.force_login(moderator)
    upload(client, xlsx(GOOD_ROWS), "angebote.xlsx")
    batch = ImportBatch.objects.get()
    map_columns(client, batch, Veranstaltungsort="places")
    background.drain("import")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED and batch.done == 3
    page = client.get(reverse("directory_imports:batch", args=[batch.pk])).content.decode()
    assert reverse("directory_imports:confirm", args=[batch.pk]) in page
    client.post(reverse("directory_imports:confirm", args=[batch.pk]))
    background.drain("import")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert OfferPage.objects.filter(source=OfferSource.IMPORT).count() == 3


def test_a_stalled_import_continues_after_its_last_written_row(moderator_client, settings):
    import datetime as dt

    batch = checked_batch(moderator_client, xlsx(GOOD_ROWS), "angebote.xlsx")
    # Write the first row, then pretend the server died: still "importing", untouched since.
    from directory.imports import jobs
    from directory.imports.applying import Writer
    from directory.imports.records import from_json

    writer = Writer(file_name=batch.file_name, trusted=False, batch=batch)
    first = batch.records[0]
    writer.write(from_json(first["record"]), jobs.outcome_of(first))
    ImportBatch.objects.filter(pk=batch.pk).update(status="importing")
    batch.refresh_from_db()
    assert not jobs.stalled(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(
        updated_at=batch.updated_at - dt.timedelta(minutes=10)
    )
    batch.refresh_from_db()
    assert jobs.stalled(batch)
    page = moderator_client.get(reverse("directory_imports:batch", args=[batch.pk]))
    assert reverse("directory_imports:resume", args=[batch.pk]) in page.content.decode()
    moderator_client.post(reverse("directory_imports:resume", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert OfferPage.objects.filter(source=OfferSource.IMPORT).count() == 3
    assert sorted(OfferImport.objects.values_list("row", flat=True)) == [2, 3, 4]


def test_a_row_like_an_offer_entered_by_hand_updates_it(moderator_client, site_tree):
    """The submission's duplicate check: a similar title in the same town is the same offer."""
    from tests.factories import make_offer

    existing = make_offer(
        site_tree,
        "Sprachcafe Weilheim",
        places=({"name": "", "street": "", "postcode": "82362", "town": "Weilheim"},),
    )
    batch = checked_batch(moderator_client, xlsx(GOOD_ROWS[:2]), "angebote.xlsx")
    decisions = [(item["outcome"]["decision"], item["outcome"]["match"]) for item in batch.records]
    assert decisions == [("update", existing.pk), ("new", None)]
    confirm(moderator_client, batch)
    existing.refresh_from_db()
    assert existing.title_de == "Sprachcafe Weilheim"  # the live version waits for review
    draft = existing.get_latest_revision_as_object()
    assert draft.title_de == "Sprachcafé Weilheim"
    assert in_review(existing) is not None
    assert OfferPage.objects.count() == 2


def test_confirming_twice_imports_once(moderator_client):
    batch = checked_batch(moderator_client, xlsx(GOOD_ROWS), "angebote.xlsx")
    confirm(moderator_client, batch)
    again = moderator_client.post(reverse("directory_imports:confirm", args=[batch.pk]))
    assert again.status_code == 302
    assert OfferPage.objects.filter(source=OfferSource.IMPORT).count() == 3
    assert OfferImport.objects.count() == 3


def test_a_forged_mapping_is_refused_with_a_message(moderator_client):
    upload(moderator_client, xlsx(GOOD_ROWS), "angebote.xlsx")
    batch = ImportBatch.objects.latest("created_at")
    data = {f"column{i}": key for i, key in enumerate(batch.mapping)}
    data["column0"] = "organisation__trusted"  # not a choice
    response = moderator_client.post(reverse("directory_imports:mapping", args=[batch.pk]), data)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.MAPPING


@pytest.mark.parametrize("batch_id", ["0", "99999999999999999999999"])
@pytest.mark.parametrize("page", ["", "columns/"])
def test_ids_out_of_range_are_not_found(moderator_client, batch_id, page):
    response = moderator_client.get(f"/admin/import/{batch_id}/{page}", follow=True)
    assert response.status_code == 404


def test_the_upload_limit_holds_at_its_edge(moderator_client, settings):
    from directory.forms.imports import MAX_UPLOAD_BYTES

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    padding = b"\n" * (MAX_UPLOAD_BYTES - len(windows_csv(GOOD_ROWS)))
    at_limit = windows_csv(GOOD_ROWS) + padding
    assert len(at_limit) == MAX_UPLOAD_BYTES
    response = upload(moderator_client, at_limit, "angebote.csv")
    assert response.status_code == 302  # read: the empty lines are no rows
    response = upload(moderator_client, at_limit + b"\n", "angebote.csv")
    assert response.status_code == 200
    assert "10 MB" in response.content.decode()


def test_a_damaged_package_says_why(moderator_client):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("datapackage.json", "{not json")
    response = upload(moderator_client, out.getvalue(), "hsds.zip")
    assert response.status_code == 200
    assert "datapackage.json" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_among_equally_similar_offers_the_one_in_the_same_town_is_matched(site_tree):
    """Token-set ratio gives 100 to any title whose words include the other's."""
    from directory.imports.checking import DuplicateFinder
    from directory.imports.records import OfferRecord, OrganisationRecord, PlaceRecord
    from tests.factories import make_offer, make_organisation

    verein = make_organisation(site_tree, "Verein 5")

    def place(postcode, town):
        return ({"name": "", "street": "", "postcode": postcode, "town": town},)

    longer = make_offer(
        site_tree,
        "Sprachcafé Au in der Hallertau",
        organisation=verein,
        places=place("84072", "Au"),
    )
    own = make_offer(
        site_tree, "Sprachcafé Au", organisation=verein, places=place("83104", "Tuntenhausen")
    )
    record = OfferRecord(
        row=2,
        texts={"title": {"de": "Sprachcafé Au"}},
        organisation=OrganisationRecord(name="Verein 5"),
        places=[PlaceRecord(postcode="83104", town="Tuntenhausen")],
    )
    assert DuplicateFinder().find(record) == own.pk
    record.texts["title"]["de"] = "Sprachcafé Au in der Hallertau"
    record.places = [PlaceRecord(postcode="84072", town="Au")]
    assert DuplicateFinder().find(record) == longer.pk


def test_the_rows_of_an_import_are_forgotten_after_the_retention_period(moderator_client, settings):
    """Contact persons' names and phones in a file are not kept for good; the offers stay."""
    import datetime as dt
    import io

    from django.core.management import call_command
    from django.utils import timezone

    done = checked_batch(moderator_client, xlsx(GOOD_ROWS), "alt.xlsx")
    confirm(moderator_client, done)
    waiting = checked_batch(moderator_client, xlsx(bad_rows()), "liegengeblieben.xlsx")
    fresh = checked_batch(moderator_client, xlsx(GOOD_ROWS), "neu.xlsx")
    days = settings.RETENTION_IMPORT_FILE_DAYS
    ImportBatch.objects.filter(pk__in=[done.pk, waiting.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=days, minutes=1)
    )
    call_command("clean_up", stdout=io.StringIO())
    done.refresh_from_db(), waiting.refresh_from_db(), fresh.refresh_from_db()
    assert done.rows == [] and done.records == [] and done.status == ImportBatch.Status.DONE
    assert waiting.rows == [] and waiting.status == ImportBatch.Status.CANCELLED
    assert fresh.rows and fresh.records  # inside the period: untouched
    assert OfferImport.objects.filter(batch=done).count() == 3  # file and row stay on record
    assert OfferPage.objects.filter(source=OfferSource.IMPORT).count() == 3


def test_places_are_geocoded_and_a_far_away_answer_is_refused(
    moderator_client,
    nominatim,  # noqa: F811 - the imported fixture
):
    """Through geopy against a local Nominatim: a street gets its point; an answer in Berlin
    for an address in Weilheim is refused, and the postcode's centre is used instead."""
    rows = [list(GOOD_ROWS[0]), list(GOOD_ROWS[0])]
    rows[0][6] = "Pöltnerstraße 12, 82362 Weilheim i. OB"
    rows[1][0] = "Elterncafé Weilheim"
    rows[1][6] = "Hauptstraße 1, 82362 Weilheim i. OB"
    batch = checked_batch(moderator_client, xlsx(rows), "orte.xlsx")
    confirm(moderator_client, batch)
    good = OfferPage.objects.get(title_de="Sprachcafé Weilheim").locations.get()
    far = OfferPage.objects.get(title_de="Elterncafé Weilheim").locations.get()
    assert (good.latitude, good.longitude) == (47.8402, 11.1431)
    assert abs(far.latitude - 47.84) < 0.2 and abs(far.longitude - 11.14) < 0.2  # not 52.52
    assert [r["q"] for r in nominatim.requests] == [
        "Pöltnerstraße 12, 82362 Weilheim i. OB",
        "Hauptstraße 1, 82362 Weilheim i. OB",
    ]
