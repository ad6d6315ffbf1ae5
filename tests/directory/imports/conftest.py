"""Spreadsheets as districts send them: German headers, Excel's encodings, a few mistakes."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.directory.conftest import moderator  # noqa: F401

HEADERS = [
    "Titel",
    "Kurzbeschreibung",
    "Art",
    "Kategorien",
    "Sprachen",
    "Organisation",
    "Veranstaltungsort",  # not a template name: mapped by the moderator to "Orte"
    "Wochentermine",
    "Kostenlos",
    "Kosten",
    "Titel (ar)",
    "Kurzbeschreibung (ar)",
]

GOOD_ROWS = [
    [
        "Sprachcafé Weilheim",
        "Deutsch sprechen bei Kaffee und Kuchen.",
        "Begegnung",
        "Sprache & Bildung",
        "Deutsch, Arabisch",
        "Helferkreis Weilheim",
        "Mehrgenerationenhaus, Marienplatz 1, 82362 Weilheim",
        "Mo 15:00–17:00; Mi 15:00–17:00",
        "ja",
        "",
        "مقهى اللغة فايلهايم",
        "نتحدث الألمانية مع القهوة والكعك.",
    ],
    [
        "Nähtreff für Frauen",
        "Gemeinsam nähen, Stoffe und Nadeln sind da.",
        "Begegnung",
        "Begegnung & Freizeit; Familie · Frauen · Kinder",
        "Deutsch",
        "Café Miteinander Schongau",
        "86956 Schongau",
        "Do 9:00-11:30",
        "nein",
        "2 € pro Treffen",
        "",
        "",
    ],
    [
        "Migrationsberatung Penzberg",
        "Beratung zu Aufenthalt, Arbeit und Familie.",
        "Beratung",
        "Beratung & Hilfe",
        "Deutsch; Englisch; Ukrainisch",
        "Caritas Weilheim-Schongau",
        "Stadtplatz 3, 82377 Penzberg",
        "Di 9-12 Uhr",
        "ja",
        "",
        "",
        "",
    ],
]


def bad_rows() -> list[list[str]]:
    """The good rows with three mistakes: a weekday, a postcode, a missing summary."""
    rows = [list(row) for row in GOOD_ROWS]
    rows[0][7] = "Mx 15:00–17:00"
    rows[1][6] = "8695 Schongau"
    rows[2][1] = ""
    return rows


def xlsx(rows: list[list[str]]) -> bytes:
    """A real Excel workbook with the rows under the headers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def windows_csv(rows: list[list[str]]) -> bytes:
    """A CSV as German Excel saves it: Windows-1252, semicolons (Arabic columns left empty:
    Windows-1252 cannot hold them)."""
    lines = [";".join(HEADERS[:10])]
    for row in rows:
        lines.append(";".join(f'"{cell}"' if ";" in cell else cell for cell in row[:10]))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


@pytest.fixture
def moderator_client(client, moderator):  # noqa: F811
    client.force_login(moderator)
    return client
