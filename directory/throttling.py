"""Limits on every way to log in or reset a password: the public site, Wagtail's and Django's admin.

A middleware rather than decorators, because the admin login views belong
to Wagtail and Django and are not ours to wrap. Each attempt counts per
client address and per account name *as typed*, so an unknown account gets
exactly the same answers as a real one. Wrong passwords for an account add a
growing delay (1 s, 2 s, 4 s … at most an hour) after
``LOGIN_FAILURES_BEFORE_DELAY`` free tries, whoever makes them.
"""

from __future__ import annotations

from django.conf import settings

from . import ratelimit

# Views (by URL name) that check a password or send a reset link.
LOGIN_VIEWS = {"login", "wagtailadmin_login", "admin:login"}
RESET_VIEWS = {"password-reset", "wagtailadmin_password_reset"}
FAILURE_MEMORY = 24 * 3600  # wrong passwords are forgotten a day after the first
MAX_DELAY = 3600


def _account(request, field: str) -> str:
    return request.POST.get(field, "").strip().lower()[:254]


def login_wait(request) -> int | None:
    """Count a login attempt; the seconds to wait if it must be refused, else None."""
    account = _account(request, "username")
    return (
        ratelimit.check(request, "login")
        or ratelimit.check(request, "login_account", identity=account)
        or ratelimit.blocked_for("login_delay", account)
    )


def reset_wait(request) -> int | None:
    """Count a password-reset request; the seconds to wait if it must be refused, else None."""
    return ratelimit.check(request, "password_reset") or ratelimit.check(
        request, "password_reset_account", identity=_account(request, "email")
    )


class LoginThrottleMiddleware:
    """Answer 429 (with ``Retry-After``) to login and reset POSTs over their limits."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match is None:
            return None
        name = request.resolver_match.view_name
        if name in LOGIN_VIEWS:
            wait = login_wait(request)
        elif name in RESET_VIEWS:
            wait = reset_wait(request)
        else:
            return None
        return ratelimit.too_many(request, wait) if wait is not None else None


def on_login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    """A wrong password: after the free tries, the account waits longer each time."""
    account = str(credentials.get("username", "")).strip().lower()[:254]
    failures, _ends = ratelimit.count_attempt("login_failures", account, period=FAILURE_MEMORY)
    extra = failures - settings.LOGIN_FAILURES_BEFORE_DELAY
    if extra > 0:
        ratelimit.block("login_delay", account, min(2 ** (extra - 1), MAX_DELAY))


def on_logged_in(sender, request, user, **kwargs) -> None:
    """The right password: the account's wrong tries are forgiven."""
    account = user.get_username().strip().lower()
    ratelimit.forget("login_account", account)
    ratelimit.forget("login_failures", account)
    ratelimit.forget("login_delay", account)
