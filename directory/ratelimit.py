"""Rate limits on what people send, per address and (for logins) per account.

Counters live in the database (``RateCounter``) so every worker process
shares them and each increment is one atomic upsert: fifty requests at once
cannot slip past a limit of five. A window starts with the first attempt and
lasts the scope's full period (``settings.RATE_LIMITS``), so a limit of five
an hour means five in any hour that starts with an attempt.

Keys are hashed with the secret key: the limiter needs to recognise an
address or an account name, not to know it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import RateCounter

FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")
FORWARDED_SEEN_KEY = "gemeinsam:forwarded-header-seen"


def client_address(request) -> str:
    """The client's address; behind a proxy, from the header named in ``CLIENT_IP_HEADER``."""
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        # The proxy appends the address it saw last; that is the one it vouches for.
        return request.META[header].split(",")[-1].strip()
    if not header and any(name in request.META for name in FORWARDING_HEADERS):
        # Behind a proxy every visitor would share the proxy's counter: remember it for
        # ``check --deploy`` (directory.checks), which then warns.
        cache.add(FORWARDED_SEEN_KEY, timezone.now().isoformat(), timeout=7 * 24 * 3600)
    return request.META.get("REMOTE_ADDR", "")


def _key(scope: str, identity: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{identity}".encode()).hexdigest()
    return f"{scope}:{digest[:40]}"


# One statement per attempt (insert or count on), atomic in PostgreSQL and SQLite
# alike; every API request pays it, so one round trip instead of four.
_COUNT_SQL = """
INSERT INTO {table} ("key", "count", "window_start", "expires_at") VALUES (%s, 1, %s, %s)
ON CONFLICT ("key") DO UPDATE SET
  "count" = CASE WHEN {table}."window_start" <= %s THEN 1 ELSE {table}."count" + 1 END,
  "window_start" = CASE WHEN {table}."window_start" <= %s THEN %s ELSE {table}."window_start" END,
  "expires_at" = CASE WHEN {table}."window_start" <= %s THEN %s ELSE {table}."expires_at" END
RETURNING "count", "expires_at"
"""


def _as_datetime(value) -> dt.datetime:
    if isinstance(value, str):  # SQLite returns text
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def count_attempt(scope: str, identity: str, period: int | None = None) -> tuple[int, dt.datetime]:
    """Add one attempt for ``identity`` in ``scope``; the count in the window and when it ends.

    The window lasts ``period`` seconds (default: the scope's in ``RATE_LIMITS``).
    """
    if period is None:
        _limit, period = settings.RATE_LIMITS[scope]
    now = timezone.now()
    ends = now + dt.timedelta(seconds=period)
    stale_before = now - dt.timedelta(seconds=period)
    connection = connections[router.db_for_write(RateCounter)]
    adapt = connection.ops.adapt_datetimefield_value
    sql = _COUNT_SQL.format(table=connection.ops.quote_name(RateCounter._meta.db_table))
    params = [_key(scope, identity), adapt(now), adapt(ends)]
    params += [adapt(stale_before), adapt(stale_before), adapt(now), adapt(stale_before)]
    params.append(adapt(ends))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, expires_at = cursor.fetchone()
    return count, _as_datetime(expires_at)


def seconds_until(moment: dt.datetime) -> int:
    """Whole seconds from now until ``moment``, at least 1 (for ``Retry-After``)."""
    return max(1, math.ceil((moment - timezone.now()).total_seconds()))


def check(request, scope: str, identity: str | None = None) -> int | None:
    """Count one attempt; None while allowed, else the seconds to wait.

    ``identity`` defaults to the client's address; pass an account name to
    count per account instead.
    """
    limit, _period = settings.RATE_LIMITS[scope]
    count, ends = count_attempt(scope, client_address(request) if identity is None else identity)
    return None if count <= limit else seconds_until(ends)


def retry_after(request, scope: str, identity: str | None = None) -> int:
    """Seconds until the current window of ``scope`` ends (without counting an attempt)."""
    identity = client_address(request) if identity is None else identity
    counter = RateCounter.objects.filter(key=_key(scope, identity)).first()
    if counter is None:
        return 1
    return seconds_until(counter.expires_at)


def too_many(request, seconds: int | None = None):
    """The translated 429 page, with ``Retry-After`` when the wait is known."""
    response = render(request, "directory/too_many_requests.html", status=429)
    if seconds is not None:
        response["Retry-After"] = str(seconds)
    return response


def rate_limited(scope: str, methods: tuple[str, ...] = ("POST",)):
    """Decorate a view so that ``methods`` requests count against ``scope``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                wait = check(request, scope)
                if wait is not None:
                    return too_many(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def block(scope: str, identity: str, seconds: int) -> None:
    """Refuse ``identity`` in ``scope`` for ``seconds`` from now (see :func:`blocked_for`)."""
    until = timezone.now() + dt.timedelta(seconds=seconds)
    RateCounter.objects.update_or_create(
        key=_key(scope, identity),
        defaults={"count": 0, "window_start": timezone.now(), "expires_at": until},
    )


def blocked_for(scope: str, identity: str) -> int | None:
    """Seconds ``identity`` must still wait in ``scope``, or None."""
    counter = RateCounter.objects.filter(key=_key(scope, identity)).first()
    if counter is None or counter.expires_at <= timezone.now():
        return None
    return seconds_until(counter.expires_at)


def forget(scope: str, identity: str) -> None:
    """Drop the counter of ``identity`` in ``scope`` (after a successful login)."""
    RateCounter.objects.filter(key=_key(scope, identity)).delete()


def purge_expired() -> int:
    """Delete counters whose window has ended; returns how many."""
    deleted, _kinds = RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
