"""The search form: what each parameter accepts, on the result page and in the API alike."""

import re

import pytest
from django.core.exceptions import ValidationError

from search.forms import OfferSearchForm, OneLineTextField
from search.openapi import ONE_LINE

# Digits other than ASCII 0-9: str.isdigit() says yes to all of these, int() only to some.
UNICODE_DIGITS = ["①", "²", "¹", "٣", "３", "৩", "۳"]


@pytest.mark.parametrize("value", [*UNICODE_DIGITS, " 1", "7", "-0", "+1", "1.0", "\x00"])
def test_open_on_refuses_anything_but_ascii_weekday_numbers(value, db):
    form = OfferSearchForm({"open_on": value})
    assert not form.is_valid()
    assert list(form.errors) == ["open_on"]


@pytest.mark.parametrize(
    "value, weekday",
    [("0", 0), ("6", 6), ("monday", 0), ("Sunday", 6), ("FRIDAY", 4), ("", None)],
)
def test_open_on_reads_numbers_and_english_names(value, weekday, db):
    form = OfferSearchForm({"open_on": value})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["open_on"] == weekday


@pytest.mark.parametrize(
    "data",
    [
        {"page": "٣"},
        {"page_size": "²"},
        {"radius_km": "٥", "near": "Peiting"},
        {"near": "٤٧,١١"},
        {"near": "47,\u0661\u0661"},
    ],
)
def test_unicode_digits_are_not_numbers(data, db):
    form = OfferSearchForm(data)
    assert not form.is_valid()


def test_ascii_coordinates_are_a_point(db):
    form = OfferSearchForm({"near": " 47.84 , 11.15 "})
    assert form.is_valid(), form.errors
    assert (form.point.latitude, form.point.longitude) == (47.84, 11.15)


@pytest.mark.parametrize("name", ["q", "near"])
@pytest.mark.parametrize("text", ["a\x00b", "a\nb", "a\tb", "a\x1bb", "a\x85b", "a\u2028b"])
def test_one_line_fields_refuse_control_characters_with_one_message(name, text, db):
    form = OfferSearchForm({name: text})
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()[name]] == ["control_characters"]


def test_invisible_direction_characters_are_removed_not_refused(db):
    form = OfferSearchForm({"q": "\u202eSprach\u200bcafé\ufeff", "near": "\u2067Peiting\u2069"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["q"] == "Sprachcafé"
    assert form.cleaned_data["near"] == "Peiting"


def test_length_limit_counts_the_text_as_sent():
    field = OneLineTextField(max_length=5, required=False)
    assert field.clean("  abc") == "abc"
    with pytest.raises(ValidationError, match="5"):
        field.clean("  abcd")


def test_openapi_one_line_pattern_refuses_exactly_what_the_field_refuses():
    """Every character up to U+3000 and the astral ones we know: field and document agree."""
    field = OneLineTextField(required=False)
    pattern = re.compile(ONE_LINE)
    for code in [*range(0x3000), 0xFEFF, 0x1F600, 0xE0001]:
        text = f"a{chr(code)}b"
        try:
            field.clean(text)
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted == bool(pattern.match(text)), f"U+{code:04X}"


def test_result_page_shows_an_error_for_a_unicode_weekday(client, site_tree):
    response = client.get("/de/angebote/", {"open_on": "①"})
    assert response.status_code == 200
    assert "open_on" in response.context["search_form"].errors
    assert 'class="error-summary"' in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [{"q": "Sprach\x00café"}, {"near": "\x00"}, {"near": "Weil\u202eheim\x07"}, {"page": "٣"}],
)
def test_result_page_shows_errors_for_hostile_text(client, site_tree, params):
    response = client.get("/de/angebote/", params)
    assert response.status_code == 200
    assert set(response.context["search_form"].errors) == set(params)
