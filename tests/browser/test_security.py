"""Hostile offer titles stay text, and the strict Content-Security-Policy breaks no page.

Two published offers carry titles written to break out of the map's data and run a
script. The browser must show them as plain text, open no dialog, and report no policy
violation; every public page, the map with a tile server and the admin must work under
their policies without a violation or a console error.
"""

from __future__ import annotations

import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import translation
from PIL import Image

from tests.factories import make_offer

pytestmark = pytest.mark.browser

HOSTILE_TITLES = ["</script/", "x><img src=x onerror=alert(document.domain)//"]
WORD = "Hausaufgabenhilfe"  # in both offers' summaries, so one search finds both

# Runs in every document before its own scripts: keeps each policy violation the browser
# reports, so a test can read them after the page has loaded.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") + ": " + event.sample
  );
}, true);
"""


@pytest.fixture
def hostile_offers(district):
    """Two approved, indexed offers in Peißenberg whose titles are markup."""
    tree, _offers = district
    offers = []
    for n, title in enumerate(HOSTILE_TITLES):
        offers.append(
            make_offer(
                tree,
                title,
                slug=f"hostile-{n}",
                summary=f"{WORD} für Schulkinder, dienstags.",
                summary_de=f"{WORD} für Schulkinder, dienstags.",
                places=(
                    {
                        "name": "Bücherei",
                        "postcode": "82380",
                        "town": "Peißenberg",
                        "latitude": 47.8020 + n * 0.0015,
                        "longitude": 11.0650 + n * 0.0015,
                    },
                ),
            )
        )
    with translation.override("de"):
        from search.indexing import index_offer

        for offer in offers:
            index_offer(offer.pk)
    return offers


@pytest.fixture
def watched(phone):
    """The phone, recording policy violations and dialogs (an alert would be the attack)."""
    phone.context.add_init_script(script=RECORD_VIOLATIONS)
    phone.dialogs = []

    def dismiss(dialog) -> None:
        phone.dialogs.append(dialog.message)
        dialog.dismiss()

    phone.page.on("dialog", dismiss)
    return phone


def visit(tab, path: str) -> dict[str, str]:
    """Open a page and wait for it to settle; returns its response headers (lower-case names)."""
    response = tab.page.goto(tab.base_url + path)
    tab.page.wait_for_load_state("networkidle")
    assert response is not None and response.ok, path
    return response.headers


def violations(tab) -> list[str]:
    """The policy violations the current page has reported so far."""
    return tab.page.evaluate("window.__cspViolations || []")


def assert_strict(headers: dict[str, str]) -> None:
    header = headers.get("content-security-policy", "")
    assert header, "no Content-Security-Policy header"
    directives = {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"], header
    assert directives["default-src"] == ["'self'"], header


def test_hostile_titles_on_the_map_stay_plain_text(watched, hostile_offers):
    from playwright.sync_api import expect  # here: without Playwright the tests skip

    page = watched.page
    assert page.viewport_size == {"width": 360, "height": 740}
    assert_strict(visit(watched, f"/de/angebote/?q={WORD}&view=map"))

    # Nothing from the titles became an element or an event handler.
    assert page.locator('img[src="x"]').count() == 0
    handlers = page.evaluate(
        """() => [...document.querySelectorAll('*')].flatMap(e =>
             [...e.attributes].filter(a => a.name.startsWith('on'))
                              .map(a => e.tagName + ' ' + a.name))"""
    )
    assert handlers == []
    # expect() polls from Playwright's side; wait_for_function would need eval(), which the
    # policy blocks (and which would then count as a violation).
    expect(page.locator("#offer-map .leaflet-marker-icon")).to_have_count(2)
    watched.shot("security-map-hostile-titles")
    # The data block holds the titles as data, whole.
    points = page.evaluate("JSON.parse(document.getElementById('map-points').textContent)")
    assert sorted(point[2] for point in points) == sorted(HOSTILE_TITLES)

    # The markers are named by the titles, and each popup links with the title as text.
    markers = page.locator("#offer-map .leaflet-marker-icon")
    assert sorted(markers.evaluate_all("els => els.map(e => e.title)")) == sorted(HOSTILE_TITLES)
    shown = []
    for index in range(2):
        markers.nth(index).click()
        link = page.locator("#offer-map .leaflet-popup-content a")
        link.wait_for()
        shown.append(link.inner_text())
        assert link.evaluate("a => a.children.length") == 0  # text, not markup
        page.click("#offer-map .leaflet-popup-close-button")
        link.wait_for(state="detached")
    assert sorted(shown) == sorted(HOSTILE_TITLES)

    assert watched.dialogs == []
    assert violations(watched) == []
    assert watched.console_errors == []


def test_the_strict_policy_breaks_no_public_page(watched, hostile_offers):
    page = watched.page
    paths = [
        "/de/",
        f"/de/angebote/?q={WORD}",
        "/de/angebote/sprachcafe/",
        f"/de/angebote/{hostile_offers[1].slug}/",
        "/de/submit/what/",
        "/ar/angebote/?view=map",
    ]
    for path in paths:
        assert_strict(visit(watched, path))
        assert violations(watched) == [], path
        if path == f"/de/angebote/?q={WORD}":
            titles = page.locator(".offer-card h3").all_inner_texts()
            assert sorted(titles) == sorted(HOSTILE_TITLES)
        if path.endswith(f"{hostile_offers[1].slug}/"):
            assert page.locator("h1").inner_text() == HOSTILE_TITLES[1]
            assert page.title().startswith(HOSTILE_TITLES[1])
    assert page.locator('img[src="x"]').count() == 0
    assert watched.dialogs == []
    assert watched.console_errors == []


def test_near_me_may_use_the_position_under_the_permissions_policy(watched, district):
    """geolocation=(self): our own "near me" button still gets the position."""
    watched.context.grant_permissions(["geolocation"], origin=watched.base_url)
    watched.context.set_geolocation({"latitude": 47.8115, "longitude": 10.8964})
    headers = visit(watched, "/de/")
    assert "geolocation=(self)" in headers["permissions-policy"]
    watched.page.click("[data-near-me]")
    watched.page.wait_for_url(re.compile(r"/de/angebote/\?.*near=47\.8115%2C10\.8964"))
    watched.page.wait_for_load_state("networkidle")
    assert "Fußball für alle" in watched.page.locator(".offer-card h3").all_inner_texts()
    assert violations(watched) == []
    assert watched.console_errors == []


class _TileHandler(BaseHTTPRequestHandler):
    """Answers GET /{z}/{x}/{y}.png with a PNG tile, as an OpenStreetMap tile server does."""

    tile = b""
    paths: list[str] = []

    def do_GET(self) -> None:
        self.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.tile)))
        self.end_headers()
        self.wfile.write(self.tile)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads ``paths`` instead."""


@pytest.fixture
def tile_server(settings):
    """A tile server on another origin (another port), set as the site's MAP_TILE_URL."""
    picture = io.BytesIO()
    Image.new("RGB", (256, 256), (170, 211, 223)).save(picture, format="PNG")
    handler = type("Tiles", (_TileHandler,), {"tile": picture.getvalue(), "paths": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.origin = f"http://127.0.0.1:{server.server_port}"
    settings.MAP_TILE_URL = handler.origin + "/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© OpenStreetMap contributors"
    yield handler
    server.shutdown()
    server.server_close()


def test_tiles_from_the_configured_server_are_allowed(watched, district, tile_server):
    page = watched.page
    headers = visit(watched, "/de/angebote/?view=map")
    assert_strict(headers)
    assert tile_server.origin in headers["content-security-policy"]
    page.wait_for_selector("#offer-map img.leaflet-tile-loaded")
    assert tile_server.paths, "the map asked the tile server for nothing"
    watched.shot("security-map-with-tiles")

    # The submission form's preview shows the found point on the same tiles, without a script.
    tile_server.paths.clear()
    visit(watched, "/de/submit/where/")
    page.check('input[name="format"][value="in_person"]')
    page.fill("#id_place_name", "Pfarrheim")
    page.fill("#id_postcode", "82362")
    page.fill("#id_town", "Weilheim")
    page.click(".actions button.button:not([name])")
    page.wait_for_load_state("networkidle")
    assert page.locator("svg.map-preview__tiles image").count() == 9
    assert len([p for p in tile_server.paths if p.startswith("/15/")]) == 9
    # The SVG's geometry moved the tiles: the middle tile (with the point) covers the middle.
    window = page.locator(".map-preview__window").bounding_box()
    middle = page.locator("svg.map-preview__tiles image").nth(4).bounding_box()
    centre_x, centre_y = window["x"] + window["width"] / 2, window["y"] + window["height"] / 2
    assert middle["x"] <= centre_x <= middle["x"] + middle["width"], (window, middle)
    assert middle["y"] <= centre_y <= middle["y"] + middle["height"], (window, middle)
    watched.shot("security-submission-map-preview")
    assert violations(watched) == []
    assert watched.console_errors == []


def test_the_admin_works_under_its_own_policy(watched, district, django_user_model):
    """Wagtail 8 needs inline scripts and styles in the admin, and no more than that."""
    _tree, offers = district
    django_user_model.objects.create_superuser("redaktion", "redaktion@example.org", "pw-admin-1")
    page = watched.page
    visit(watched, "/admin/login/")
    page.fill("#id_username", "redaktion")
    page.fill("#id_password", "pw-admin-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    for path in ("/admin/", f"/admin/pages/{offers[0].pk}/edit/", "/admin/images/"):
        header = visit(watched, path)["content-security-policy"]
        assert "'unsafe-inline'" in header and "'unsafe-eval'" not in header
        assert violations(watched) == [], path
    watched.shot("security-admin-offer-edit")
