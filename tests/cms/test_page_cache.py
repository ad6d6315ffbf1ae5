"""Anonymous answers from memory (cms/page_cache.py): kept only when they are the same for
everyone, and dropped as soon as the content changes."""

from __future__ import annotations

import pytest
from django.utils import translation

from cms import page_cache
from tests.factories import make_offer


@pytest.fixture
def cached(settings, site_tree):
    """The page cache on, with an empty memory (the test settings turn it off)."""
    from wagtail.models import Site

    from cms.models import SiteLinks

    # The footer's settings row is created by the first page shown, which counts as a
    # change; a real site has it from its first visitor on.
    SiteLinks.for_site(Site.objects.get(is_default_site=True))
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_CHECK_SECONDS = 0  # look for changes on every request
    page_cache.forget_everything()
    yield
    page_cache.forget_everything()


@pytest.mark.parametrize(
    "url",
    [
        "/de/",
        "/fa/angebote/?q=deutsch",
        "/ar/angebote/deutschkurs-fuer-frauen/",
        "/api/v1/offers/?q=kurs",
    ],
)
def test_a_second_anonymous_request_comes_from_memory(client, site_tree, cached, url):
    make_offer(site_tree, "Deutschkurs für Frauen", slug="deutschkurs-fuer-frauen")
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert "X-Cache" not in first and second["X-Cache"] == "hit"
    assert second.content == first.content
    # The headers of the middleware above the cache are set on every answer.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["Content-Language"] == first["Content-Language"]
    assert not second.cookies


def test_the_api_keeps_one_answer_per_negotiated_language(client, site_tree, cached):
    make_offer(site_tree, "Deutschkurs für Frauen")
    german = client.get("/api/v1/offers/", HTTP_ACCEPT_LANGUAGE="de")
    arabic = client.get("/api/v1/offers/", HTTP_ACCEPT_LANGUAGE="ar")
    again = client.get("/api/v1/offers/", HTTP_ACCEPT_LANGUAGE="ar")
    assert german["Content-Language"] == "de" and arabic["Content-Language"] == "ar"
    assert "X-Cache" not in arabic and again["X-Cache"] == "hit"
    assert again["Content-Language"] == "ar"


def test_what_is_not_the_same_for_everyone_is_never_kept(
    client, site_tree, cached, django_user_model
):
    # A form sets the CSRF cookie; the health check says no-store.
    for url in ("/de/submit/what/", "/healthz"):
        client.get(url)
        assert "X-Cache" not in client.get(url, HTTP_COOKIE="")
    # A request with any cookie (a member, someone filling a form) is answered afresh.
    client.get("/de/angebote/")
    user = django_user_model.objects.create_user("amal", "amal@example.org", "pw-amal-12345")
    client.force_login(user)
    assert "X-Cache" not in client.get("/de/angebote/")
    # An error is never kept.
    anonymous = client.__class__()
    anonymous.get("/de/angebote/gibt-es-nicht/")
    assert anonymous.get("/de/angebote/gibt-es-nicht/").status_code == 404


def test_publishing_and_unpublishing_reach_the_kept_list_at_once(
    client, site_tree, cached, django_capture_on_commit_callbacks
):
    url = "/ar/angebote/?q=schach"
    assert "Schachtreff" not in client.get(url).content.decode()
    assert client.get(url)["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        offer = make_offer(site_tree, "Schachtreff Peiting", summary_de="Schach spielen.")
    fresh = client.get(url)
    assert "X-Cache" not in fresh and "Schachtreff" in fresh.content.decode()
    assert client.get(url)["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True), translation.override("de"):
        offer.unpublish()
    assert "Schachtreff" not in client.get(url).content.decode()


def test_another_workers_change_is_seen_at_the_next_check(client, site_tree, cached, settings):
    """Another process renews the shared stamp; this one notices within the check interval."""
    from django.core.cache import cache

    client.get("/de/")
    assert client.get("/de/")["X-Cache"] == "hit"
    cache.set(page_cache.STAMP_KEY, "changed elsewhere", timeout=None)
    assert "X-Cache" not in client.get("/de/")
    settings.PAGE_CACHE_CHECK_SECONDS = 3600  # now: no look until the interval is over
    assert client.get("/de/")["X-Cache"] == "hit"
    cache.set(page_cache.STAMP_KEY, "changed again", timeout=None)
    assert client.get("/de/")["X-Cache"] == "hit"  # not yet looked


def test_many_distinct_urls_stay_within_the_byte_budget(client, site_tree, cached, settings):
    """A stranger asking for endless distinct URLs cannot make a worker grow."""
    settings.PAGE_CACHE_MAX_MB = 1
    for n in range(400):
        assert client.get(f"/de/angebote/?q=kurs{n}").status_code == 200
    assert page_cache._store.size <= 1024 * 1024
    assert 10 < len(page_cache._store.entries) < 400
    # The newest are kept, the oldest went first.
    assert client.get("/de/angebote/?q=kurs399")["X-Cache"] == "hit"
    assert "X-Cache" not in client.get("/de/angebote/?q=kurs0")


def test_huge_urls_and_posts_are_never_kept(client, site_tree, cached):
    huge = "/de/angebote/?q=" + "x" * 3000
    client.get(huge)
    assert "X-Cache" not in client.get(huge)
    for _ in range(3):  # the same POST again and again is answered afresh each time
        assert "X-Cache" not in client.post("/de/angebote/", {"q": "kurs"})
    assert not any(len(key[1]) > page_cache.MAX_KEY_LENGTH for key in page_cache._store.entries)


def test_answers_expire_after_their_time(client, site_tree, cached, settings):
    """Lists show what is valid today, which changes at midnight without any write."""
    import time

    settings.PAGE_CACHE_SECONDS = 1
    client.get("/de/")
    assert client.get("/de/")["X-Cache"] == "hit"
    time.sleep(1.1)
    assert "X-Cache" not in client.get("/de/")


def test_a_change_reaches_every_worker_within_seconds(embedded_site):
    """Three gunicorn workers keep the list in memory; another process publishes, then
    unpublishes an offer, and every worker shows the change within a few seconds."""
    import time

    import requests

    from tests.cms.conftest import manage

    base, env = embedded_site
    url = f"{base}/de/angebote/?q=schach"

    def answers(count: int) -> list[requests.Response]:
        # New connections: gunicorn hands them to whichever worker is free.
        return [requests.get(url, timeout=30) for _ in range(count)]

    warm = answers(30)
    assert all(r.status_code == 200 and "Schachtreff" not in r.text for r in warm)
    assert sum(r.headers.get("X-Cache") == "hit" for r in warm) >= 20

    def seconds_until(shown: bool) -> float:
        started = time.monotonic()
        while time.monotonic() - started < 30:
            batch = answers(12)
            if all(("Schachtreff" in r.text) == shown for r in batch):
                return time.monotonic() - started
            time.sleep(0.2)
        pytest.fail(f"after 30 s some workers still answered {'without' if shown else 'with'} it")

    manage(
        env,
        "shell",
        "-c",
        "from tests.factories import SiteTree, make_offer; "
        "from directory.models import OfferIndexPage, OrganisationIndexPage; "
        "from cms.models import HomePage; "
        "tree = SiteTree(HomePage.objects.get(), OfferIndexPage.objects.get(), "
        "OrganisationIndexPage.objects.get()); "
        "make_offer(tree, 'Schachtreff Peiting', slug='schachtreff', summary_de='Schach.')",
    )
    assert seconds_until(shown=True) < 5
    manage(
        env,
        "shell",
        "-c",
        "from django.utils import translation; from directory.models import OfferPage; "
        "translation.activate('de'); OfferPage.objects.get(slug='schachtreff').unpublish()",
    )
    assert seconds_until(shown=False) < 5
