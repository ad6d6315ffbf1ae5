"""Content-Security-Policy: the strict public policy, the admins' looser one, the tile server.

django-csp builds and sends the header (``CONTENT_SECURITY_POLICY`` in the settings). Two
parts of the policy depend on the request, which the library's settings cannot say, so this
subclass fills them in through its documented hook, ``get_policy_parts``:

- the Wagtail admin and Django's admin get ``CONTENT_SECURITY_POLICY_ADMIN`` (see the
  settings for why it is looser);
- the map tile server's origin (``MAP_TILE_URL``, none by default) joins ``img-src``, as
  does the media origin when ``MEDIA_URL`` is absolute (a CDN; ``/media/`` by default). It is
  read when the response is built, so the policy can never disagree with the tile URL that
  the map and the submission preview use.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import NoReverseMatch, reverse

# Leaflet's default tile subdomains (``{s}``); the submission preview uses the first.
TILE_SUBDOMAINS = ("a", "b", "c")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


@lru_cache(maxsize=8)
def tile_origins(url: str) -> tuple[str, ...]:
    """The origins a tile URL template loads from: ``https://{s}.tile.example.org/…`` → a, b, c.

    Anything that is not a plain http(s) host name gives nothing rather than a malformed
    source list: the header must stay parseable whatever the environment holds.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ()
    host = parts.hostname or ""
    if parts.scheme not in {"http", "https"} or not host:
        return ()
    hosts = [host.replace("{s}", s) for s in TILE_SUBDOMAINS] if "{s}" in host else [host]
    if not all(_HOST.match(h) for h in hosts):
        return ()
    suffix = f":{port}" if port else ""
    return tuple(f"{parts.scheme}://{h}{suffix}" for h in hosts)


@lru_cache(maxsize=4)
def media_origin(url: str) -> tuple[str, ...]:
    """The origin of an absolute MEDIA_URL (a CDN on the district's domain); none for /media/."""
    if not urlsplit(url).netloc:
        return ()
    return tile_origins(url)


def admin_prefixes() -> tuple[str, ...]:
    """Where the Wagtail admin and Django's admin live, as the URL configuration says."""
    prefixes = []
    for name in ("wagtailadmin_home", "admin:index"):
        try:
            prefixes.append(reverse(name))
        except NoReverseMatch:
            continue
    return tuple(prefixes)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admins' policy and the tile server added per request."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        """The library's parts, then the admin policy and the tile origins on top."""
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        # A view that sets a whole policy itself (django-csp's @csp decorator) keeps it.
        if parts.config is None and request.path_info.startswith(admin_prefixes()):
            parts.config = dict(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        origins = tile_origins(settings.MAP_TILE_URL) + media_origin(settings.MEDIA_URL)
        if origins:
            update = dict(parts.update or {})
            update["img-src"] = [*_as_list(update.get("img-src")), *origins]
            parts.update = update
        return parts


def _as_list(value: object) -> list:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]
