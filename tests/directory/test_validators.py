"""Hostile text: control characters refused on one line, invisible direction marks removed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from directory.models import OfferLocation
from directory.validators import strip_invisible, validate_one_line, validate_text
from tests.factories import build_offer, make_offer

from .conftest import STEP_ANSWERS


@pytest.mark.parametrize(
    "title",
    [
        "Sprachcafé\rX-INJECTED:1\rBEGIN:VALARM",
        "Sprachcafé\r\nBcc: everyone@example.org",
        "Sprachcafé\nzweite Zeile",
        "Tab\tim Titel",
        "Escape\x1b[31m",
        "Trenner\u2028Zeile",
    ],
)
def test_a_title_with_a_control_character_is_refused_with_a_clear_message(client, site_tree, title):
    with translation.override("en"):
        response = client.post("/en/submit/what/", {**STEP_ANSWERS["what"], "title": title})
    assert response.status_code == 200
    assert "Please write this on one line" in response.content.decode()


def test_line_breaks_stay_allowed_in_running_text(client, site_tree):
    answers = {**STEP_ANSWERS["what"], "description": "Erster Absatz.\r\n\r\nZweiter Absatz."}
    assert client.post("/de/submit/what/", answers).status_code == 302


def test_direction_overrides_and_zero_width_characters_are_removed_but_persian_keeps_its_joiners(
    client, site_tree
):
    answers = {
        **STEP_ANSWERS["what"],
        "title": "\u202egnp.exe\u200b",
        "summary": "\u2067کلاس‌های\u2069 زبان\ufeff",
    }
    assert client.post("/fa/submit/what/", answers).status_code == 302
    review = client.session["offer_submission"]["answers"]["what"]
    assert review["title"] == "\u202egnp.exe\u200b"  # stored as typed, cleaned when bound
    from directory.forms.offer_steps import WhatForm

    form = WhatForm(data=review)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "gnp.exe"
    assert form.cleaned_data["summary"] == "کلاس‌های زبان"
    assert "\u200c" in form.cleaned_data["summary"]  # the Persian zero-width non-joiner stays


@pytest.mark.parametrize("postcode", ["٨٢٣٦٢", "８２３６２", "8236²", "82\n362"])
def test_a_postcode_takes_ascii_digits_only(client, site_tree, postcode):
    answers = {**STEP_ANSWERS["where"], "postcode": postcode}
    with translation.override("en"):
        response = client.post("/en/submit/where/", answers)
    assert response.status_code == 200
    assert "German postcode of five digits" in response.content.decode()


def test_the_models_refuse_control_characters_too(site_tree):
    """The admin's forms validate through the model, so moderators get the same rule."""
    offer = build_offer(site_tree, "Gut", organisation=None)
    offer.title_ar = "عنوان\r\nX-Header: 1"
    offer.schedule_note = "jeden\rDienstag"
    offer.summary = "Text\x07mit Klingel"
    with pytest.raises(ValidationError) as refused:
        offer.full_clean(exclude=["path", "depth", "organisation", "content_type"])
    assert {"title_ar", "schedule_note", "summary"} <= set(refused.value.message_dict)
    place = OfferLocation(postcode="82362", town="Weilheim\u202e")
    with pytest.raises(ValidationError) as refused:
        place.full_clean(exclude=["page"])
    assert set(refused.value.message_dict) == {"town"}


def test_the_rules_in_one_place():
    assert strip_invisible("a\u202eb\u2066c\u200bd\u200ce") == "abcd\u200ce"
    for text in ("ok", "نیم‌فاصله", "👩‍👧"):
        validate_one_line(text)
        validate_text(text + "\nnext")
    with pytest.raises(ValidationError):
        validate_text("a\x00b")


def test_titles_from_people_are_isolated_in_cards_and_pages(
    client, site_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # indexing runs after commit
        offer = make_offer(site_tree, "Sprachcafé Ost")
    html = client.get("/ar/angebote/", {"q": "Sprachcafé"}).content.decode()
    assert "<bdi>Sprachcafé Ost</bdi>" in html
    page = client.get(f"/ar/angebote/{offer.slug}/").content.decode()
    assert f"<bdi>{offer.organisation.title}</bdi>" in page
    assert "<bdi>82362 Weilheim i. OB</bdi>" in page  # postcode and town: one isolated line
