"""Cells into offer records: every way of writing a value we accept, else a plain problem."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils.translation import override

from directory.constants.kinds import OfferKind
from directory.constants.languages import SPOKEN_LANGUAGES
from directory.i18n import SOURCE_LANGUAGE, site_languages
from directory.imports import columns
from directory.imports.cells import record_from_cells
from directory.imports.records import (
    DateRecord,
    OfferRecord,
    PlaceRecord,
    SlotRecord,
    to_json,
)


@pytest.fixture(autouse=True)
def _english():
    """Messages in English, so tests can read them."""
    with override("en"):
        yield


def read(**cells: str) -> OfferRecord:
    """The record of one row (row 7) whose headers are the keys in capitals."""
    cells = {key.replace("__", ":"): value for key, value in cells.items()}
    return record_from_cells(7, cells, {key: key.upper() for key in cells})


def messages(record: OfferRecord) -> list[str]:
    return [problem.message for problem in record.problems]


def t(hours: int, minutes: int = 0) -> dt.time:
    return dt.time(hours, minutes)


# Texts


def test_texts_go_to_their_language():
    record = read(
        title="Sprachcafé",
        title__ar="مقهى اللغة",
        summary="Deutsch sprechen.\nBei Kaffee.",
        description="Erster Absatz.\n\n\tZweiter Absatz.",
        cost_note="2 € pro Treffen",
        schedule_note="nicht in den Ferien",
    )
    assert record.row == 7
    assert record.problems == []
    assert record.texts["title"] == {SOURCE_LANGUAGE: "Sprachcafé", "ar": "مقهى اللغة"}
    assert record.text("description", SOURCE_LANGUAGE) == "Erster Absatz.\n\n\tZweiter Absatz."
    assert record.text("summary", SOURCE_LANGUAGE) == "Deutsch sprechen.\nBei Kaffee."
    assert record.text("schedule_note", SOURCE_LANGUAGE) == "nicht in den Ferien"


def test_markup_stays_plain_data():
    record = read(title="</script><script>alert(1)</script>", description="<b>fett</b> & <i>")
    assert record.problems == []
    assert record.text("title", SOURCE_LANGUAGE) == "</script><script>alert(1)</script>"
    assert record.text("description", SOURCE_LANGUAGE) == "<b>fett</b> & <i>"


@pytest.mark.parametrize(
    ("title", "cleaned"),
    [
        ("Zeile eins\nZeile zwei", "Zeile eins Zeile zwei"),
        ("Zeile eins\r\nZeile zwei", "Zeile eins Zeile zwei"),
        ("Café\u202egnp.exe", "Cafégnp.exe"),
        ("A\x07B", "A B"),
        ("Tab\tgetrennt", "Tab getrennt"),
    ],
)
def test_line_breaks_and_control_characters_in_a_title_are_problems(title, cleaned):
    record = record_from_cells(3, {"title": title}, {"title": "Name des Angebots"})
    assert len(record.problems) == 1
    assert record.problems[0].column == "Name des Angebots"  # as the file calls it
    assert "one line" in record.problems[0].message
    # Not passed on: the preview shows the text without them, and the row is not imported.
    assert record.text("title", SOURCE_LANGUAGE) == cleaned


def test_control_characters_in_running_text_are_problems():
    record = read(description="Gut\x00Text\n\tmit Absatz", title__ar="عنوان\u202e")
    assert [p.column for p in record.problems] == ["DESCRIPTION", "TITLE:AR"]
    assert "control characters" in record.problems[0].message
    assert record.texts == {
        "description": {"de": "Gut Text\n\tmit Absatz"},
        "title": {"ar": "عنوان"},
    }


@pytest.mark.parametrize("key", ["contact_phone", "messenger", "organisation", "kind", "places"])
def test_direction_override_is_refused_everywhere(key):
    record = read(**{key: "0881\u202e 123"})
    assert record.problems[0].column == key.upper()
    assert "control characters" in record.problems[0].message
    assert "\u202e" not in json.dumps(to_json(record), ensure_ascii=False)


# Choices


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("activity", "activity"),
        ("Activity / encounter", "activity"),
        ("activity & encounter", "activity"),
        ("Begegnung", "activity"),
        ("  aktivität ", "activity"),
        ("Beratung", "counselling"),
        ("COUNSELLING SERVICE", "counselling"),
        ("Vereinsangebot", "club_offer"),
        ("Kurs", "course"),
        ("Ehrenamt", "volunteering"),
    ],
)
def test_kinds_by_slug_label_and_german_word(text, kind):
    record = read(kind=text)
    assert (record.kind, record.problems) == (kind, [])


@pytest.mark.parametrize("language", site_languages())
def test_kinds_by_label_in_every_site_language(language):
    with override(language):
        label = str(OfferKind.COURSE.label)
    assert read(kind=label).kind == "course"


def test_unknown_kind_lists_the_choices_in_the_active_language():
    record = read(kind="Party")
    assert record.kind == ""
    assert record.problems[0].column == "KIND"
    assert record.problems[0].message.startswith('"Party" is not on the list for this column.')
    assert "Course" in record.problems[0].message
    with override("de"):
        assert "Kurs" in messages(read(kind="Party"))[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("", "in_person"),
        ("vor Ort", "in_person"),
        ("In person", "in_person"),
        ("Online", "online"),
        ("hybrid", "hybrid"),
        ("vor Ort und online", "hybrid"),
        ("Vor Ort & online", "hybrid"),
    ],
)
def test_formats(text, value):
    assert read(format=text).format == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Verein", "verein"),
        ("e.V.", "verein"),
        ("Club or association", "verein"),
        ("Wohlfahrtsverband", "wohlfahrtsverband"),
        ("Behörde", "behoerde"),
        ("Amt", "behoerde"),
        ("Kirche", "kirche"),
        ("Migrantenorganisation", "migrantenorganisation"),
        ("MSO", "migrantenorganisation"),
        ("Bildungsträger", "bildungstraeger"),
        ("VHS", "bildungstraeger"),
        ("Privatperson", "privatperson"),
    ],
)
def test_organisation_types(text, value):
    record = read(organisation="Helferkreis Weilheim e.V.", org_type=text)
    assert record.organisation.name == "Helferkreis Weilheim e.V."
    assert (record.organisation.org_type, record.problems) == (value, [])


def test_unknown_organisation_type_is_a_problem():
    record = read(org_type="Firma")
    assert record.organisation.org_type == ""
    assert "Club or association" in messages(record)[0]


# Lists


@pytest.mark.parametrize(
    ("text", "values"),
    [
        (
            "Sprache & Bildung; Begegnung & Freizeit",
            ["language-education", "encounter-leisure"],
        ),
        ("Sprache und Bildung, Sport", ["language-education", "sport"]),
        ("Familie · Frauen · Kinder\nGesundheit", ["family-women-children", "health"]),
        ("sport / health / Sport", ["sport", "health"]),
        ("Language & education", ["language-education"]),
    ],
)
def test_categories(text, values):
    record = read(categories=text)
    assert (record.categories, record.problems) == (values, [])


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Arabisch", ["ar"]),
        ("arabic", ["ar"]),
        ("AR", ["ar"]),
        ("العربية", ["ar"]),
        ("Deutsch, Arabisch / Farsi", ["de", "ar", "fa"]),
        ("Deutsch und Türkisch", ["de", "tr"]),
        ("Türkçe; Українська", ["tr", "uk"]),
        ("Kurmanji", ["kmr"]),
    ],
)
def test_spoken_languages(text, codes):
    record = read(spoken_languages=text)
    assert (record.spoken_languages, record.problems) == (codes, [])


def test_every_language_by_code_and_native_name():
    for code, _label, native in SPOKEN_LANGUAGES:
        assert read(spoken_languages=code).spoken_languages == [code]
        assert read(spoken_languages=native).spoken_languages == [code]


def test_target_groups():
    assert read(target_groups="Frauen und Kinder").target_groups == ["women", "children"]
    assert read(target_groups="Refugees; older people").target_groups == ["refugees", "seniors"]


def test_unknown_list_items_are_named_and_the_rest_kept():
    record = read(spoken_languages="Deutsch, Klingonisch, Arabisch")
    assert record.spoken_languages == ["de", "ar"]
    assert len(record.problems) == 1
    assert record.problems[0].message.startswith('"Klingonisch" is not on the list')


# Yes and no


@pytest.mark.parametrize("text", ["ja", "Ja", "yes", "x", "X", "1", "true", "WAHR", "✓"])
def test_yes(text):
    record = read(childcare=text, interpreter_available=text, wheelchair_accessible=text)
    assert record.childcare and record.interpreter_available and record.wheelchair_accessible


@pytest.mark.parametrize("text", ["nein", "no", "", "0", "false", "Falsch"])
def test_no(text):
    record = read(registration_required=text, is_free=text)
    assert not record.registration_required
    assert not record.is_free or text == ""  # empty "free" means free
    assert record.problems == []


def test_unknown_yes_or_no_is_a_problem():
    record = read(childcare="vielleicht")
    assert record.childcare is False
    assert messages(record) == ['"vielleicht" is not yes or no. Write "ja" or "nein".']


def test_free_follows_the_cost_note_when_empty():
    assert read(title="A").is_free is True
    assert read(is_free="", cost_note="2 €").is_free is False
    assert read(cost_note="2 €").is_free is False
    assert read(is_free="ja", cost_note="Spende erwünscht").is_free is True


# Validity


@pytest.mark.parametrize("text", ["31.12.2027", "31.12.27", "2027-12-31", "31.12.2027 00:00"])
def test_valid_until(text):
    record = read(valid_until=text, valid_from="1.1.2027")
    assert record.valid_until == dt.date(2027, 12, 31)
    assert record.valid_from == dt.date(2027, 1, 1)


@pytest.mark.parametrize("text", ["31.02.2027", "2027-13-01", "Ende 2027", "31/12/2027"])
def test_invalid_validity_is_a_problem(text):
    record = read(valid_from=text)
    assert record.valid_from is None
    assert messages(record)[0].endswith('Write for example "31.12.2027".')


# Weekly times


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        ("Mo 15:00–17:00; Mi 15:00–17:00", [(0, t(15), t(17)), (2, t(15), t(17))]),
        ("Montag 15-17 Uhr", [(0, t(15), t(17))]),
        ("Di, Do 9:00-12:00", [(1, t(9), t(12)), (3, t(9), t(12))]),
        ("Sa 10.00 - 12.00", [(5, t(10), t(12))]),
        ("Mo 15-17, Mi 15-17", [(0, t(15), t(17)), (2, t(15), t(17))]),
        ("Mo 15:00–17:00\nFr 9 bis 11:30 Uhr", [(0, t(15), t(17)), (4, t(9), t(11, 30))]),
        ("Mittwoch, Freitag 9-12", [(2, t(9), t(12)), (4, t(9), t(12))]),
        ("Mon 8:30–12:00, 14:00–16:00", [(0, t(8, 30), t(12)), (0, t(14), t(16))]),
        ("Tuesday 18:00 to 20:00", [(1, t(18), t(20))]),
        ("dienstags 18-20 Uhr und donnerstags 9-10", [(1, t(18), t(20)), (3, t(9), t(10))]),
        ("So 10–24 Uhr", [(6, t(10), t(23, 59))]),
        ("Mo ١٥:٠٠–١٧:٠٠", [(0, t(15), t(17))]),
    ],
)
def test_weekly_times(text, slots):
    record = read(slots=text)
    assert record.problems == []
    assert record.slots == [SlotRecord(*slot) for slot in slots]


def test_ranges_of_days():
    workdays = read(slots="Mo–Fr 8:30–12:00").slots
    assert [slot.weekday for slot in workdays] == [0, 1, 2, 3, 4]
    assert workdays[0] == SlotRecord(0, t(8, 30), t(12))
    assert [s.weekday for s in read(slots="Montag bis Mittwoch 9-10").slots] == [0, 1, 2]
    assert [s.weekday for s in read(slots="Fr-Mo 9-10").slots] == [4, 5, 6, 0]


def test_weekday_named_in_another_site_language():
    with override("ar"):
        from directory.constants.weekdays import Weekday

        monday = str(Weekday.MONDAY.label)
    assert read(slots=f"{monday} ١٥:٠٠-١٧:٠٠").slots == [SlotRecord(0, t(15), t(17))]


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("Mx 15:00–17:00", '"Mx 15:00–17:00" is not a weekday and time. Write for example'),
        ("15:00–17:00", '"15:00–17:00" is not a weekday and time.'),
        ("jeden zweiten Dienstag", '"jeden zweiten Dienstag" is not a weekday and time.'),
        ("Mo 15:00", '"Mo 15:00" has no end time.'),
        ("Mo 17:00–15:00", 'In "Mo 17:00–15:00" the end is not after the start.'),
        ("Mo 15:00–15:00", 'In "Mo 15:00–15:00" the end is not after the start.'),
        ("Mo 25:00–26:00", '"Mo 25:00–26:00" has a time that does not exist.'),
        ("Mo 15:75–16:00", '"Mo 15:75–16:00" has a time that does not exist.'),
    ],
)
def test_unreadable_weekly_times_are_problems(text, start):
    record = read(slots=f"Di 9-10; {text}")
    assert record.slots == [SlotRecord(1, t(9), t(10))]  # the good part is kept
    assert len(record.problems) == 1
    assert record.problems[0].column == "SLOTS"
    assert record.problems[0].message.startswith(start)


# Single dates


def test_single_dates():
    record = read(dates="12.03.2027 18:00–20:00; 19.03.2027\n2027-04-02 10 Uhr, Do, 08.04.27")
    assert record.problems == []
    assert record.dates == [
        DateRecord(dt.date(2027, 3, 12), t(18), t(20)),
        DateRecord(dt.date(2027, 3, 19)),
        DateRecord(dt.date(2027, 4, 2), t(10)),
        DateRecord(dt.date(2027, 4, 8)),
    ]


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("31.02.2027", '"31.02.2027" is not a date.'),
        ("März 2027", '"März 2027" is not a date.'),
        ("12.03.2027 20:00–18:00", 'In "12.03.2027 20:00–18:00" the end is not after'),
    ],
)
def test_unreadable_dates_are_problems(text, start):
    record = read(dates=text)
    assert record.dates == []
    assert messages(record)[0].startswith(start)


# Places


@pytest.mark.parametrize(
    ("text", "place"),
    [
        (
            "Mehrgenerationenhaus, Marienplatz 1, 82362 Weilheim",
            PlaceRecord("Mehrgenerationenhaus", "Marienplatz 1", "82362", "Weilheim"),
        ),
        ("Marienplatz 1, 82362 Weilheim", PlaceRecord("", "Marienplatz 1", "82362", "Weilheim")),
        ("82362 Weilheim", PlaceRecord("", "", "82362", "Weilheim")),
        ("Weilheim", PlaceRecord("", "", "", "Weilheim")),
        ("Pfarrheim, Weilheim", PlaceRecord("Pfarrheim", "", "", "Weilheim")),
        ("Rathaus, Am Anger, Weilheim", PlaceRecord("Rathaus", "Am Anger", "", "Weilheim")),
        (
            "Pfarrheim, St. Marien, Kirchplatz 3, 82362 Weilheim i. OB",
            PlaceRecord("Pfarrheim, St. Marien", "Kirchplatz 3", "82362", "Weilheim i. OB"),
        ),
        ("Jugendhaus, Pöltnerstraße 12", PlaceRecord("Jugendhaus", "Pöltnerstraße 12")),
        ("D-01067 Dresden", PlaceRecord("", "", "01067", "Dresden")),
    ],
)
def test_places(text, place):
    record = read(places=text)
    assert (record.places, record.problems) == ([place], [])


def test_several_places():
    record = read(places="Marienplatz 1, 82362 Weilheim;\n86956 Schongau\nPenzberg")
    assert [place.town for place in record.places] == ["Weilheim", "Schongau", "Penzberg"]


@pytest.mark.parametrize("postcode", ["8236", "823620"])
def test_postcode_not_of_five_digits_is_a_problem(postcode):
    record = read(places=f"Pfarrheim, {postcode} Weilheim")
    assert record.places[0].town == "Weilheim"
    assert messages(record) == [
        f'In "Pfarrheim, {postcode} Weilheim": '
        "Enter a German postcode of five digits, for example 82362."
    ]


# Contact


def test_contact_fields_and_website():
    record = read(
        contact_name=" Frau Huber ",
        contact_phone="0881 555-0123",
        contact_email="info@helferkreis.de",
        website="www.helferkreis.de",
        messenger="Signal: 0151 5550123",
    )
    assert record.problems == []
    assert record.contact_name == "Frau Huber"
    assert record.contact_phone == "0881 555-0123"
    assert record.contact_email == "info@helferkreis.de"
    assert record.website == "https://www.helferkreis.de"
    assert record.messenger == "Signal: 0151 5550123"
    assert read(website="http://example.de/a").website == "http://example.de/a"


@pytest.mark.parametrize("website", ["javascript:alert(1)", "mailto:a@b.de", "ftp://x.de"])
def test_website_with_another_scheme_is_a_problem(website):
    record = read(website=website)
    assert record.website == ""
    assert "is not a website address" in messages(record)[0]


def test_line_break_in_a_contact_field_is_a_problem():
    record = read(contact_name="Frau Huber\r\nHerr Maier")
    assert record.contact_name == "Frau Huber Herr Maier"
    assert record.problems[0].column == "CONTACT_NAME"
    assert "one line" in record.problems[0].message


# Whatever the cell, no exception


HOSTILE = [
    "\x00",
    "\u202e",
    ";;;",
    "---",
    ",,/,/",
    "99:99-",
    "Mo–",
    "– Fr 9-10",
    "bis bis",
    "0.0.0",
    "٣",
    "²³",
    "①",
    "x" * 5000,
    "Mo " * 500 + "9-10",
    "12.03.2027 " * 200,
    "(" * 100,
    "\\d+",
]


def test_no_cell_makes_reading_fail():
    keys = [column.key for column in columns.COLUMNS]
    keys += [key for key, _header, _label in columns.translation_columns()]
    for value in HOSTILE:
        record = record_from_cells(2, dict.fromkeys(keys, value), {k: k for k in keys})
        assert isinstance(record, OfferRecord)
        assert all(problem.message for problem in record.problems)
