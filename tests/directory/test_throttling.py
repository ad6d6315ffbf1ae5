"""Logins and password resets: the same limits on the public site, Wagtail's and Django's admin."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
LOGIN_URLS = ["/admin/login/", "/django-admin/login/", "/de/account/login/"]
RESET_URLS = ["/admin/password_reset/", "/de/account/password/"]


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser(
        "chefin@example.org", "chefin@example.org", "right-password-1"
    )


def _login(client, url: str, username: str, password: str, address: str = "203.0.113.5"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(client, admin_user, url):
    name = admin_user.username
    statuses = [_login(client, url, name, f"guess-{n}").status_code for n in range(30)]
    assert 429 in statuses
    assert statuses.count(429) >= 30 - 10  # per-account limit: 10 an hour, delays before that
    response = _login(client, url, admin_user.username, "right-password-1")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert not _logged_in(client)


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_an_unknown_account_gets_the_same_answers(client, admin_user, url):
    def statuses(username: str, address: str) -> list[int]:
        with time_machine.travel(START, tick=False) as clock:
            answers = []
            for n in range(8):
                answers.append(_login(client, url, username, f"guess-{n}", address).status_code)
                clock.shift(dt.timedelta(seconds=1))
            return answers

    known = statuses(admin_user.username, "203.0.113.10")
    unknown = statuses("nobody@example.org", "203.0.113.11")
    assert known == unknown
    assert 429 in known


def test_the_delay_after_wrong_passwords_grows_and_the_right_password_resets_it(
    client, admin_user, settings
):
    settings.LOGIN_FAILURES_BEFORE_DELAY = 3
    url, name = "/admin/login/", admin_user.username
    with time_machine.travel(START, tick=False) as clock:
        for n in range(3):  # free tries
            assert _login(client, url, name, f"guess-{n}").status_code == 200
        waits = []
        for n in range(3):
            assert _login(client, url, name, f"more-{n}").status_code == 200  # counted, now wait
            refused = _login(client, url, name, "right-password-1")
            assert refused.status_code == 429
            waits.append(int(refused["Retry-After"]))
            clock.shift(dt.timedelta(seconds=waits[-1] + 0.5))
        assert waits == [1, 2, 4]
        assert _login(client, url, name, "right-password-1").status_code == 302
        assert _logged_in(client)
        client.logout()
        # Forgiven: the next wrong password is a free try again.
        assert _login(client, url, name, "typo").status_code == 200
        assert _login(client, url, name, "right-password-1").status_code == 302


def test_the_limit_per_address_covers_every_login_form(client, admin_user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (4, 3600)}
    answers = [
        _login(client, url, f"someone-{n}@example.org", "x").status_code
        for n, url in enumerate(LOGIN_URLS + LOGIN_URLS)
    ]
    assert answers[:4] == [200, 200, 200, 200]
    assert answers[4:] == [429, 429]


@pytest.mark.parametrize("url", RESET_URLS)
def test_password_reset_mails_are_limited_per_account(client, admin_user, url, settings):
    limit = settings.RATE_LIMITS["password_reset_account"][0]
    statuses = [
        client.post(url, {"email": admin_user.email}).status_code for _n in range(limit + 15)
    ]
    assert statuses[:limit] == [302] * limit
    assert set(statuses[limit:]) == {429}
    assert len(mail.outbox) == limit


@pytest.mark.parametrize("url", RESET_URLS)
def test_password_reset_answers_the_same_for_unknown_addresses(client, admin_user, url, settings):
    limit = settings.RATE_LIMITS["password_reset_account"][0]

    def statuses(email: str, address: str) -> list[int]:
        return [
            client.post(url, {"email": email}, REMOTE_ADDR=address).status_code
            for _n in range(limit + 1)
        ]

    known = statuses(admin_user.email, "203.0.113.20")
    unknown = statuses("nobody@example.org", "203.0.113.21")
    assert known == unknown
    assert len(mail.outbox) == limit


def test_password_resets_are_limited_per_address_too(client, admin_user, settings):
    limit = settings.RATE_LIMITS["password_reset"][0]
    statuses = [
        client.post(RESET_URLS[n % 2], {"email": f"person-{n}@example.org"}).status_code
        for n in range(limit + 2)
    ]
    assert statuses[:limit] == [302] * limit
    assert statuses[limit:] == [429, 429]
