"""Shared fixtures: the site tree, and the guard that the main run really uses PostgreSQL."""

import os

import pytest
from django.db import connection

from tests.factories import SiteTree, make_site_tree


@pytest.fixture(scope="session", autouse=True)
def _require_postgres(django_db_setup, django_db_blocker):
    """The test command asks for PostgreSQL; running on anything else then is an error."""
    if os.environ.get("GEMEINSAM_REQUIRE_POSTGRES") == "1":
        with django_db_blocker.unblock():
            vendor = connection.vendor
        if vendor != "postgresql":
            pytest.exit(f"PostgreSQL was required but the database is {vendor}", returncode=3)


@pytest.fixture
def site_tree(db) -> SiteTree:
    """Home page with the offer list and organisation list under it, as the default site."""
    return make_site_tree()


@pytest.fixture(scope="session", autouse=True)
def _remove_temporary_folders():
    """The test settings make temporary media and static folders; leave nothing behind."""
    import shutil

    from django.conf import settings

    yield
    for folder in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_search_snapshot():
    """The database backend's per-process snapshot must not outlive a test's rolled-back data."""
    from search import snapshot

    snapshot._snapshot = None
    yield
    snapshot._snapshot = None


@pytest.fixture(autouse=True)
def _empty_search_log_buffer():
    """Counts a test's requests left in the search log's buffer belong to its rolled-back
    data: the next test must not write them (its offers are gone)."""
    from search import insights_log

    insights_log.discard()
    yield
    insights_log.discard()


@pytest.fixture(scope="session")
def s3_endpoint():
    """A local server speaking S3's protocol, for the whole run (tests/fakes/s3_server.py)."""
    from tests.fakes.s3_server import s3_server

    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_media(s3_endpoint, settings):
    """This test's media and waiting pictures in a fresh bucket, configured as MEDIA_S3_BUCKET
    configures an installation; yields (endpoint, bucket)."""
    from cms.settings.media import s3_storages
    from tests.fakes.s3_server import CREDENTIALS, new_bucket

    bucket = new_bucket(s3_endpoint)
    settings.STORAGES = {
        **settings.STORAGES,
        **s3_storages(bucket_name=bucket, endpoint_url=s3_endpoint, **CREDENTIALS),
    }
    yield s3_endpoint, bucket
