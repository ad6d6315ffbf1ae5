"""Translated content: German is the source, other languages fall back to it visibly."""

import pytest
from django.utils import translation

from tests.factories import make_offer

pytestmark = pytest.mark.django_db


def test_translated_fields_follow_active_language(site_tree):
    offer = make_offer(
        site_tree,
        "Sprachcafé",
        title_ar="مقهى اللغة",
        summary_ar="تحدث الألمانية مع القهوة والكعك.",
    )
    with translation.override("ar"):
        assert offer.title == "مقهى اللغة"
        assert offer.summary.startswith("تحدث")
        assert offer.has_translation()
    with translation.override("de"):
        assert offer.title == "Sprachcafé"


def test_missing_translation_falls_back_to_german(site_tree):
    offer = make_offer(site_tree, "Sprachcafé")
    with translation.override("uk"):
        assert offer.title == "Sprachcafé"
        assert offer.summary == "Deutsch sprechen bei Kaffee und Kuchen."
        assert not offer.has_translation()
    assert offer.has_translation("de")


def test_slug_is_the_same_in_every_language(site_tree):
    offer = make_offer(site_tree, "Sprachcafé", title_ar="مقهى اللغة", slug="sprachcafe")
    for language in ("de", "ar", "uk"):
        with translation.override(language):
            assert offer.get_url().endswith("/angebote/sprachcafe/")
