"""The import template's columns: what each header means, and which headers are known.

The template (``docs/IMPORT.md``, downloadable from the import page) has German
headers, one row per offer. A header is matched after normalising case, spaces
and punctuation, so "E-Mail", "e-mail " and "EMAIL" are the same column. Headers
the template does not know are mapped once by the moderator; the mapping is
remembered (``models.ImportColumnMapping``) for the next file of that office.

Headers are a file format, not interface text: they are not translated. The
translations of an offer's texts are extra columns, "Titel (ar)", "Kurzbeschreibung (fa)" …
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..i18n import SOURCE_LANGUAGE, site_languages
from .records import OFFER_TEXTS


@dataclass(frozen=True)
class Column:
    """One field of the template: its key, its German header, other headers that mean it."""

    key: str
    header: str
    label: object  # lazy translated label shown in the mapping step
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: str = ""


# Keys of translated texts are "<text>:<language>" (``title:ar``); the rest are record fields.
COLUMNS: tuple[Column, ...] = (
    Column("title", "Titel", _("Title"), ("Name", "Angebot", "Title"), True, "Sprachcafé Weilheim"),
    Column(
        "summary",
        "Kurzbeschreibung",
        _("Short summary"),
        ("Kurztext", "Summary"),
        True,
        "Deutsch sprechen bei Kaffee und Kuchen.",
    ),
    Column("description", "Beschreibung", _("Description"), ("Langtext", "Description")),
    Column("kind", "Art", _("Kind of offer"), ("Angebotsart", "Kind"), True, "Begegnung"),
    Column(
        "categories",
        "Kategorien",
        _("Categories"),
        ("Kategorie", "Themen", "Categories"),
        True,
        "Sprache & Bildung; Begegnung & Freizeit",
    ),
    Column("target_groups", "Zielgruppen", _("Target groups"), ("Zielgruppe", "Target groups")),
    Column(
        "spoken_languages",
        "Sprachen",
        _("Languages spoken"),
        ("Sprache", "Languages"),
        True,
        "Deutsch, Arabisch",
    ),
    Column("interpreter_available", "Dolmetscher", _("Interpreter available"), ("Interpreter",)),
    Column("format", "Form", _("Format"), ("Format", "Durchführung"), False, "vor Ort"),
    Column(
        "places",
        "Orte",
        _("Places"),
        ("Ort", "Adresse", "Adressen", "Places"),
        False,
        "Mehrgenerationenhaus, Marienplatz 1, 82362 Weilheim",
    ),
    Column(
        "slots",
        "Wochentermine",
        _("Weekly times"),
        ("Termine", "Zeiten", "Öffnungszeiten", "Weekly times"),
        False,
        "Mo 15:00–17:00; Mi 15:00–17:00",
    ),
    Column(
        "dates",
        "Einzeltermine",
        _("Single dates"),
        ("Datum", "Dates"),
        False,
        "12.03.2027 18:00–20:00",
    ),
    Column("schedule_note", "Hinweis zu Terminen", _("Notes on the schedule"), ("Terminhinweis",)),
    Column("valid_from", "Gültig ab", _("Valid from"), ("Beginn", "Valid from")),
    Column("valid_until", "Gültig bis", _("Valid until"), ("Ende", "Valid until")),
    Column("is_free", "Kostenlos", _("Free of charge"), ("kostenfrei", "gratis", "Free")),
    Column("cost_note", "Kosten", _("Cost"), ("Preis", "Gebühr", "Cost")),
    Column(
        "registration_required", "Anmeldung nötig", _("Registration needed"), ("Anmeldepflicht",)
    ),
    Column("registration_note", "Anmeldung", _("How to register"), ("Anmeldehinweis",)),
    Column("childcare", "Kinderbetreuung", _("Childcare provided"), ("Childcare",)),
    Column(
        "wheelchair_accessible", "Barrierefrei", _("Wheelchair accessible"), ("rollstuhlgerecht",)
    ),
    Column(
        "organisation",
        "Organisation",
        _("Organisation"),
        ("Träger", "Veranstalter", "Anbieter", "Verein", "Organization"),
        True,
        "Helferkreis Weilheim e.V.",
    ),
    Column(
        "org_type",
        "Art der Organisation",
        _("Type of organisation"),
        ("Trägerart",),
        False,
        "Verein",
    ),
    Column("contact_name", "Ansprechperson", _("Contact person"), ("Ansprechpartner", "Kontakt")),
    Column("contact_phone", "Telefon", _("Phone"), ("Tel", "Telefonnummer", "Phone")),
    Column("contact_email", "E-Mail", _("E-mail"), ("Mail", "Email")),
    Column("website", "Webseite", _("Website"), ("Internet", "Homepage", "URL", "Website")),
    Column("messenger", "Messenger", _("Messenger"), ("WhatsApp", "Signal")),
)


_BY_KEY = {column.key: column for column in COLUMNS}
IGNORE = ""  # the mapping's choice for a column that is not imported


def normalise_header(header: str) -> str:
    """A header reduced to lower-case letters and digits: "E-Mail " → "email"."""
    return re.sub(r"[\W_]+", "", header.casefold())


def translation_columns() -> list[tuple[str, str, object]]:
    """(key, header, label) of every translation column: "title:ar", "Titel (ar)", …"""
    found = []
    for language in site_languages():
        if language == SOURCE_LANGUAGE:
            continue
        for text in OFFER_TEXTS:
            base = _BY_KEY[text]
            found.append((f"{text}:{language}", f"{base.header} ({language})", base.label))
    return found


def field_choices() -> list[tuple[str, str]]:
    """Every key a header can be mapped to, with a label for the mapping step."""
    choices = [(IGNORE, str(_("(do not import)")))]
    choices += [(column.key, str(column.label)) for column in COLUMNS]
    choices += [
        (key, f"{label} ({key.split(':')[1]})") for key, _header, label in translation_columns()
    ]
    return choices


def known_headers() -> dict[str, str]:
    """Normalised header → key, for every header and alias of the template."""
    known: dict[str, str] = {}
    for column in COLUMNS:
        for header in (column.header, *column.aliases, column.key):
            known.setdefault(normalise_header(header), column.key)
    for key, header, _label in translation_columns():
        known[normalise_header(header)] = key
        known[normalise_header(key)] = key
    return known


def automatic_mapping(headers: list[str], remembered: dict[str, str] | None = None) -> list[str]:
    """For each header, the key it maps to: remembered choices first, then the template's names."""
    remembered = remembered or {}
    known = known_headers()
    valid = {key for key, _label in field_choices()}
    mapping = []
    for header in headers:
        name = normalise_header(header)
        key = remembered.get(name, known.get(name, IGNORE))
        mapping.append(key if key in valid else IGNORE)
    return mapping


def required_keys() -> list[str]:
    """Keys a mapping must contain before rows can be checked."""
    return [column.key for column in COLUMNS if column.required]


def template_headers() -> list[str]:
    """The template's header row: every column, then the translation columns."""
    return [column.header for column in COLUMNS] + [h for _k, h, _l in translation_columns()]


def header_for(key: str) -> str:
    """The template's header for ``key`` (for messages about unmapped columns)."""
    if ":" in key:
        text, language = key.split(":", 1)
        return f"{_BY_KEY[text].header} ({language})"
    return _BY_KEY[key].header
