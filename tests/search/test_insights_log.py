"""The search log keeps what was searched and found, never who searched (issue 17, part 1)."""

from __future__ import annotations

import pytest

from search import insights_log
from search.models import SearchLogEntry
from tests.cms.test_page_cache import cached  # noqa: F401 - the fixture
from tests.factories import make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_buffer():
    insights_log.flush()
    SearchLogEntry.objects.all().delete()
    yield
    insights_log.flush()


def rows() -> list[SearchLogEntry]:
    insights_log.flush()
    return list(SearchLogEntry.objects.order_by("pk"))


def test_a_search_leaves_words_language_filters_town_count_and_day_only(client, site_tree):
    make_offer(site_tree, "Deutschkurs am Abend", kind="course")
    response = client.get(
        "/api/v1/offers/",
        {"q": "  DeutschKURS ", "near": "47.7955,10.9295", "radius_km": "10", "kind": "course"},
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 13; Pixel 7) secret-agent",
        HTTP_X_FORWARDED_FOR="203.0.113.77",
        REMOTE_ADDR="198.51.100.9",
        HTTP_COOKIE="sessionid=abc123",
    )
    assert response.status_code == 200
    assert insights_log.HEADER not in response.headers  # the note never leaves the server
    (row,) = rows()
    assert (row.query, row.language, row.filters, row.town, row.source) == (
        "deutschkurs",
        "de",
        "kind:course",
        "Peiting",
        "api",
    )
    assert row.results == response.json()["count"]
    stored = " ".join(str(getattr(row, f.attname)) for f in SearchLogEntry._meta.fields)
    for personal in ("secret-agent", "203.0.113.77", "198.51.100.9", "abc123", "47.79", "10.92"):
        assert personal not in stored


def test_answers_from_the_page_cache_are_counted_too(client, site_tree, cached):  # noqa: F811
    for _ in range(2):
        response = client.get("/fa/angebote/?q=kurs")
    assert response["X-Cache"] == "hit"
    assert insights_log.HEADER not in response.headers
    assert [(r.query, r.language, r.source) for r in rows()] == [("kurs", "fa", "page")] * 2


def test_only_first_pages_count_and_long_queries_are_cut(client, site_tree):
    client.get("/api/v1/offers/", {"q": "kurs", "page": "2"})
    client.get("/api/v1/offers/", {"q": "ä" * 100 + "b" * 50})
    (row,) = rows()
    assert row.query == "ä" * 100
