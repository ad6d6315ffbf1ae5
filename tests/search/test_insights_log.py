"""The search log keeps what was searched and found, never who searched (issue 17, part 1)."""

from __future__ import annotations

import time

import pytest

from search import insights_log
from search.models import SearchLogEntry
from tests.cms.test_page_cache import cached  # noqa: F401 - the fixture
from tests.factories import make_offer, restore_after_flush

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


def test_opening_an_offer_counts_a_view_cached_or_not(client, site_tree, cached):  # noqa: F811
    from search.models import OfferViewDay

    offer = make_offer(site_tree, "Nähtreff", title_ar="خياطة", slug="naehtreff")
    for _ in range(3):
        response = client.get("/ar/angebote/naehtreff/")
        assert response.status_code == 200
        assert insights_log.VIEW_HEADER not in response.headers
    client.get("/de/angebote/naehtreff/")
    insights_log.flush()
    counts = dict(OfferViewDay.objects.filter(offer=offer).values_list("language", "views"))
    assert counts == {"ar": 3, "de": 1}


def test_rare_words_stay_hidden_until_searched_on_three_different_days(settings):
    import datetime as dt

    from search.insights import visible_queries

    today = dt.date(2026, 11, 30)

    def searched(words: str, day: dt.date, times: int = 1, results: int = 0) -> None:
        SearchLogEntry.objects.bulk_create(
            SearchLogEntry(
                day=day, query=words, language="fa", town="Peiting", results=results, source="page"
            )
            for _ in range(times)
        )

    searched("نانوایی", today, times=10)  # one evening, one person: hidden
    for back in range(2):
        searched("خیاطی", today - dt.timedelta(days=back))  # two days: hidden
    for back in range(3):
        searched("کلاس شنا", today - dt.timedelta(days=back))  # three days: shown
    shown = visible_queries(today - dt.timedelta(days=30), today)
    assert [(q.query, q.searches, q.without_results, q.days) for q in shown] == [
        ("کلاس شنا", 3, 3, 3)
    ]
    settings.INSIGHTS_MIN_DAYS = 1
    assert {q.query for q in visible_queries(today - dt.timedelta(days=30), today)} == {
        "نانوایی",
        "خیاطی",
        "کلاس شنا",
    }


def test_raw_rows_become_daily_counts_after_the_retention_period(settings):
    import datetime as dt

    from search.insights import aggregate_old_rows, visible_queries
    from search.models import SearchDay

    settings.INSIGHTS_RAW_DAYS = 30
    today = dt.date(2026, 11, 30)
    old, recent = today - dt.timedelta(days=31), today - dt.timedelta(days=30)
    for day, results in ((old, 0), (old, 2), (recent, 0)):
        SearchLogEntry.objects.create(
            day=day, query="kurs", language="de", town="", results=results, source="api"
        )
    assert aggregate_old_rows(today) == 2
    assert list(SearchLogEntry.objects.values_list("day", flat=True)) == [recent]
    (folded,) = SearchDay.objects.all()
    assert (folded.day, folded.searches, folded.without_results) == (old, 2, 1)
    settings.INSIGHTS_MIN_DAYS = 2  # folded and raw rows count together
    (shown,) = visible_queries(old, today)
    assert (shown.searches, shown.days) == (3, 2)


def test_the_daily_clean_up_folds_the_log(settings):
    import datetime as dt
    import io

    from django.core.management import call_command
    from django.utils import timezone

    from search.models import SearchDay

    long_ago = timezone.localdate() - dt.timedelta(days=settings.INSIGHTS_RAW_DAYS + 1)
    SearchLogEntry.objects.create(
        day=long_ago, query="kurs", language="de", town="", results=0, source="api"
    )
    call_command("clean_up", stdout=io.StringIO())
    assert not SearchLogEntry.objects.exists()
    assert SearchDay.objects.get().searches == 1


@pytest.mark.django_db(transaction=True)
def test_a_search_never_writes_the_log_itself_a_thread_does(settings, monkeypatch):
    # As deployed: a timer writes what waits, and a full buffer goes to a thread at once,
    # so neither the first search after a quiet spell nor the 200th pays for an INSERT.
    restore_after_flush()
    settings.INSIGHTS_FLUSH_TIMER = True
    monkeypatch.setattr(insights_log, "FLUSH_EVERY_SECONDS", 0.3)
    monkeypatch.setattr(insights_log, "FLUSH_AT_ENTRIES", 5)
    note = '{"q": "kurs", "l": "ar", "f": "", "t": "", "n": 0, "s": "page"}'
    insights_log.record(note)
    assert SearchLogEntry.objects.count() == 0  # not in the request
    deadline = time.monotonic() + 10
    while SearchLogEntry.objects.count() < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert SearchLogEntry.objects.count() == 1  # the timer wrote it
    monkeypatch.setattr(insights_log, "FLUSH_EVERY_SECONDS", 60)  # now only a full buffer
    for _ in range(5):
        insights_log.record(note)  # the fifth fills the buffer: a thread writes at once
    while SearchLogEntry.objects.count() < 6 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert SearchLogEntry.objects.count() == 6


def test_hostile_queries_are_stored_as_plain_short_words(client, site_tree):
    # The search form refuses a line break (one-line field) and 2 MB: no search, no row.
    refused = client.get("/fa/angebote/", {"q": "\u202eKURS\r\nSet-Cookie: x"})
    huge = client.get("/fa/angebote/", {"q": "x" * 2_000_000})
    client.get("/fa/angebote/", {"q": "\u202eKURS\u2066 ①"})  # overrides go
    client.get("/fa/angebote/", {"q": "کلاس\u200cها"})  # the zero-width non-joiner stays
    assert refused.status_code == 200 and huge.status_code in (200, 400)
    assert "Set-Cookie" not in refused.headers
    assert [r.query for r in rows()] == ["kurs ①", "کلاس\u200cها"]
