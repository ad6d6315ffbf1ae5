"""The API answers exactly as its OpenAPI document says, checked by schemathesis.

Schemathesis reads ``/api/v1/openapi.json`` from the real WSGI application
(every middleware, in process) and sends each operation generated requests:
the documented examples and edges of every schema (coverage), random valid
and invalid parameters (fuzzing), methods the document does not list. Every
built-in check runs on every answer.

The schema is loaded while the tests are collected, before any database
exists; that works because the document is served without touching one.
"""

import datetime as dt

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from tests.factories import make_offer

pytestmark = pytest.mark.django_db

# Enough to reach every parameter's edges; few enough for a run well under a minute.
MAX_EXAMPLES = 60

# A schema cannot say that `radius_km` needs `near`, that `page` × `page_size` has a
# ceiling or that `near` must name a place the gazetteer knows; the 400 response's
# description does. So a 400 may answer valid-looking data, for exactly these reasons
# (checked by `refused_only_for_documented_reasons` below), and for no other.
DOCUMENTED_REFUSALS = {
    ("near", "required"),
    ("near", "unknown_place"),
    ("near", "range"),
    ("page", "too_deep"),
}
CONFIG = SchemathesisConfig.from_dict(
    {
        # The in-process transport hands back the bytes as sent, without an HTTP client
        # to undo the compression GZipMiddleware applies when asked for it.
        "headers": {"Accept-Encoding": "identity"},
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "429"],
            },
        },
    }
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)


def refused_only_for_documented_reasons(ctx, response, case) -> bool | None:
    """A 400 to data the schema calls valid names only the rules between parameters."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code != 400:
        return None
    refusals = {
        (name, error["code"])
        for name, errors in response.json()["parameters"].items()
        for error in errors
    }
    assert refusals <= DOCUMENTED_REFUSALS, f"valid data refused: {response.json()}"
    return True


@pytest.fixture
def indexed_offers(backend, offers, site_tree, django_capture_on_commit_callbacks):
    """The API tests' offers and one with a single date, indexed in each backend in turn."""
    with django_capture_on_commit_callbacks(execute=True):
        make_offer(
            site_tree,
            "Beratung zum Aufenthalt",
            slug="beratung",
            kind="counselling",
            slots=(),
            dates=(dt.date.today() + dt.timedelta(days=3),),
        )


@pytest.fixture
def wsgi_requests(indexed_offers, settings):
    """Let the WSGI application run inside the test's transaction, without the rate limit."""
    # Far above what one run sends: the limit has its own test at its edge (test_api.py).
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (1_000_000, 60)}
    # Django's handler closes the database connection after each request, which would
    # end the test's transaction; Django's own test client unhooks it for that reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,  # the same cases on every run, so CI is stable
    database=None,
    deadline=None,
    # The offers are made once per operation and only read by the requests.
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
def test_api_conforms_to_its_openapi_document(case, wsgi_requests):
    """No server error, and status, headers, content type and body as documented."""
    case.call_and_validate(additional_checks=[refused_only_for_documented_reasons])


def test_every_schemathesis_check_is_enabled():
    """The run above uses the whole built-in set; configuration switches none off."""
    load_all_checks()
    config = schema.config.checks_config_for()
    names = CHECKS.get_all_names()
    assert {"not_a_server_error", "response_schema_conformance", "unsupported_method"} <= set(names)
    assert [name for name in names if not config.get_by_name(name=name).enabled] == []
