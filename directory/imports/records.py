"""The importer's row model: one offer as read from a file, before any check.

Spreadsheets and HSDS packages both end up here, so checking, duplicate
detection and writing are written once. Texts are kept per language
(``{"title": {"de": "…", "ar": "…"}}``); a problem found while reading a cell
is kept with the column it came from, so the preview can name row and column.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# Texts of an offer that exist per language (modeltranslation fields of OfferPage).
OFFER_TEXTS = (
    "title",
    "summary",
    "description",
    "cost_note",
    "registration_note",
    "schedule_note",
)


@dataclass
class PlaceRecord:
    """Where an offer takes place, as the file gives it."""

    name: str = ""
    street: str = ""
    postcode: str = ""
    town: str = ""
    latitude: float | None = None
    longitude: float | None = None
    transit_note: dict[str, str] = field(default_factory=dict)


@dataclass
class SlotRecord:
    """A weekly time: weekday 0 = Monday."""

    weekday: int
    start: dt.time
    end: dt.time


@dataclass
class DateRecord:
    """A single date, with or without times."""

    date: dt.date
    start: dt.time | None = None
    end: dt.time | None = None


@dataclass
class OrganisationRecord:
    """The organisation that runs the offer: found by name, or created unpublished."""

    name: str = ""
    org_type: str = ""
    description: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    town: str = ""
    uid: str = ""


@dataclass
class Problem:
    """Something wrong with a row, in plain words; ``column`` is the file's header, if known."""

    column: str
    message: str


@dataclass
class OfferRecord:
    """One offer read from a file. ``row`` is the row number a person sees in the file."""

    row: int
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    kind: str = ""
    format: str = ""
    categories: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    spoken_languages: list[str] = field(default_factory=list)
    interpreter_available: bool = False
    is_free: bool = True
    registration_required: bool = False
    childcare: bool = False
    wheelchair_accessible: bool = False
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    website: str = ""
    messenger: str = ""
    organisation: OrganisationRecord = field(default_factory=OrganisationRecord)
    places: list[PlaceRecord] = field(default_factory=list)
    slots: list[SlotRecord] = field(default_factory=list)
    dates: list[DateRecord] = field(default_factory=list)
    # An HSDS id of this installation names the offer it came from (``hsds.ids``).
    uid: str = ""
    problems: list[Problem] = field(default_factory=list)
    # Which file column each record field came from, so a model error names a column.
    columns: dict[str, str] = field(default_factory=dict)

    def text(self, name: str, language: str) -> str:
        """The text ``name`` in ``language`` ("" when the file has none)."""
        return self.texts.get(name, {}).get(language, "")

    def column_of(self, name: str) -> str:
        """The file's header for record field ``name`` (the field's name when unmapped)."""
        return self.columns.get(name, name)

    def add_problem(self, name: str, message: str) -> None:
        """Note a problem with record field ``name``."""
        self.problems.append(Problem(self.column_of(name), str(message)))


def to_json(record: OfferRecord) -> dict[str, Any]:
    """The record as JSON-ready data (dates and times as ISO strings), to keep between steps."""

    def convert(value: Any) -> Any:
        if isinstance(value, dt.date | dt.time):
            return value.isoformat()
        if isinstance(value, dict):
            return {key: convert(item) for key, item in value.items()}
        if isinstance(value, list):
            return [convert(item) for item in value]
        return value

    return convert(dataclasses.asdict(record))


def from_json(data: dict[str, Any]) -> OfferRecord:
    """The record :func:`to_json` made."""

    def time(value: str | None) -> dt.time | None:
        return dt.time.fromisoformat(value) if value else None

    def date(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    values = dict(data)
    values["organisation"] = OrganisationRecord(**data["organisation"])
    values["places"] = [PlaceRecord(**place) for place in data["places"]]
    values["slots"] = [
        SlotRecord(s["weekday"], time(s["start"]), time(s["end"])) for s in data["slots"]
    ]
    values["dates"] = [
        DateRecord(date(d["date"]), time(d["start"]), time(d["end"])) for d in data["dates"]
    ]
    values["problems"] = [Problem(**p) for p in data["problems"]]
    values["valid_from"] = date(data["valid_from"])
    values["valid_until"] = date(data["valid_until"])
    return OfferRecord(**values)
