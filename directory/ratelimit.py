"""Per-address rate limits on everything anonymous people can send.

Counts live in Django's cache (a database table by default, so every worker
process shares them). Addresses are hashed with the secret key before they
are used as keys: the limiter needs to recognise an address, not to know it.
"""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def client_address(request) -> str:
    """The client's address; behind a proxy, from the header named in ``CLIENT_IP_HEADER``."""
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        # The proxy appends the address it saw last; that is the one it vouches for.
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def hit(request, scope: str) -> bool:
    """Count one attempt in ``scope``; False once the address is over the limit for this hour."""
    limit, window = settings.RATE_LIMITS[scope]
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode()).hexdigest()
    key = f"rate:{scope}:{digest[:32]}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def too_many(request):
    """The translated 429 page."""
    return render(request, "directory/too_many_requests.html", status=429)


def rate_limited(scope: str, methods: tuple[str, ...] = ("POST",)):
    """Decorate a view so that ``methods`` requests count against ``scope``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods and not hit(request, scope):
                return too_many(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
