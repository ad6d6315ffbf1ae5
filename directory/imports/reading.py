"""A spreadsheet file into a table of text: headers, and rows numbered as the file numbers them.

Moderators get files from many offices and many versions of Excel, so this reads
what they are likely to have: XLSX workbooks (first sheet) and CSV in the
encodings and delimiters Excel and LibreOffice write. German Excel's plain
"CSV (Trennzeichen-getrennt)" is Windows-1252 with ``;``; "CSV UTF-8" has a
byte-order mark. Every cell becomes text here; understanding it is ``cells``'s job.
Every limit raises :class:`ReadError` with a message the moderator can act on.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import openpyxl
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

MAX_ROWS = 20_000  # data rows, not counting the header and empty rows
MAX_SHEET_ROWS = 5 * MAX_ROWS  # rows of a sheet read at all, empty ones included
MAX_SHEET_COLUMNS = 1000  # cells of a row read at all: beyond MAX_COLUMNS only empty ones
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COLUMNS = 200
MAX_CELL = 20_000  # characters in one cell
DELIMITERS = ";,\t"

ZIP_MAGIC = b"PK\x03\x04"
# The old binary Excel format (.xls) and password-protected workbooks are OLE2 files.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Files people upload by mistake: pictures and PDFs.
OTHER_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"RIFF")

# What openpyxl and zipfile raise for a broken or foreign ZIP; they have no common base class.
_BROKEN_WORKBOOK = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    InvalidFileException,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    ValueError,
    EOFError,
    OSError,
    SyntaxError,  # xml.etree's ParseError
)


_TOO_WIDE = _lazy("The file has more than %(limit)s columns. Please remove the columns not needed.")


class ReadError(ValueError):
    """A file that cannot be read as a table; the message says why in plain words."""


@dataclass
class Table:
    """A file's header row and its non-empty rows, each with the row number the file shows.

    Every row has as many cells as there are headers; a header may be empty or repeated.
    """

    headers: list[str]
    rows: list[tuple[int, list[str]]]


def read_table(content: bytes, filename: str) -> Table:
    """The table in ``content``: an XLSX workbook (by name or content) or CSV text."""
    if not content.strip():
        raise ReadError(_("The file is empty."))
    if content.startswith(OLE_MAGIC):
        raise ReadError(
            _(
                "This is an old Excel file (.xls) or a workbook protected by a password. "
                'Please open it in Excel and save it as "Excel workbook (.xlsx)" '
                "without a password."
            )
        )
    if content.startswith(OTHER_MAGIC):
        raise ReadError(_("This file is not a table. Please upload an Excel file (.xlsx) or CSV."))
    if filename.lower().endswith(".xlsx") or content.startswith(ZIP_MAGIC):
        with contextlib.closing(_xlsx_rows(content)) as rows:
            return _table(rows)
    return _table(_csv_rows(_decode(content)))


def _table(raw: Iterable[tuple[int, list[str]]]) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, values in raw:
        cells = [_clean(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) > MAX_COLUMNS:
            raise ReadError(_TOO_WIDE % {"limit": number_format(MAX_COLUMNS)})
        for index, cell in enumerate(cells):
            if len(cell) > MAX_CELL:
                raise ReadError(_too_long(number, index))
        if headers is None:
            headers = cells
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise ReadError(
                _("The file has more than %(limit)s rows. Please split it into several files.")
                % {"limit": number_format(MAX_ROWS, force_grouping=True)}
            )
    if headers is None:
        raise ReadError(
            _('The file has no header row. Its first row must name the columns, like "Titel".')
        )
    # A row wider than the headers keeps its cells, under an empty header the mapping ignores.
    width = max([len(headers), *(len(cells) for _number, cells in rows)])
    headers += [""] * (width - len(headers))
    for _number, cells in rows:
        cells += [""] * (width - len(cells))
    return Table(headers, rows)


def _too_long(number: int | None, index: int | None) -> str:
    limit = number_format(MAX_CELL, force_grouping=True)
    if number is None or index is None:
        return _("A cell has more than %(limit)s characters. Please shorten it.") % {"limit": limit}
    return _(
        "The cell in row %(row)s, column %(column)s has more than %(limit)s characters. "
        "Please shorten it."
    ) % {"row": number, "column": get_column_letter(index + 1), "limit": limit}


def _clean(value: str) -> str:
    # One line-break convention, so later checks see "\n" whatever system wrote the file.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


# XLSX


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    unreadable = _(
        "The file could not be opened as an Excel workbook (.xlsx). Please open it in Excel "
        'or LibreOffice and save it again as "Excel workbook (.xlsx)" or as CSV.'
    )
    # A small file can unpack to gigabytes of XML (a "ZIP bomb"): look before opening it.
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ReadError(unreadable) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise ReadError(_("The workbook is too large when unpacked. Please save it as CSV."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except _BROKEN_WORKBOOK as error:
        raise ReadError(unreadable) from error
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong size into the sheet; read what is really there.
        sheet.reset_dimensions()
        # Empty rows are not counted as rows, but reading millions of them is refused too.
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_SHEET_ROWS:
                raise ReadError(_("The sheet has too many (empty) rows. Please save it as CSV."))
            if any(value not in (None, "") for value in values[MAX_SHEET_COLUMNS:]):
                raise ReadError(_TOO_WIDE % {"limit": number_format(MAX_COLUMNS)})
            yield number, [_cell_text(value) for value in values[:MAX_SHEET_COLUMNS]]
    except ReadError:
        raise
    except _BROKEN_WORKBOOK as error:
        raise ReadError(unreadable) from error
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A cell's value as a person reads it in German Excel."""
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: a bool is an int
        return "ja" if value else "nein"
    if isinstance(value, dt.datetime):
        text = f"{value.day:02}.{value.month:02}.{value.year:04}"
        return text if value.time() == dt.time(0) else f"{text} {_hours(value.time())}"
    if isinstance(value, dt.date):
        return f"{value.day:02}.{value.month:02}.{value.year:04}"
    if isinstance(value, dt.time):
        return _hours(value)
    if isinstance(value, dt.timedelta):  # a duration cell, "[h]:mm"
        hours, minutes = divmod(round(value.total_seconds() / 60), 60)
        return f"{hours:02}:{minutes:02}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return f"{value:.15g}"  # Excel shows at most 15 significant digits
    return str(value)


def _hours(time: dt.time) -> str:
    # Excel stores times as fractions of a day; round so 14:59:59.9999 reads as 15:00.
    seconds = time.hour * 3600 + time.minute * 60 + time.second + time.microsecond / 1e6
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours:02}:{minutes:02}"


# CSV


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        text = content[3:].decode("utf-8", errors="replace")
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = content.decode("utf-16", errors="replace")
    elif len(content) >= 4 and content[1:8:2] == b"\x00" * len(content[1:8:2]):
        # UTF-16 without byte-order mark: every second byte of ASCII text is zero.
        text = content.decode("utf-16-le", errors="replace")
    else:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = content.decode("cp1252")
            except UnicodeDecodeError as error:
                raise ReadError(
                    _("This file is not a table. Please upload an Excel file (.xlsx) or CSV.")
                ) from error
    if "\x00" in text:
        raise ReadError(
            _(
                "The file contains NUL characters, so it cannot be read as text. Please save "
                'it again in Excel as "Excel workbook (.xlsx)" or as "CSV UTF-8".'
            )
        )
    return text


def _delimiter(text: str) -> str:
    """``;``, ``,`` or tab: the Sniffer's guess if the header line agrees, else its count."""
    header = text.lstrip("\n\r").split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    sample = text[:20_000]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    # The Sniffer is misled by commas inside cells ("Mo, Mi 15:00"); the header rarely has any.
    if sniffed in counts and counts[sniffed] == max(counts.values()):
        return sniffed
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    first_line = text.split("\n", 1)[0].rstrip("\r")
    # Excel's own hint line "sep=;" names the delimiter and is not shown as a row.
    if first_line.casefold().startswith("sep=") and len(first_line) == 5:
        delimiter = first_line[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Rows are counted as records, not lines: Excel shows a quoted multi-line cell in one row.
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        # The csv module's own limit on a cell (131,072 characters) lies above ours.
        if "field larger than field limit" in str(error):
            raise ReadError(_too_long(None, None)) from error
        raise ReadError(
            _("The file could not be read as CSV. Please save it again from Excel as CSV UTF-8.")
        ) from error


# Templates


def write_template_xlsx(headers: list[str], example: list[str]) -> bytes:
    """The import template as an XLSX workbook: bold headers, an example row, text columns."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Angebote"
    sheet.append(headers)
    sheet.append(list(example) + [""] * (len(headers) - len(example)))
    for index, header in enumerate(headers, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = get_column_letter(index)
        width = max(len(header), len(example[index - 1]) if index <= len(example) else 0)
        sheet.column_dimensions[letter].width = min(max(width + 2, 12), 60)
        # Text columns: Excel keeps "01067" and "15:00" as typed instead of converting them.
        sheet.column_dimensions[letter].number_format = "@"
        sheet.cell(row=2, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_template_csv(headers: list[str], example: list[str]) -> bytes:
    """The import template as CSV: UTF-8 with byte-order mark and ``;``, as German Excel wants."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerow(list(example) + [""] * (len(headers) - len(example)))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
