"""Found in every language, in a real browser: the Farsi home page's own example query
finds the German-only German courses; a search without result shows help."""

import pytest
from django.utils import translation

from tests.factories import make_offer

pytestmark = pytest.mark.browser


@pytest.fixture
def courses(district):
    from search.indexing import index_offer

    tree, _offers = district
    found = [
        make_offer(tree, "Deutsch A1 am Abend", summary_de="Deutschkurs für Berufstätige."),
        make_offer(tree, "Integrationskurs mit Kinderbetreuung", summary_de="600 Stunden Deutsch."),
    ]
    for offer in found:
        index_offer(offer.pk)
    return found


def test_the_farsi_example_query_finds_german_courses(phone, courses):
    page = phone.go("/fa/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    example = page.locator("#home-q").get_attribute("placeholder")
    with translation.override("fa"):
        assert example == translation.gettext("e.g. German course")  # «مثلاً کلاس آلمانی»
    page.fill("#home-q", example)
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state("networkidle")
    titles = page.locator(".offer-card h3").all_inner_texts()
    assert set(titles[:2]) == {"Deutsch A1 am Abend", "Integrationskurs mit Kinderbetreuung"}
    # German titles keep their direction inside the right-to-left page.
    assert page.locator(".offer-card h3").first.get_attribute("dir") == "ltr"
    phone.shot("crosslang-01-fa-example-query")
    assert phone.horizontal_overflow() == 0
    assert phone.console_errors == []


def test_a_search_without_result_shows_help(phone, courses):
    page = phone.go("/fa/angebote/?q=" + "فوتبالل")  # a typo of "football"
    help_box = page.locator(".search-help")
    assert help_box.is_visible()
    link = help_box.locator(".search-help__did-you-mean a")
    assert link.inner_text() == "فوتبال"
    assert help_box.locator(".search-help__topics a").count() >= 1
    phone.shot("crosslang-02-fa-help")
    assert phone.horizontal_overflow() == 0
    assert phone.axe_violations() == []
    link.click()
    page.wait_for_load_state("networkidle")
    assert "Fußball für alle" in page.locator(".offer-card h3").all_inner_texts()
