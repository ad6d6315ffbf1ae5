"""The Atom feed of new offers, parsed as a feed reader would."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.factories import make_offer

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, language: str) -> tuple[ET.Element, list[ET.Element]]:
    response = client.get(f"/{language}/feeds/new/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer, in a test
    return root, root.findall(f"{ATOM}entry")


def test_new_offers_newest_first_in_the_feeds_language(client, site_tree):
    today = timezone.localdate()
    first = make_offer(site_tree, "Sprachcafé", slug="cafe")
    make_offer(site_tree, "Frauentreff", slug="treff", title_fa="دورهمی زنان")
    make_offer(site_tree, "Entwurf", slug="entwurf", publish=False)
    make_offer(site_tree, "Vorbei", slug="vorbei", valid_until=today - dt.timedelta(days=1))
    root, found = entries(client, "fa")
    assert root.find(f"{ATOM}title").text == "برنامه‌های جدید"
    assert [e.find(f"{ATOM}title").text for e in found] == ["دورهمی زنان", "Sprachcafé"]
    link = found[1].find(f"{ATOM}link").get("href")
    assert link.endswith("/fa/angebote/cafe/")
    assert found[1].find(f"{ATOM}id").text == f"offer-{first.pk}"
    _root, german = entries(client, "de")
    assert [e.find(f"{ATOM}title").text for e in german] == ["Frauentreff", "Sprachcafé"]


def test_a_hostile_title_is_text_in_the_feed(client, site_tree):
    title = '</title><script>alert(1)</script>&amp; "x"'
    make_offer(site_tree, title, slug="boese")
    _root, (entry,) = entries(client, "de")
    assert entry.find(f"{ATOM}title").text == title


def test_every_page_points_feed_readers_to_the_feed(client, site_tree):
    html = client.get("/ar/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" href="/ar/feeds/new/"' in html


def test_the_feed_is_read_only(client, site_tree):
    assert client.post("/de/feeds/new/").status_code == 405
