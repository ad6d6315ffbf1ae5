"""Counts every answered search, the page cache's answers too (see ``search.insights_log``)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponseBase

from . import insights_log


class _LogMiddleware:
    """Left out of the stack altogether when the log is off (``INSIGHTS_LOG=0``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        if not settings.INSIGHTS_LOG:
            raise MiddlewareNotUsed
        self.get_response = get_response


class SearchLogMiddleware(_LogMiddleware):
    """Outside the page cache: turn a search's note into a log row and drop the header."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        for header, keep in (
            (insights_log.HEADER, insights_log.record),
            (insights_log.VIEW_HEADER, insights_log.record_view),
        ):
            note = response.get(header)
            if note is not None:
                del response[header]
                if response.status_code == 200:
                    keep(note)
        return response


class SearchNoteMiddleware(_LogMiddleware):
    """Inside the page cache: a result page's search (noted on the request by the page's
    hook) and an offer page's offer become the response's notes, so the cache keeps them
    with the answer."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code != 200:
            return response
        searched = getattr(request, "gemeinsam_search", None)
        if searched is not None:
            query, results = searched
            insights_log.mark(response, query, results, "page")
        # An offer page says which offer it showed (directory's OfferPage.get_context).
        opened = getattr(request, "gemeinsam_offer_view", None)
        if opened is not None:
            insights_log.mark_view(response, *opened)
        return response
