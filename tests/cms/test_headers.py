"""Security headers: a strict Content-Security-Policy, a Permissions-Policy, HSTS preload opt-in."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import override_settings

from cms.security_policy import tile_origins
from tests.factories import make_offer

ROOT = Path(__file__).resolve().parents[2]
TILES = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
WHERE = {"format": "in_person", "place_name": "Pfarrheim", "postcode": "82362", "town": "Weilheim"}

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def offer(site_tree):
    return make_offer(site_tree, "Sprachcafé", slug="sprachcafe")


PUBLIC = {
    "home": "/de/",
    "results": "/de/angebote/?q=Sprachcafe",
    "map": "/de/angebote/?view=map",
    "offer": "/de/angebote/sprachcafe/",
    "submission form": "/de/submit/what/",
    "start redirect": "/",
    "not found": "/de/gibt-es-nicht/",
    "API": "/api/v1/offers/?q=Sprachcafe",
    "static file": "/static/img/icons.svg",
}


@pytest.mark.parametrize("path", PUBLIC.values(), ids=PUBLIC.keys())
def test_public_responses_carry_the_strict_policy(client, offer, path):
    response = client.get(path)
    assert response.status_code in {200, 302, 404}
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    header = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header


def test_images_come_from_the_site_and_data_uris_only_without_a_tile_server(client, offer):
    for path in ("/de/", "/de/angebote/?view=map", "/de/submit/what/"):
        assert policy(client.get(path))["img-src"] == ["'self'", "data:"], path


@override_settings(MAP_TILE_URL=TILES)
def test_the_tile_server_may_serve_images_and_nothing_else(client, offer):
    csp = policy(client.get("/de/angebote/?view=map"))
    assert csp["img-src"] == [
        "'self'",
        "data:",
        "https://a.tiles.example.org",
        "https://b.tiles.example.org",
        "https://c.tiles.example.org",
    ]
    others = [s for d, sources in csp.items() if d != "img-src" for s in sources]
    assert not any("tiles.example.org" in source for source in others)


def test_tile_origins_from_url_templates():
    assert tile_origins("https://tile.example.org:8443/{z}/{x}/{y}.png") == (
        "https://tile.example.org:8443",
    )
    assert tile_origins("http://127.0.0.1:8123/{z}/{x}/{y}.png") == ("http://127.0.0.1:8123",)
    # Tiles on our own server need no extra source.
    assert tile_origins("/tiles/{z}/{x}/{y}.png") == ()
    assert tile_origins("") == ()
    # Whatever the environment holds, it cannot add a directive or a wildcard to the header.
    assert tile_origins("https://tiles.example.org;script-src *") == ()
    assert tile_origins("https://*/{z}/{x}/{y}.png") == ()
    assert tile_origins("javascript:alert(1)") == ()


@override_settings(MAP_TILE_URL="https://tiles.example.org; script-src 'unsafe-inline'")
def test_a_malformed_tile_url_leaves_the_policy_strict(client, offer):
    csp = policy(client.get("/de/angebote/?view=map"))
    assert csp["script-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]


def test_the_admins_get_their_own_looser_policy_and_the_public_never_does(
    client, offer, django_user_model
):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(admin)
    for path in ("/admin/", f"/admin/pages/{offer.pk}/edit/", "/django-admin/"):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = policy(response)
        # Wagtail 8 still writes inline scripts and styles (see the settings).
        assert csp["script-src"] == ["'self'", "'unsafe-inline'"], path
        assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
        assert csp["frame-ancestors"] == ["'self'"], path  # the preview panel's frame
        assert csp["object-src"] == ["'none'"]
    # Logged in or not, the public pages keep the strict policy.
    assert policy(client.get("/de/angebote/sprachcafe/"))["script-src"] == ["'self'"]


class InlineCode(HTMLParser):
    """Collects what a strict policy would block: inline scripts, styles and event handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "style":
            self.found.append("<style> element")
        if "style" in names:
            self.found.append(f"style attribute on <{tag}>")
        self.found.extend(f"{n} on <{tag}>" for n in names if n.startswith("on"))
        if any((value or "").strip().lower().startswith("javascript:") for value in names.values()):
            self.found.append(f"javascript: URL on <{tag}>")
        # Data blocks (json_script's JSON, the offer's JSON-LD) are never run, and a
        # Content-Security-Policy does not apply to them; any other script must be a file.
        data_block = names.get("type") in ("application/json", "application/ld+json")
        self._in_script = tag == "script" and "src" not in names and not data_block

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"inline script: {data.strip()[:40]}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@override_settings(MAP_TILE_URL=TILES)
def test_public_pages_have_no_inline_script_or_style(client, offer):
    pages = [client.get(path) for path in list(PUBLIC.values())[:5]]
    # The where step shows the found point on tiles (the map preview).
    where = client.post("/de/submit/where/", WHERE)
    assert b'class="map-preview__tiles"' in where.content
    assert b"https://a.tiles.example.org/15/" in where.content
    for response in [*pages, where]:
        assert inline_code(response.content.decode()) == [], response.request["PATH_INFO"]


@pytest.mark.parametrize("path", ["/de/", "/de/angebote/sprachcafe/", "/", "/admin/login/"])
def test_permissions_policy_allows_the_position_on_our_own_pages_only(client, offer, path):
    header = client.get(path).headers["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in header.split(","))
    assert features["geolocation"] == "(self)"
    for feature in ("camera", "microphone", "payment", "usb", "browsing-topics"):
        assert features[feature] == "()", feature
    # FLoC was withdrawn and browsers no longer know the name; browsing-topics replaced it.
    assert "interest-cohort" not in features


def _production_settings(**env: str) -> str:
    """Import the production settings in a fresh interpreter, as the server would."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECURE_HSTS_PRELOAD"}
    }
    code = (
        "from django.conf import settings; "
        "print(settings.SECURE_HSTS_PRELOAD, settings.SILENCED_SYSTEM_CHECKS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_hsts_preload_is_off_in_production_unless_asked_for():
    assert _production_settings() == "False ['security.W021']"
    assert _production_settings(SECURE_HSTS_PRELOAD="0") == "False ['security.W021']"
    # The opt-in: preload on, and Django's deployment check is no longer silenced.
    assert _production_settings(SECURE_HSTS_PRELOAD="1") == "True []"
