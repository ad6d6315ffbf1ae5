"""Ids in URLs that no page can have are a 404, never a database error."""

from __future__ import annotations

import pytest

from directory.converters import MAX_PAGE_ID
from tests.factories import make_offer

HUGE = ["99999999999999999999", str(2**63), str(2**31), "0", "99999999999999999999999"]
PATHS = [
    "/de/offer/{}/flyer/",
    "/de/offer/{}/calendar.ics",
    "/de/report/{}/",
    "/de/my/offers/{}/edit/",
    "/de/my/offers/{}/current/",
]


@pytest.mark.smoke
@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("path", PATHS)
def test_ids_out_of_range_are_not_found(client, site_tree, path, number):
    assert client.get(path.format(number)).status_code == 404
    assert client.post(path.format(number)).status_code in (403, 404, 405)


@pytest.mark.smoke
def test_the_largest_page_id_is_still_looked_up(client, site_tree):
    assert client.get(f"/de/offer/{MAX_PAGE_ID}/flyer/").status_code == 404
    offer = make_offer(site_tree)
    assert client.get(f"/de/offer/{offer.pk}/flyer/").status_code == 200
