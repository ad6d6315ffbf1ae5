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
    from search import database

    database._snapshot = None
    yield
    database._snapshot = None
