"""An offer outside its validity keeps its page for old links, but says so and is not indexed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.factories import make_offer


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


def _page(client, offer, language: str = "en") -> str:
    with translation.override(language):
        response = client.get(f"/{language}/angebote/{offer.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_ended_offer_says_when_it_ended_and_is_not_indexed(client, site_tree, today):
    offer = make_offer(site_tree, "Sommerkurs", valid_until=today - dt.timedelta(days=3))
    html = _page(client, offer)
    assert "This offer ended on" in html
    assert '<meta name="robots" content="noindex">' in html
    assert f"/offer/{offer.pk}/flyer/" not in html
    assert client.get(f"/en/offer/{offer.pk}/flyer/").status_code == 404
    sitemap = client.get("/sitemap.xml", HTTP_HOST="localhost").content
    assert f"/angebote/{offer.slug}/".encode() not in sitemap


def test_an_offer_that_has_not_started_says_when_it_starts(client, site_tree, today):
    start = today + dt.timedelta(days=10)
    offer = make_offer(site_tree, "Herbstkurs", valid_from=start)
    html = _page(client, offer, "ar")
    assert '<meta name="robots" content="noindex">' in html
    assert "ended" not in html
    assert 'class="notice notice--warning"' in html


def test_a_current_offer_has_no_such_notice(client, site_tree, today):
    offer = make_offer(site_tree, "Sprachcafé", valid_until=today)
    html = _page(client, offer)
    assert "noindex" not in html
    assert "notice--warning" not in html
    assert f"/offer/{offer.pk}/flyer/" in html
    sitemap = client.get("/sitemap.xml", HTTP_HOST="localhost").content
    assert f"/angebote/{offer.slug}/".encode() in sitemap
