"""Understood in every language, in a real browser: an offer a machine translated says so
in Arabic, and its original is one tap away."""

import pytest
from django.utils import translation

from tests.factories import make_offer
from tests.fakes.translation_servers import LibreTranslateHandler, serve

pytestmark = pytest.mark.browser


@pytest.fixture
def machine_translated(district, settings):
    """An offer published while LibreTranslate (a local server speaking its protocol) runs."""
    tree, _offers = district
    with serve(LibreTranslateHandler) as server:
        settings.MACHINE_TRANSLATION = "libretranslate"
        settings.LIBRETRANSLATE_URL = server.url
        settings.MACHINE_TRANSLATION_INLINE = True
        offer = make_offer(
            tree,
            "Nähcafé",
            slug="naehcafe",
            summary_de="Gemeinsam nähen, reden und Deutsch üben.",
            description_de="<p>Nähmaschinen sind da. Bringen Sie Stoff mit.</p>",
        )
        assert server.requests, "the offer was sent for translation"
    offer.refresh_from_db()
    assert offer.summary_ar == "[ar] Gemeinsam nähen, reden und Deutsch üben."
    return offer


def test_a_machine_translation_is_labelled_and_shows_the_original(phone, machine_translated):
    page = phone.go("/ar/angebote/naehcafe/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "[ar] Nähcafé"
    notice = page.locator(".machine-translated")
    with translation.override("ar"):
        label = translation.gettext("Automatically translated")
    assert label in notice.inner_text()
    original = notice.locator(".original")
    assert not original.is_visible()
    phone.shot("translation-01-ar-machine-label")
    notice.locator("summary").click()  # one tap
    assert original.is_visible()
    assert original.get_attribute("lang") == "de"
    assert original.get_attribute("dir") == "ltr"
    text = original.inner_text()
    assert "Gemeinsam nähen, reden und Deutsch üben." in text
    assert "Nähmaschinen sind da." in text
    phone.shot("translation-02-ar-original-shown")
    assert phone.horizontal_overflow() == 0
    assert phone.axe_violations() == []
    assert phone.console_errors == []


def test_a_human_translation_has_no_machine_label(phone, district):
    page = phone.go("/ar/angebote/sprachcafe/")
    assert page.locator("h1").inner_text() == "مقهى اللغة"
    assert page.locator(".machine-translated").count() == 0
