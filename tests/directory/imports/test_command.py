"""``manage.py import_offers``: the same checks and writing as the admin, from a shell."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from directory.constants.sources import OfferSource
from directory.imports import columns
from directory.models import ImportBatch, OfferImport, OfferPage

from .conftest import GOOD_ROWS, HEADERS, bad_rows, windows_csv, xlsx

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_offers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_lists_problems_and_writes_nothing(tmp_path, moderator):
    path = tmp_path / "angebote.csv"
    path.write_bytes(windows_csv(bad_rows()))
    out, err = run(str(path), "--dry-run")
    # The unknown header is not imported (the command maps only what it knows) …
    assert "Veranstaltungsort" in err
    # … so no row has a place, and each row's own mistake is named by row and column.
    assert "row 2, Wochentermine:" in out
    assert "row 4, Kurzbeschreibung:" in out
    assert "Dry run: nothing was written." in out
    assert "checking" in err  # the progress bar
    assert not OfferPage.objects.exists()


def test_import_writes_offers_to_review_and_a_second_run_changes_nothing(tmp_path, moderator):
    # The template's own header for the places: the command needs no mapping step.
    book = openpyxl.Workbook()
    book.active.append([h if h != "Veranstaltungsort" else "Orte" for h in HEADERS])
    for row in GOOD_ROWS:
        book.active.append(row)
    path = tmp_path / "angebote.xlsx"
    book.save(path)
    out, _err = run(str(path), "--user", "moderator")
    assert "3 offers written and sent to review." in out
    assert OfferPage.objects.filter(source=OfferSource.IMPORT, live=False).count() == 3
    assert ImportBatch.objects.get().created_by.username == "moderator"
    out, _err = run(str(path))
    assert "unchanged: 3" in out
    assert "0 offers written" in out
    assert OfferPage.objects.count() == 3
    assert OfferImport.objects.count() == 3


def test_a_missing_required_column_stops_before_checking(tmp_path, moderator):
    path = tmp_path / "angebote.xlsx"
    path.write_bytes(xlsx(GOOD_ROWS))
    book = openpyxl.load_workbook(path)
    book.active.delete_cols(1)  # no "Titel"
    book.save(path)
    with pytest.raises(CommandError, match="Titel"):
        run(str(path))


def test_an_unreadable_file_is_a_clear_error(tmp_path, moderator):
    path = tmp_path / "angebote.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(CommandError):
        run(str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.csv"))


def test_the_template_downloads_in_both_formats(client, moderator):
    client.force_login(moderator)
    response = client.get(reverse("directory_imports:template", args=["xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    header = [cell.value for cell in next(book.active.iter_rows(max_row=1))]
    assert header == columns.template_headers()
    assert "Titel (ar)" in header and "Wochentermine" in header
    response = client.get(reverse("directory_imports:template", args=["csv"]))
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 by its BOM
    assert response.content.decode("utf-8-sig").splitlines()[0].split(";")[:2] == [
        "Titel",
        "Kurzbeschreibung",
    ]
    assert client.get(reverse("directory_imports:template", args=["exe"])).status_code == 404
