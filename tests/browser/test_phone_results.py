"""Results first on a phone: a topic tile's results start in the first screen, the filters
wait behind one button that says how many are set; a place-only search is by distance."""

import re

import pytest
from django.utils import translation

pytestmark = pytest.mark.browser
SCREEN_HEIGHT = 740


def test_a_topic_tile_shows_the_first_result_in_the_first_screen(phone, district):
    page = phone.go("/ar/")
    page.locator("a[href*='category=encounter-leisure']").first.click()
    page.wait_for_load_state("networkidle")
    count = page.locator(".result-bar .count").bounding_box()
    card = page.locator(".offer-card").first.bounding_box()
    assert count["y"] + count["height"] <= SCREEN_HEIGHT
    assert card["y"] < SCREEN_HEIGHT - 100  # its title, at least, without scrolling
    panel = page.locator("details[data-filter-panel]")
    assert panel.get_attribute("open") is None
    with translation.override("ar"):
        label = translation.ngettext("%(n)s set", "%(n)s set", 1) % {"n": 1}
    assert label in panel.locator("summary").inner_text()
    phone.shot("results-first-ar")
    # The panel opens with one tap; a change there updates the results in place.
    panel.locator("summary").click()
    assert page.locator("#id_near").is_visible()
    assert phone.horizontal_overflow() == 0
    assert phone.axe_violations() == []


def test_a_place_only_search_is_sorted_by_distance(phone, district):
    page = phone.go("/de/angebote/?near=Schongau")
    distances = [
        float(re.search(r"([\d,]+)\s*km", text).group(1).replace(",", "."))
        for text in page.locator(".offer-card").all_inner_texts()
        if re.search(r"[\d,]+\s*km", text)
    ]
    assert len(distances) >= 2 and distances == sorted(distances)
    assert page.locator(".offer-card h3").first.inner_text() == "Fußball für alle"


def test_german_address_and_phone_keep_their_order_in_arabic(phone, district):
    page = phone.go("/ar/angebote/sprachcafe/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    town_line = page.locator(".place address bdi").last
    assert town_line.inner_text() == "82362 Weilheim i. OB"
    # Isolated and laid out left to right inside the right-to-left page.
    assert town_line.evaluate("e => getComputedStyle(e).direction") == "ltr"
    phone_link = page.locator(".contact a[href^='tel:']")
    assert phone_link.inner_text() == "0881 555-0123"
    assert phone_link.evaluate("e => getComputedStyle(e).direction") == "ltr"
    phone.shot("address-order-ar")
    assert phone.horizontal_overflow() == 0
