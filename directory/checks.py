"""System checks for running the directory in production (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

from .ratelimit import FORWARDED_SEEN_KEY


@register(Tags.security, deploy=True)
def forwarded_requests_without_client_ip_header(app_configs, **kwargs) -> list[Warning]:
    """Requests came through a proxy, but rate limits still count the proxy's address."""
    if settings.CLIENT_IP_HEADER:
        return []
    try:
        seen = cache.get(FORWARDED_SEEN_KEY)
    except DatabaseError:  # cache table not created yet: nothing was recorded either
        return []
    if not seen:
        return []
    return [
        Warning(
            "Requests carry forwarding headers (X-Forwarded-For, Forwarded or X-Real-IP), "
            "but CLIENT_IP_HEADER is not set: every visitor shares the proxy's rate limits.",
            hint="Set CLIENT_IP_HEADER, e.g. HTTP_X_FORWARDED_FOR, to the header your proxy "
            f"sets (last seen {seen}).",
            id="gemeinsam.W001",
        )
    ]
