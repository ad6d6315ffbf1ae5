"""Anonymous pages and API answers from memory, dropped within a second of any change.

Browsing sets no cookie, so a request without cookies gets the same answer as every
other one for the same URL and language. Each worker keeps such answers in its own
memory (a bounded LRU: no network hop, no serialisation), and checks at most once per
``PAGE_CACHE_CHECK_SECONDS`` whether the content changed anywhere:

- the search index's generation (``search.models.IndexGeneration``), renewed by every
  index write: an offer published, changed, unpublished or deleted, a rebuild;
- a stamp of our own in the shared cache (``CACHES["default"]``), renewed when a page
  of any kind is published, unpublished, moved or deleted, or the taxonomy, the site
  settings or an image change (the signals in ``connect_signals``).

If either moved, the worker drops everything it kept. So a published change reaches
anonymous visitors within about a second on every worker, and a worker asks the
database two one-row questions per second at most, whatever the traffic.

Entries also expire after ``PAGE_CACHE_SECONDS``: lists show what is valid *today*,
which changes at midnight without any write. Only what is the same for everyone is
kept: GET requests without cookies or credentials, answered 200 without setting a
cookie and without ``private``/``no-store``/``no-cache`` (forms, /healthz, members'
pages all say so or set the CSRF cookie).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from django.utils.cache import cc_delim_re

STAMP_KEY = "page-cache-stamp"
_UNCACHEABLE = {"private", "no-store", "no-cache"}
# Headers a response carries from the views below us; the middleware above us (security
# headers, the content policy, compression) runs again for every answer from memory.
_SKIPPED_HEADERS = {"content-length", "date", "set-cookie"}


@dataclass(frozen=True)
class _Entry:
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    stored_at: float


class _Store:
    """One worker's kept answers and the generation they belong to."""

    def __init__(self) -> None:
        self.entries: OrderedDict[tuple[str, str, str], _Entry] = OrderedDict()
        self.size = 0  # bytes of content kept
        self.generation: tuple[object, int] | None = None
        self.checked_at = 0.0
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self._drop_all()
            self.generation = None
            self.checked_at = 0.0

    def _drop_all(self) -> None:
        self.entries.clear()
        self.size = 0

    def keep(self, key: tuple[str, str, str], entry: _Entry) -> None:
        """Keep an answer, dropping the least recently used beyond the limits (lock held).

        Both a count and a byte budget: strangers can ask for any number of distinct
        URLs, and no worker may grow without bound because of it.
        """
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= len(old.content)
        self.entries[key] = entry
        self.size += len(entry.content)
        while self.entries and (
            len(self.entries) > settings.PAGE_CACHE_MAX_ENTRIES
            or self.size > settings.PAGE_CACHE_MAX_MB * 1024 * 1024
        ):
            _key, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped.content)


_store = _Store()


def _generation() -> tuple[object, int]:
    from search.models import IndexGeneration

    return cache.get(STAMP_KEY), IndexGeneration.current()


def _still_fresh(now: float) -> None:
    """Drop everything if the content changed since this worker last looked."""
    if now - _store.checked_at < settings.PAGE_CACHE_CHECK_SECONDS:
        return
    current = _generation()
    with _store.lock:
        if current != _store.generation:
            _store._drop_all()
            _store.generation = current
        _store.checked_at = now


def mark_changed(**_signal_arguments: object) -> None:
    """Tell every worker that pages may have changed (a signal receiver).

    This worker forgets at once; the shared stamp changes after the commit, so no other
    worker can rebuild a page from the old content under the new stamp.
    """
    _store.clear()
    transaction.on_commit(_renew_stamp)


def _renew_stamp() -> None:
    cache.set(STAMP_KEY, secrets.token_hex(8), timeout=None)
    _store.clear()


def forget_everything() -> None:
    """Empty this worker's memory (tests; ``mark_changed`` is the one for changes)."""
    _store.clear()


# Longer URLs are not kept: the byte budget counts answers, and keys must stay small too
# (gunicorn refuses request lines over 4094 bytes anyway; the embedded server does not).
MAX_KEY_LENGTH = 2048


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and len(request.get_full_path()) <= MAX_KEY_LENGTH
        and not request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _cacheable_response(response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    directives = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    return not directives & _UNCACHEABLE and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES


def _key(request: HttpRequest) -> tuple[str, str, str]:
    # The language LocaleMiddleware will choose: the URL's prefix, else Accept-Language
    # (the API and the sitemap have no prefix and answer in the negotiated language).
    language = translation.get_language_from_request(request, check_path=True)
    return request.get_host(), request.get_full_path(), language


class AnonymousPageCacheMiddleware:
    """Answer cookie-less GET requests from this worker's memory (see the module's text)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _cacheable_request(request):
            return self.get_response(request)
        now = time.monotonic()
        try:
            _still_fresh(now)
        except DatabaseError:  # the view will report it (or the health check will)
            return self.get_response(request)
        key = _key(request)
        with _store.lock:
            entry = _store.entries.get(key)
            if entry is not None and now - entry.stored_at < settings.PAGE_CACHE_SECONDS:
                _store.entries.move_to_end(key)
            else:
                entry = None
        if entry is not None:
            return _rebuilt(entry)
        generation = _store.generation
        response = self.get_response(request)
        if _cacheable_response(response):
            headers = tuple(
                (name, value)
                for name, value in response.items()
                if name.lower() not in _SKIPPED_HEADERS
            )
            stored = _Entry(response.status_code, headers, response.content, now)
            with _store.lock:
                # A change seen while this answer was being built makes it stale already.
                if _store.generation == generation:
                    _store.keep(key, stored)
        return response


def _rebuilt(entry: _Entry) -> HttpResponse:
    response = HttpResponse(entry.content, status=entry.status)
    for name, value in entry.headers:
        response[name] = value
    response["X-Cache"] = "hit"
    return response


def connect_signals() -> None:
    """Everything besides index writes that changes what anonymous visitors see."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Site, get_page_models
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from cms.models import CustomImage, SiteLinks
    from directory.models import Category, SpokenLanguage, TargetGroup

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(mark_changed, dispatch_uid=f"page_cache.{id(signal)}")
    # Page subclasses send post_delete with their own class as sender. Connected per page
    # model, not to every sender: a receiver for all senders stops Django from deleting
    # any model's rows in one query (a rebuild's term table would be loaded row by row).
    for model in get_page_models():
        post_delete.connect(
            mark_changed, sender=model, dispatch_uid=f"page_cache.deleted.{model._meta.label}"
        )
    for model in (Category, TargetGroup, SpokenLanguage, SiteLinks, CustomImage, Site):
        for signal in (post_save, post_delete):
            uid = f"page_cache.{model.__name__}.{id(signal)}"
            signal.connect(mark_changed, sender=model, dispatch_uid=uid)
