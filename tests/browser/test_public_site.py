"""A newcomer's phone: search, filter, near a town, open an offer, Arabic, no sideways scrolling."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_search_filter_near_a_town_and_open_an_offer(phone, district):
    from playwright.sync_api import expect  # here: without Playwright the tests skip

    page = phone.go("/de/")
    phone.shot("01-home-de")
    assert phone.horizontal_overflow() == 0

    # Search by text from the home page.
    page.fill("#home-q", "Sprachcafe")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/de/angebote/" in page.url and "q=Sprachcafe" in page.url
    titles = page.locator(".offer-card h3").all_inner_texts()
    # The word match first; offers close in meaning (all talk of coffee and German) follow.
    assert titles[0] == "Sprachcafé im Mehrgenerationenhaus"
    phone.shot("02-results-text-de")
    assert phone.horizontal_overflow() == 0

    # A filter chip updates the results in place and the address shows the filter.
    page.goto(phone.base_url + "/de/angebote/")
    page.click("details.filter-panel summary")
    chip = page.locator("label.chip", has=page.locator('input[name="spoken_language"][value="ar"]'))
    assert re.search(r"\b2\b", chip.inner_text())  # two offers are held in Arabic
    chip.click()
    # expect() polls from Playwright's side: wait_for_function would need eval(), which the
    # Content-Security-Policy blocks.
    expect(page).to_have_url(re.compile(r"[?&]spoken_language=ar"))
    expect(page.locator(".offer-card")).to_have_count(2)
    assert sorted(page.locator(".offer-card h3").all_inner_texts()) == [
        "Migrationsberatung",
        "Sprachcafé im Mehrgenerationenhaus",
    ]
    phone.shot("03-results-filter-de")
    # The address can be shared: opening it shows the same results.
    shared = page.url
    page.goto(shared)
    assert page.locator(".offer-card").count() == 2

    # Near a town: Schongau within 5 km finds the football, with its distance.
    page.goto(phone.base_url + "/de/angebote/")
    page.click("details.filter-panel summary")  # place, order and filters wait behind it
    page.fill("#id_near", "Schongau")
    page.select_option("#id_radius_km", "5")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".offer-card h3").all_inner_texts() == ["Fußball für alle"]
    assert "km" in page.locator(".offer-card .meta").first.inner_text()
    phone.shot("04-results-near-schongau-de")

    # Open the offer.
    page.click(".offer-card h3 a")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Fußball für alle"
    assert page.locator("a[href^='geo:']").count() == 1
    phone.shot("05-offer-de")
    assert phone.horizontal_overflow() == 0
    assert phone.console_errors == []


def test_switch_to_arabic_gives_a_right_to_left_page(phone, district):
    page = phone.go("/de/angebote/sprachcafe/")
    page.click("details.languages summary")
    page.click("a[data-language=ar]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/ar/angebote/sprachcafe/")
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    assert page.locator("h1").inner_text() == "مقهى اللغة"
    # Mirrored: the brand sits on the right, the language menu on the left.
    brand = page.locator(".brand").bounding_box()
    menu = page.locator("details.languages").bounding_box()
    assert brand["x"] > menu["x"]
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    phone.shot("06-offer-ar")
    assert phone.horizontal_overflow() == 0

    # The choice is remembered: a fresh visit to a start page in another language
    # comes back to Arabic (browser storage, no cookie).
    page.goto(phone.base_url + "/de/")
    page.wait_for_url(re.compile(r"/ar/$"))
    assert phone.context.cookies() == []
    phone.shot("07-home-ar")
    assert phone.console_errors == []


PAGES = [
    "/{lang}/",
    "/{lang}/angebote/",
    "/{lang}/angebote/?q=beratung&near=Weilheim",
    "/{lang}/angebote/sprachcafe/",
    "/{lang}/angebote/?view=map",
    "/{lang}/organisationen/",
    "/{lang}/submit/what/",
    "/{lang}/report/{offer}/",
    "/{lang}/offer/{offer}/flyer/",
]


@pytest.mark.parametrize("language", ["de", "ar", "uk"])
def test_no_page_scrolls_sideways_or_logs_errors(phone, district, language):
    _tree, offers = district
    for template in PAGES:
        path = template.format(lang=language, offer=offers[0].pk)
        phone.go(path)
        assert phone.horizontal_overflow() == 0, (path, phone.overflowing())
        name = re.sub(r"[^a-z0-9]+", "-", path.lower().strip("/")).strip("-")
        phone.shot(f"pages-{name}")
    assert phone.console_errors == []


def test_browsing_sets_no_cookie_and_asks_no_other_site(phone, district):
    for path in (
        "/de/",
        "/de/angebote/?q=deutsch",
        "/ar/angebote/sprachcafe/",
        "/de/angebote/?view=map",
    ):
        phone.go(path)
    assert phone.context.cookies() == []
    foreign = [
        url
        for url in phone.requests
        if not url.startswith(phone.base_url) and not url.startswith("data:")
    ]
    assert foreign == []


def test_the_search_works_without_javascript(browser, live_server, district):
    from tests.browser.conftest import Phone

    tab = Phone(browser, live_server.url, java_script_enabled=False)
    page = tab.go("/de/angebote/")
    page.fill("#id_q", "Fussball")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".offer-card h3").all_inner_texts() == ["Fußball für alle"]
    page.click("details.filter-panel summary")  # opens without a script, too
    page.check('input[name="spoken_language"][value="en"]')
    page.click("details.filter-panel button[type=submit]")
    assert "spoken_language=en" in page.url
    assert page.locator(".offer-card").count() == 1
    tab.shot("08-results-without-javascript")
    tab.context.close()


def test_the_map_shows_the_offers(phone, district):
    page = phone.go("/de/angebote/?view=map")
    page.wait_for_selector("#offer-map .leaflet-marker-icon, #offer-map .marker-cluster")
    markers = page.locator("#offer-map .leaflet-marker-icon").count()
    assert markers >= 1
    phone.shot("09-map-de")
    assert phone.console_errors == []


def test_reflow_at_320_pixels_and_large_touch_targets(browser, live_server, district):
    """WCAG reflow: at 320 CSS px (1280 px at 400 %) nothing needs sideways scrolling."""
    from tests.browser.conftest import Phone

    tab = Phone(browser, live_server.url)
    tab.page.set_viewport_size({"width": 320, "height": 640})
    for path in (
        "/ar/",
        "/de/angebote/?q=beratung",
        "/uk/angebote/sprachcafe/",
        "/de/submit/what/",
    ):
        tab.go(path)
        assert tab.horizontal_overflow() == 0, (path, tab.overflowing())
        small = tab.page.evaluate(
            """() => [...document.querySelectorAll('main button, main .button, main .chip, '
                     + 'main .action, header summary, .tiles a')]
                 .filter(e => e.offsetParent !== null)
                 .filter(e => { const r = e.getBoundingClientRect();
                                return r.height < 44 || r.width < 44; })
                 .map(e => e.outerHTML.slice(0, 80))"""
        )
        assert small == [], path
    tab.context.close()
