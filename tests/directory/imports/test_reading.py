"""Reading spreadsheet files into tables: XLSX and CSV as offices save them, and every limit."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.utils.translation import override

from directory.imports import columns
from directory.imports.reading import (
    MAX_CELL,
    MAX_COLUMNS,
    MAX_ROWS,
    ReadError,
    Table,
    read_table,
    write_template_csv,
    write_template_xlsx,
)


@pytest.fixture(autouse=True)
def _english():
    """Messages in English, so tests can read them."""
    with override("en"):
        yield


def xlsx(*rows: list, extra_sheet: bool = False) -> bytes:
    """A workbook whose first sheet holds ``rows`` (an empty list leaves a row empty)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        workbook.create_sheet("Zweites").append(["Nicht", "lesen"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refused(content: bytes, filename: str = "angebote.csv") -> str:
    with pytest.raises(ReadError) as caught:
        read_table(content, filename)
    return str(caught.value)


# XLSX


def test_xlsx_cells_become_text_as_german_excel_shows_them():
    content = xlsx(
        ["Titel", "Gültig bis", "Einzeltermine", "Beginn", "PLZ", "Preis", "Anteil", "Ja", "Leer"],
        [
            "Sprachcafé",
            dt.date(2027, 12, 31),
            dt.datetime(2027, 3, 12, 18, 30),
            dt.time(15, 0),
            82362,
            3.0,
            2.5,
            True,
            None,
        ],
        [],
        ["  Frauencafé  ", dt.datetime(2027, 1, 5, 0, 0)],
        extra_sheet=True,
    )
    table = read_table(content, "angebote.xlsx")
    assert table.headers[:3] == ["Titel", "Gültig bis", "Einzeltermine"]
    assert table.rows[0] == (
        2,
        ["Sprachcafé", "31.12.2027", "12.03.2027 18:30", "15:00", "82362", "3", "2.5", "ja", ""],
    )
    # The empty row 3 is dropped, but the next row keeps the number Excel shows.
    number, cells = table.rows[1]
    assert number == 4
    assert cells[:2] == ["Frauencafé", "05.01.2027"]  # stripped; midnight shows no time
    assert len(cells) == len(table.headers)  # padded


def test_xlsx_is_recognised_by_its_content_whatever_the_name():
    content = xlsx(["Titel"], ["Sprachcafé"])
    assert read_table(content, "upload").rows == [(2, ["Sprachcafé"])]
    assert read_table(content, "ANGEBOTE.XLSX").headers == ["Titel"]


def test_xlsx_first_non_empty_row_is_the_header():
    table = read_table(xlsx([], [None, None], ["Titel", "Art"], ["Café", "Kurs"]), "a.xlsx")
    assert table.headers == ["Titel", "Art"]
    assert table.rows == [(4, ["Café", "Kurs"])]


def test_xlsx_that_is_not_a_workbook_is_refused():
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    message = refused(other_zip.getvalue(), "angebote.zip")
    assert "could not be opened as an Excel workbook" in message
    assert "could not be opened" in refused(b"Titel;Art\nCafe;Kurs\n", "angebote.xlsx")
    # A workbook cut short in transfer.
    assert "could not be opened" in refused(xlsx(["Titel"], ["A"])[:300], "angebote.xlsx")


def test_old_excel_and_protected_workbooks_are_named():
    message = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "angebote.xls")
    assert ".xls" in message and "password" in message


# CSV in the encodings Excel writes


def test_windows_1252_csv_with_semicolons():
    text = "Titel;Orte;Kosten\r\nCafé am Eck;Bahnhofstraße 3, 82362 Weilheim;2 €\r\n"
    table = read_table(text.encode("cp1252"), "angebote.csv")
    assert table.headers == ["Titel", "Orte", "Kosten"]
    assert table.rows == [(2, ["Café am Eck", "Bahnhofstraße 3, 82362 Weilheim", "2 €"])]


def test_utf8_with_bom_and_commas():
    text = "\ufeffTitel,Sprachen\nSprachcafé,Arabisch\n"
    table = read_table(text.encode("utf-8"), "angebote.csv")
    assert table.headers == ["Titel", "Sprachen"]  # no byte-order mark in the first header
    assert table.rows == [(2, ["Sprachcafé", "Arabisch"])]


def test_plain_utf8_keeps_every_script():
    text = "Titel;Titel (ar)\nSprachcafé;مقهى اللغة\n"
    assert read_table(text.encode("utf-8"), "a.csv").rows == [(2, ["Sprachcafé", "مقهى اللغة"])]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_with_tabs_as_excel_unicode_text(encoding):
    text = "Titel\tOrt\r\nСпівбесіда\tWeilheim\r\n"
    content = text.encode(encoding)  # "utf-16" writes a byte-order mark, "utf-16-le" none
    table = read_table(content, "angebote.txt")
    assert table.headers == ["Titel", "Ort"]
    assert table.rows == [(2, ["Співбесіда", "Weilheim"])]


def test_quoted_cell_with_line_breaks_is_one_row():
    text = 'Titel;Beschreibung\r\nCafé;"Erste Zeile\r\nzweite; Zeile"\r\nKurs;kurz\r\n'
    table = read_table(text.encode("utf-8"), "a.csv")
    assert table.rows == [(2, ["Café", "Erste Zeile\nzweite; Zeile"]), (3, ["Kurs", "kurz"])]


def test_commas_inside_cells_do_not_fool_the_delimiter():
    text = "Titel;Sprachen\nA;Deutsch, Arabisch\nB;Deutsch, Englisch, Türkisch\n"
    table = read_table(text.encode("utf-8"), "a.csv")
    assert table.rows[1] == (3, ["B", "Deutsch, Englisch, Türkisch"])


@pytest.mark.parametrize("sep", [",", "\t"])
def test_excel_separator_hint_line(sep):
    text = f"sep={sep}\r\nTitel{sep}Art\r\nCafe;Bar{sep}Kurs\r\n"
    table = read_table(text.encode(), "a.csv")
    assert table.headers == ["Titel", "Art"]
    assert table.rows == [(2, ["Cafe;Bar", "Kurs"])]


def test_empty_rows_dropped_numbers_kept_short_rows_padded():
    text = "Titel;Art;Ort\n\n  Café  ;Kurs\n;;\nBar;Kurs;Weilheim;extra\n"
    table = read_table(text.encode("utf-8"), "a.csv")
    assert table.headers == ["Titel", "Art", "Ort", ""]  # a wider row gets an empty header
    assert table.rows == [
        (3, ["Café", "Kurs", "", ""]),
        (5, ["Bar", "Kurs", "Weilheim", "extra"]),
    ]


def test_duplicate_headers_are_kept():
    table = read_table(b"Titel;Titel\nA;B\n", "a.csv")
    assert table == Table(["Titel", "Titel"], [(2, ["A", "B"])])


def test_header_only_file_has_no_rows():
    assert read_table(b"Titel;Art\n", "a.csv") == Table(["Titel", "Art"], [])


# What is refused


@pytest.mark.parametrize("content", [b"", b"   \r\n\t"])
def test_empty_file_is_refused(content):
    assert refused(content) == "The file is empty."


def test_file_without_header_row_is_refused():
    assert "no header row" in refused(b";;;\n\n;;\n")
    assert "no header row" in refused(xlsx([], [None]), "a.xlsx")


def test_picture_is_refused_with_a_clear_message():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
    assert refused(png, "angebote.csv") == (
        "This file is not a table. Please upload an Excel file (.xlsx) or CSV."
    )


def test_undecodable_bytes_are_refused():
    assert "not a table" in refused(b"Titel\n\x81\x8d\x8f\x90\x9d\n")


def test_nul_in_csv_text_is_refused():
    assert "NUL" in refused(b"Titel;Art\nCaf\x00e;Kurs\n")


def test_rows_limit_at_its_edge():
    header = "Titel;Art\n"
    at_limit = header + "Café;Kurs\n" * MAX_ROWS
    assert len(read_table(at_limit.encode(), "a.csv").rows) == MAX_ROWS
    # Empty rows do not count.
    assert len(read_table((at_limit + "\n;\n" * 5).encode(), "a.csv").rows) == MAX_ROWS
    message = refused((at_limit + "Café;Kurs\n").encode())
    assert "more than 20,000 rows" in message


def test_columns_limit_at_its_edge():
    def header(count: int) -> str:
        return ";".join(f"Spalte {n}" for n in range(count)) + "\n"

    assert len(read_table(header(MAX_COLUMNS).encode(), "a.csv").headers) == MAX_COLUMNS
    assert "more than 200 columns" in refused(header(MAX_COLUMNS + 1).encode())
    # A data row wider than allowed is refused too; trailing empty cells do not count.
    wide_row = "x;" * MAX_COLUMNS + "x\n"
    assert "more than 200 columns" in refused((header(2) + wide_row).encode())
    padded = "x" + ";" * (MAX_COLUMNS + 50) + "\n"
    assert read_table((header(2) + padded).encode(), "a.csv").rows == [(2, ["x", ""])]


def test_cell_length_limit_at_its_edge():
    at_limit = "A;" + "x" * MAX_CELL
    assert len(read_table(f"Titel;Text\n{at_limit}\n".encode(), "a.csv").rows[0][1][1]) == MAX_CELL
    message = refused(f"Titel;Text\n{at_limit}x\n".encode())
    assert message.startswith("The cell in row 2, column B has more than 20,000 characters")
    # Past the csv module's own limit the message is the same kind.
    assert "more than 20,000 characters" in refused(("T\n" + "x" * 200_000).encode())
    # Surrounding spaces do not count.
    assert read_table(f"T\n  {'x' * MAX_CELL}  \n".encode(), "a.csv").rows[0][1] == ["x" * MAX_CELL]


def test_cell_length_limit_in_xlsx():
    message = refused(xlsx(["Titel", "Text"], ["A", "x" * (MAX_CELL + 1)]), "a.xlsx")
    assert "row 2, column B" in message


# Templates


def test_template_xlsx_round_trip_with_text_columns():
    headers = columns.template_headers()
    examples = {column.header: column.example for column in columns.COLUMNS}
    example = [examples.get(header, "") for header in headers]
    content = write_template_xlsx(headers, example)
    table = read_table(content, "vorlage.xlsx")
    assert table.headers == headers
    assert table.rows == [(2, example)]
    # Every template header is known, so a filled-in template needs no mapping.
    assert columns.IGNORE not in columns.automatic_mapping(table.headers)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].number_format == "@"  # "01067" stays text


def test_template_csv_is_utf8_with_bom_and_semicolons():
    content = write_template_csv(["Titel", "Orte", "Gültig bis"], ["Café; Bar", "Weilheim"])
    assert content.startswith(b"\xef\xbb\xbfTitel;Orte;G\xc3\xbcltig bis\r\n")
    assert b'"Caf\xc3\xa9; Bar";Weilheim;\r\n' in content
    table = read_table(content, "vorlage.csv")
    assert table.rows == [(2, ["Café; Bar", "Weilheim", ""])]


def test_a_workbook_that_unpacks_to_hundreds_of_megabytes_is_refused_unopened():
    book = openpyxl.Workbook()
    book.active.append(["Titel"])
    plain = io.BytesIO()
    book.save(plain)
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/padding.bin", b"\0" * (201 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024  # small on the wire
    with pytest.raises(ReadError, match="too large when unpacked"):
        read_table(bomb.getvalue(), "bombe.xlsx")


def test_a_sheet_of_a_hundred_thousand_empty_rows_is_refused():
    book = openpyxl.Workbook()
    book.active["A1"] = "Titel"
    book.active["A100002"] = "ganz unten"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ReadError, match="too many"):
        read_table(out.getvalue(), "leer.xlsx")


def test_a_value_far_to_the_right_is_not_dropped_silently():
    book = openpyxl.Workbook()
    book.active["A1"] = "Titel"
    book.active.cell(row=2, column=1500, value="weit rechts")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ReadError, match="columns"):
        read_table(out.getvalue(), "breit.xlsx")
