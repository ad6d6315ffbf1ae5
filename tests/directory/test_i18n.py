"""One registry of translated fields; one helper for "this field in X, else the source language"."""

from __future__ import annotations

from django.utils import translation

from directory import i18n
from directory.models import OfferLocation, OfferPage, OrganisationPage


def test_translated_fields_come_from_modeltranslation_once():
    fields = i18n.translated_fields(OfferPage)
    for name in ("title", "summary", "description", "cost_note", "schedule_note", "image_alt"):
        assert name in fields
    assert "kind" not in fields and "contact_phone" not in fields
    assert i18n.translated_fields(OfferLocation) == ("transit_note",)
    assert "description" in i18n.translated_fields(OrganisationPage)


def test_a_text_falls_back_to_the_source_language_and_says_so(db):
    offer = OfferPage(title="Sprachcafé")
    i18n.set_text(offer, "summary", "de", "Deutsch sprechen.")
    i18n.set_text(offer, "summary", "ar", "  تحدث الألمانية.  ")
    assert i18n.text_in(offer, "summary", "ar") == ("تحدث الألمانية.", "ar")
    assert i18n.text_in(offer, "summary", "fa") == ("Deutsch sprechen.", "de")
    assert i18n.own_text(offer, "summary", "fa") == ""
    assert i18n.column("summary", "uk") == "summary_uk"


def test_the_source_language_comes_from_settings(settings):
    assert i18n.SOURCE_LANGUAGE == settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    assert i18n.site_languages()[0] == i18n.SOURCE_LANGUAGE
    assert sorted(i18n.site_languages()) == sorted(code for code, _n in settings.LANGUAGES)
    with translation.override("fa-ir"):
        assert i18n.active_language() == "fa"


def test_every_text_the_offer_form_writes_is_a_translated_field(site_tree):
    """The form's answers map onto the registry; a field missing there would be lost."""
    from directory.offer_answers import apply_answers
    from tests.directory.conftest import STEP_ANSWERS

    offer = OfferPage()
    answers = {**STEP_ANSWERS["what"], **STEP_ANSWERS["who"], "categories": [], "is_free": True}
    answers.update(spoken_languages=[], format="online")
    apply_answers(offer, answers, "uk", organisation=None)
    written = {
        name for name in i18n.translated_fields(OfferPage) if i18n.own_text(offer, name, "uk")
    }
    assert {"title", "summary", "description"} <= written
    assert i18n.own_text(offer, "title", "de") == STEP_ANSWERS["what"]["title"]
