"""Rate-limit windows: each limit holds for its whole period, counted atomically in the database."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone

from directory import ratelimit
from directory.models import RateCounter

from .conftest import submit_offer

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def _request(address: str = "203.0.113.7"):
    return RequestFactory().post("/", REMOTE_ADDR=address)


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["submission", "report", "registration", "login", "api"])
def test_a_limit_holds_for_its_whole_period_and_then_starts_again(scope, settings):
    limit, period = settings.RATE_LIMITS[scope]
    request = _request()
    with time_machine.travel(START, tick=False) as clock:
        for _attempt in range(limit):
            assert ratelimit.check(request, scope) is None
        wait = ratelimit.check(request, scope)
        assert wait == period
        clock.shift(dt.timedelta(seconds=period * 59 / 60))
        assert ratelimit.check(request, scope) == pytest.approx(period / 60, abs=1)
        clock.shift(dt.timedelta(seconds=period * 2 / 60))
        assert ratelimit.check(request, scope) is None


@pytest.mark.django_db
def test_addresses_are_counted_apart_and_never_stored():
    for _attempt in range(5):
        ratelimit.check(_request("198.51.100.1"), "report")
    assert ratelimit.check(_request("198.51.100.2"), "report") is None
    keys = list(RateCounter.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert not any("198.51" in key for key in keys)


@pytest.mark.django_db
def test_expired_counters_are_purged():
    with time_machine.travel(START, tick=False):
        ratelimit.check(_request(), "report")
    with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        ratelimit.check(_request("198.51.100.9"), "report")
        assert ratelimit.purge_expired() == 1
        assert RateCounter.objects.get().expires_at > timezone.now()


def test_a_sixth_submission_waits_the_full_hour(client, site_tree, settings):
    """The reported defect: the database cache reset every counter after five minutes."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "submission": (5, 3600)}
    with time_machine.travel(START, tick=False) as clock:
        for _offer in range(5):
            assert submit_offer(client, "de").status_code == 302
        refused = submit_offer(client, "de")
        assert refused.status_code == 429
        assert refused["Retry-After"] == "3600"
        clock.shift(dt.timedelta(minutes=59))
        assert submit_offer(client, "de").status_code == 429
        clock.shift(dt.timedelta(minutes=2))
        assert submit_offer(client, "de").status_code == 302


def test_check_deploy_warns_when_a_proxy_forwards_and_no_client_ip_header_is_set(
    client, site_tree, settings
):
    from django.core.checks import run_checks

    def warnings() -> list[str]:
        return [m.id for m in run_checks(include_deployment_checks=True)]

    settings.CLIENT_IP_HEADER = ""
    assert "gemeinsam.W001" not in warnings()
    client.get("/de/submit/what/", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert "gemeinsam.W001" not in warnings()  # reading is not counted, so not looked at
    client.post("/de/submit/what/", {"title": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert "gemeinsam.W001" in warnings()
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert "gemeinsam.W001" not in warnings()
