"""Fixtures for search tests: each backend in turn, and offers indexed as on publish."""

import logging
import os
import uuid

import pytest
from elasticsearch import Elasticsearch

from search import interface
from tests.factories import make_offer


def elasticsearch_url() -> str:
    """The test node's URL; missing is a failure in CI and a skip on a laptop without one."""
    url = os.environ.get("TEST_ELASTICSEARCH_URL", "")
    if not url:
        if os.environ.get("CI") == "true" or os.environ.get("GEMEINSAM_REQUIRE_SERVICES") == "1":
            pytest.fail(
                "TEST_ELASTICSEARCH_URL is not set: the test command must start Elasticsearch"
            )
        pytest.skip("no Elasticsearch node (scripts/test starts one)")
    return url


@pytest.fixture(autouse=True)
def _fresh_outage_state():
    """Each test starts as if Elasticsearch had been fine so far."""
    interface._outage = False
    yield
    interface._outage = False


class _Fallbacks(logging.Handler):
    """Counts "Elasticsearch failed" records: the database silently answered instead."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def use_elasticsearch(request, settings):
    """Point the site at the test node with a fresh index prefix; delete its indices after.

    A test on this node fails if any search fell back to the database (a query the
    node refuses would otherwise pass on the database's answer), unless it is marked
    ``outage`` because it breaks the node on purpose.
    """
    url = settings.ELASTICSEARCH_URL = elasticsearch_url()
    prefix = settings.ELASTICSEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:10]}"
    # As on a real installation after `search_index rebuild`: the index exists, empty,
    # before the first offer is published (a search then finds nothing, not an outage).
    from search import elastic_index

    elastic_index.forget_schema_check()
    elastic_index.ensure_index()
    fallbacks = _Fallbacks()
    search_log = logging.getLogger("gemeinsam.search")
    search_log.addHandler(fallbacks)
    yield settings
    search_log.removeHandler(fallbacks)
    if fallbacks.messages and not request.node.get_closest_marker("outage"):
        pytest.fail("Elasticsearch fell back to the database: " + fallbacks.messages[0])
    # A test may have pointed the site elsewhere (the outage test does): clean up at the node.
    Elasticsearch(url).indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


@pytest.fixture(params=["database", "elasticsearch"])
def backend(request, settings):
    """Run the test once per backend, with identical expectations."""
    if request.param == "elasticsearch":
        request.getfixturevalue("use_elasticsearch")
    else:
        settings.ELASTICSEARCH_URL = ""
    return request.param


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish a page and run the index updates that normally follow the commit."""

    def _publish(page):
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()
        return page

    return _publish


@pytest.fixture
def offers(site_tree, django_capture_on_commit_callbacks):
    """Two published offers, indexed: a Sprachcafé (German and Arabic) and football in Peiting."""
    with django_capture_on_commit_callbacks(execute=True):
        cafe = make_offer(
            site_tree,
            "Sprachcafé",
            slug="sprachcafe",
            title_ar="مقهى اللغة",
            summary_ar="تحدث الألمانية مع القهوة.",
            languages=("de", "ar"),
            slots=((1, "15:00", "17:00"),),
        )
        make_offer(
            site_tree,
            "Fußball",
            slug="fussball",
            categories=("sport",),
            kind="club_offer",
            places=(
                {
                    "postcode": "86971",
                    "town": "Peiting",
                    "latitude": 47.7955,
                    "longitude": 10.9295,
                },
            ),
        )
    return cafe
