"""Fixtures for the site-shell tests: the search tests' Elasticsearch node where needed."""

from tests.search.conftest import _fresh_outage_state, use_elasticsearch  # noqa: F401
