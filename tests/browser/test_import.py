"""A moderator imports a district's spreadsheet in the admin, in a real browser: a file with
mistakes is listed row by row and nothing is written; the corrected file goes to review."""

from __future__ import annotations

import pytest

from directory.constants.sources import OfferSource
from directory.models import ImportBatch, OfferPage
from directory.moderation import in_review
from tests.browser.conftest import admin_login, make_moderator
from tests.directory.imports.conftest import GOOD_ROWS, bad_rows, xlsx

pytestmark = pytest.mark.browser
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(tab, content: bytes) -> None:
    page = tab.page
    tab.go("/admin/import/")
    page.set_input_files(
        "input[name=file]", files=[{"name": "angebote.xlsx", "mimeType": XLSX, "buffer": content}]
    )
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def test_a_moderator_imports_a_spreadsheet(phone, district, django_user_model):
    make_moderator(django_user_model, "ines", "pw-ines-12345")
    admin_login(phone, "ines", "pw-ines-12345")
    page = phone.page
    offers_before = OfferPage.objects.count()

    phone.go("/admin/import/")
    phone.shot("import-01-upload")
    upload(phone, xlsx(bad_rows()))
    assert "/columns/" in page.url
    # The one header the template does not know is mapped by hand; the others are chosen.
    select = page.locator("tr", has_text="Veranstaltungsort").locator("select")
    assert select.input_value() == ""
    assert page.locator("tr", has_text="Wochentermine").locator("select").input_value() == "slots"
    select.select_option("places")
    phone.shot("import-02-columns")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()

    problems = page.locator("#problem-list")
    rows = [" | ".join(r.split("\t")) for r in problems.locator("tbody tr").all_inner_texts()]
    assert [r.split(" | ")[:2] for r in rows] == [
        ["2", "Wochentermine"],
        ["3", "Veranstaltungsort"],
        ["4", "Kurzbeschreibung"],
    ], rows
    assert "Mx" in rows[0]
    phone.shot("import-03-preview-with-problems")
    assert OfferPage.objects.count() == offers_before  # nothing written before confirming

    with page.expect_navigation():
        page.locator("form[action$='/cancel/'] button").first.click()
    upload(phone, xlsx(GOOD_ROWS))
    # The mapping was remembered: the moderator only confirms it.
    select = page.locator("tr", has_text="Veranstaltungsort").locator("select")
    assert select.input_value() == "places"
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    phone.shot("import-04-preview")
    with page.expect_navigation():
        page.locator("form[action$='/confirm/'] button").click()
    batch = ImportBatch.objects.latest("created_at")
    assert batch.status == ImportBatch.Status.DONE
    listed = page.locator("main table tbody tr").all_inner_texts()
    assert len(listed) == 3 and "Sprachcafé Weilheim" in listed[0]
    phone.shot("import-05-done")
    imported = OfferPage.objects.filter(source=OfferSource.IMPORT)
    assert imported.count() == 3
    assert all(not o.live and in_review(o) for o in imported)
