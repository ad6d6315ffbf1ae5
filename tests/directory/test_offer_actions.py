"""What people do with an offer page: printable flyer, maps link, home page lists.

The calendar file has its own tests in ``test_calendar.py``.
"""

from __future__ import annotations

import datetime as dt
import re

import time_machine

from tests.factories import make_offer


def test_flyer_has_a_qr_code_to_the_offer_page(client, site_tree):
    offer = make_offer(site_tree, "Nähcafé", slug="naehcafe")
    html = client.get(f"/ar/offer/{offer.pk}/flyer/").content.decode()
    assert "<svg" in html and 'class="qr"' in html
    assert "http://localhost/ar/angebote/naehcafe/" in html  # the site's own address
    assert 'dir="rtl"' in html


def test_draft_offers_have_no_calendar_or_flyer(client, site_tree):
    draft = make_offer(site_tree, "Entwurf", publish=False)
    assert client.get(f"/de/offer/{draft.pk}/calendar.ics").status_code == 404
    assert client.get(f"/de/offer/{draft.pk}/flyer/").status_code == 404


def test_offer_page_offers_call_mail_maps_calendar_and_report(client, site_tree):
    offer = make_offer(
        site_tree,
        "Beratung",
        slug="beratung",
        contact_phone="0881 555-0123",
        contact_email="beratung@example.org",
    )
    html = client.get("/de/angebote/beratung/").content.decode()
    assert 'href="tel:08815550123"' in html
    assert 'href="mailto:beratung@example.org"' in html
    assert re.search(r'href="geo:47\.841500,11\.154800\?q=', html)
    assert f"/de/offer/{offer.pk}/calendar.ics" in html
    assert f"/de/report/{offer.pk}/" in html
    assert "Zuletzt bestätigt am" in html


def test_home_lists_the_soonest_offers_first(client, site_tree):
    with time_machine.travel(dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)):  # a Monday
        make_offer(site_tree, "Dienstagstreff", slots=((1, "15:00", "17:00"),))
        make_offer(site_tree, "Montagstreff", slots=((0, "18:00", "19:00"),))
        make_offer(site_tree, "Freitagstreff", slots=((4, "10:00", "11:00"),))
        html = client.get("/de/").content.decode()
    soon = html[html.index('id="soon"') : html.index('id="new"')]
    assert soon.index("Montagstreff") < soon.index("Dienstagstreff")
    assert "Freitagstreff" not in soon
