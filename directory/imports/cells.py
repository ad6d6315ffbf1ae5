"""The text of a spreadsheet row's cells into an :class:`~.records.OfferRecord`.

People write the same thing in many ways: "Mo 15-17 Uhr" or "Montag 15:00–17:00";
"ja", "x" or "✓"; a kind of offer by its German or English name. Each cell is read
as leniently as it can be without guessing; a cell that cannot be read becomes a
problem that names the column and says how to write it. Nothing here raises for
bad input, and nothing is geocoded or looked up in the database: ``checking`` does
that with the models' own rules.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..constants.formats import OfferFormat
from ..i18n import SOURCE_LANGUAGE, site_languages
from ..validators import (
    LINE_BREAKING_CHARACTERS,
    strip_invisible,
    validate_one_line,
    validate_postcode,
    validate_text,
)
from .choices import CHOICES, find_choice
from .records import OFFER_TEXTS, DateRecord, OfferRecord, PlaceRecord, SlotRecord

# Cells that may hold line breaks: running text (the models' rule) and lists.
MULTI_LINE = {"summary", "description", "categories", "target_groups", "spoken_languages"}
MULTI_LINE |= {"places", "slots", "dates"}
BOOLEANS = ("interpreter_available", "is_free", "registration_required", "childcare")
BOOLEANS += ("wheelchair_accessible",)
ONE_LINE_FIELDS = ("contact_name", "contact_phone", "contact_email", "messenger")

TRUE_WORDS = {"ja", "j", "yes", "y", "x", "1", "true", "wahr", "✓", "✔", "☑", "✅"}
FALSE_WORDS = {"nein", "n", "no", "0", "false", "falsch", "-", "–", "✗", "✘"}

# Weekday words in German and English, as written in a cell (casefolded), → days.
WEEKDAY_WORDS: dict[str, tuple[int, ...]] = {}
_NAMES = "mo montag mon monday|di dienstag tu tue tues tuesday|mi mittwoch we wed wednesday|"
_NAMES += "do donnerstag th thu thur thurs thursday|fr freitag fri friday|"
_NAMES += "sa samstag sonnabend sat saturday|so sonntag su sun sunday"
for _day, _words in enumerate(_NAMES.split("|")):
    for _word in _words.split():
        WEEKDAY_WORDS[_word] = (_day,)
        if len(_word) > 3:
            WEEKDAY_WORDS[_word + "s"] = (_day,)  # "montags", "mondays"
WEEKDAY_WORDS.update(
    {"täglich": tuple(range(7)), "daily": tuple(range(7)), "werktags": tuple(range(5))}
)

DASHES = "-‐‑‒–—−"
TIME = r"[0-9]{1,2}(?:[:.][0-9]{2})?"
UHR = r"(?:\s*(?:uhr|h)\b)?"
RANGE = rf"(?:[{DASHES}]|\bbis\b|\bto\b)"
DATE = r"(?:[0-9]{1,2}\.[0-9]{1,2}\.(?:[0-9]{4}|[0-9]{2})|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})"
TIMES = rf"(?P<start>{TIME}){UHR}(?:\s*{RANGE}\s*(?P<end>{TIME}){UHR})?"
SLOT = re.compile(rf"(?P<days>.*?)[\s:,]*(?:(?:von|from|um|at)\s+)?{TIMES}\s*")
DATE_ITEM = re.compile(
    rf"(?:[^\W\d_]+\.?,?\s*)?(?P<date>{DATE})(?:[\s,]*(?:(?:um|von|from|at)\s+)?{TIMES})?\s*"
)
# Between two weekly times: after a time, at a comma, "und" or a space before the next day.
SLOT_GAP = re.compile(
    r"(?:(?<=[0-9])|(?<=[0-9]h)|(?<=uhr))(?:\s*(?:[,&]|\bund\b|\band\b)\s*|\s+)"
    r"(?=[^\W_])(?!(?:uhr|h|bis|to)\b)",
    re.IGNORECASE,
)
# Between two single dates: a line, a semicolon, or a comma after a date or time ("Do, 12.03.").
DATE_GAP = re.compile(
    rf"[;\n؛]+|(?:(?<=[0-9])|(?<=uhr))\s*,\s*(?=(?:[^\W\d_]+\.?,?\s*)?{DATE})", re.IGNORECASE
)
ITEMS = re.compile(r"[;\n؛]+")  # the Arabic semicolon too
LIST_LEVELS = (ITEMS, re.compile(r"[,،]"), re.compile("/"), re.compile(r"\s+(?:und|and|&)\s+"))
SLOT_EXAMPLE = "Mo 15:00–17:00; Mi 15:00–17:00"
DATE_EXAMPLE = "12.03.2027 18:00–20:00"


def record_from_cells(row: int, cells: dict[str, str], headers: dict[str, str]) -> OfferRecord:
    """The record for one row: ``cells`` and ``headers`` map column keys to text and headers."""
    record = OfferRecord(row=row, columns=dict(headers))
    for key, raw in cells.items():
        value = (raw or "").strip()
        name = key.partition(":")[0]
        if not value:
            continue
        value = _clean(record, key, value, name in MULTI_LINE)
        if name in OFFER_TEXTS:
            language = key.partition(":")[2] or SOURCE_LANGUAGE
            if language in site_languages():  # the mapping offers no other language
                record.texts.setdefault(name, {})[language] = value
        elif key in READERS:
            READERS[key](record, key, value)
    if not (cells.get("is_free") or "").strip():
        record.is_free = not any(record.texts.get("cost_note", {}).values())
    record.format = record.format or OfferFormat.IN_PERSON
    return record


def _problem(record: OfferRecord, key: str, message: str, value: str, **more: str) -> None:
    # A long cell would drown the message; the preview shows the cell in full.
    shown = value if len(value) <= 60 else value[:59] + "…"
    record.add_problem(key, message % {"value": shown, **more})


def _clean(record: OfferRecord, key: str, value: str, multi_line: bool) -> str:
    """``value`` without control characters (and line breaks, in a one-line cell).

    Any such character is a problem, so the row is not imported; the cleaned text still
    shows in the preview, so the moderator sees which cell it is.
    """
    try:
        (validate_text if multi_line else validate_one_line)(value)
    except ValidationError as error:
        record.add_problem(key, error.messages[0])
    else:
        return value
    keep = "\n\t" if multi_line else ""
    value = strip_invisible(value)
    value = re.sub(f"[{LINE_BREAKING_CHARACTERS}]", lambda m: m[0] if m[0] in keep else " ", value)
    return value.strip() if multi_line else " ".join(value.split())


def _unknown(record: OfferRecord, key: str, value: str) -> None:
    # The problem names the column, so the message need not say what the column holds.
    allowed = ", ".join(str(label) for _value, label, _others in CHOICES[key]())
    message = _('"%(value)s" is not on the list for this column. Write one of: %(allowed)s.')
    _problem(record, key, message, value, allowed=allowed)


def _read_choice(record: OfferRecord, key: str, value: str) -> None:
    found = find_choice(key, value)
    if found is None:
        _unknown(record, key, value)
    elif key == "org_type":
        record.organisation.org_type = found
    else:
        setattr(record, key, found)


def _read_list(record: OfferRecord, key: str, value: str) -> None:
    found: list[str] = []
    unknown: list[str] = []

    def resolve(piece: str, level: int) -> None:
        piece = piece.strip()
        if not piece:
            return
        if (choice := find_choice(key, piece)) is not None:
            found.append(choice)
            return
        # Split only as needed: "Sprache & Bildung" is one category, "Deutsch & Arabisch" two.
        for deeper in range(level, len(LIST_LEVELS)):
            parts = LIST_LEVELS[deeper].split(piece)
            if len(parts) > 1:
                for part in parts:
                    resolve(part, deeper + 1)
                return
        unknown.append(piece)

    resolve(value, 0)
    setattr(record, key, list(dict.fromkeys(found)))
    for item in unknown:
        _unknown(record, key, item)


def _read_boolean(record: OfferRecord, key: str, value: str) -> None:
    if value.casefold() in TRUE_WORDS | FALSE_WORDS:
        setattr(record, key, value.casefold() in TRUE_WORDS)
    else:
        _problem(record, key, _('"%(value)s" is not yes or no. Write "ja" or "nein".'), value)


def ascii_digits(text: str) -> str:
    """``text`` with digits of any script as 0–9: "١٥:٠٠" → "15:00".

    ``unicodedata.decimal``, not ``digit``: "²" and "①" are not digits anyone types in a time.
    """
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def _date(text: str) -> dt.date | None:
    if match := re.fullmatch(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4}|[0-9]{2})", text):
        day, month, year = (int(part) for part in match.groups())
        year += 2000 if year < 100 else 0
    elif match := re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", text):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _time(text: str) -> dt.time | None:
    hour, _sep, minute = text.replace(".", ":").partition(":")
    if int(hour) == 24 and int(minute or 0) == 0:
        return dt.time(23, 59)  # "bis 24 Uhr": the last minute of the day
    try:
        return dt.time(int(hour), int(minute or 0))
    except ValueError:
        return None


def _read_validity(record: OfferRecord, key: str, value: str) -> None:
    # XLSX date cells come as "31.12.2027" (or with a time, which says nothing about validity).
    text = re.sub(r"[ T]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?\Z", "", ascii_digits(value))
    date = _date(text)
    if date is None:
        _problem(
            record, key, _('"%(value)s" is not a date. Write for example "31.12.2027".'), value
        )
    setattr(record, key, date)


def _times(
    record: OfferRecord, key: str, piece: str, match: re.Match, example: str
) -> tuple[dt.time, dt.time | None] | None:
    """Start and end of ``match``, or None after noting the problem."""
    start = _time(match["start"])
    end = _time(match["end"]) if match["end"] else None
    if start is None or (match["end"] and end is None):
        message = _('"%(value)s" has a time that does not exist. Write for example "%(example)s".')
    elif end is not None and end <= start:
        message = _(
            'In "%(value)s" the end is not after the start. Write for example "%(example)s".'
        )
    else:
        return start, end
    _problem(record, key, message, piece, example=example)
    return None


def _read_slots(record: OfferRecord, key: str, value: str) -> None:
    for segment in ITEMS.split(ascii_digits(value)):
        days: tuple[int, ...] = ()
        for piece in SLOT_GAP.split(segment.strip()):
            piece = piece.strip(" ,")
            if not piece:
                continue
            match = SLOT.fullmatch(piece.casefold())
            # A time without days ("Mo 9–12, 14–16") belongs to the days before it.
            found = _days(match["days"]) if match and match["days"].strip() else days
            if not match or not found:
                message = _(
                    '"%(value)s" is not a weekday and time. Write for example "%(example)s".'
                )
                _problem(record, key, message, piece, example=SLOT_EXAMPLE)
                continue
            days = found
            if match["end"] is None:
                message = _('"%(value)s" has no end time. Write for example "Mo 15:00–17:00".')
                _problem(record, key, message, piece)
                continue
            if times := _times(record, key, piece, match, SLOT_EXAMPLE):
                record.slots += [SlotRecord(day, *times) for day in days]


def _days(text: str) -> tuple[int, ...] | None:
    """The weekdays in "mo, mi", "mo–fr", "montag bis freitag"; None for anything else."""
    word = rf"[^\W\d_]+|[{DASHES}]"
    if re.sub(rf"{word}|[\s,./&+]", "", text):
        return None
    days: list[int] = []
    ranging = False
    for token in re.findall(word, text):
        if token in ("und", "and"):
            continue
        if token in DASHES or token in ("bis", "to"):
            if not days or ranging:
                return None
            ranging = True
            continue
        named = WEEKDAY_WORDS.get(token)
        if named is None and (label := find_choice("weekday", token)) is not None:
            named = (int(label),)
        if named is None or (ranging and len(named) > 1):
            return None
        if ranging:
            first = days[-1]
            named = tuple((first + n) % 7 for n in range(1, (named[0] - first) % 7 + 1))
            ranging = False
        days += named
    return None if ranging else tuple(dict.fromkeys(days))


def _read_dates(record: OfferRecord, key: str, value: str) -> None:
    for piece in DATE_GAP.split(ascii_digits(value)):
        piece = piece.strip(" ,")
        if not piece:
            continue
        match = DATE_ITEM.fullmatch(piece.casefold())
        date = _date(match["date"]) if match else None
        if date is None:
            message = _('"%(value)s" is not a date. Write for example "%(example)s".')
            _problem(record, key, message, piece, example=DATE_EXAMPLE)
        elif not match["start"]:
            record.dates.append(DateRecord(date))
        elif times := _times(record, key, piece, match, DATE_EXAMPLE):
            record.dates.append(DateRecord(date, *times))


def _read_places(record: OfferRecord, key: str, value: str) -> None:
    for place in ITEMS.split(value):
        parts = [part.strip() for part in re.split(r"[,،]", place) if part.strip()]
        if not parts:
            continue
        record.places.append(_read_place(record, key, place.strip(), parts))


def _read_place(record: OfferRecord, key: str, place: str, parts: list[str]) -> PlaceRecord:
    """A place from the comma parts of "Name, Straße Nr, PLZ Ort" (the first two optional)."""
    found = PlaceRecord()
    last = parts[-1]
    before = parts[:-1]
    if match := re.fullmatch(r"(?:D\s*-\s*)?([0-9]+)(?:\s+(.+))?", ascii_digits(last), re.I):
        found.postcode, found.town = match[1], match[2] or ""
        try:
            validate_postcode(found.postcode)
        except ValidationError as error:
            message = _('In "%(value)s": %(problem)s')
            _problem(record, key, message, place, problem=error.messages[0])
    elif re.search("[0-9]", last):
        before = parts  # "Marienplatz 1" ends the place: a street without a town
    else:
        found.town = last
    if len(before) == 2:
        found.name, found.street = before
    elif before:
        with_digit = [i for i, part in enumerate(before) if re.search("[0-9]", part)]
        if with_digit or len(before) > 1:
            index = with_digit[-1] if with_digit else len(before) - 1
            found.street = before[index]
            before = before[:index] + before[index + 1 :]
        found.name = ", ".join(before)
    return found


def _read_website(record: OfferRecord, key: str, value: str) -> None:
    if re.match(r"[a-z]+:", value, re.I) and not re.match(r"https?://", value, re.I):
        message = _('"%(value)s" is not a website address. Write for example "www.example.de".')
        _problem(record, key, message, value)
        return
    record.website = value if re.match(r"https?://", value, re.I) else f"https://{value}"


READERS: dict[str, Callable[[OfferRecord, str, str], None]] = {
    **dict.fromkeys(("kind", "format", "org_type"), _read_choice),
    **dict.fromkeys(("categories", "target_groups", "spoken_languages"), _read_list),
    **dict.fromkeys(("valid_from", "valid_until"), _read_validity),
    **dict.fromkeys(BOOLEANS, _read_boolean),
    "slots": _read_slots,
    "dates": _read_dates,
    "places": _read_places,
    "organisation": lambda record, _key, value: setattr(record.organisation, "name", value),
    "website": _read_website,
    **dict.fromkeys(ONE_LINE_FIELDS, setattr),  # as written, once the control check passed
}
