"""Counts every answered search, the page cache's answers too (see ``search.insights_log``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from . import insights_log


class SearchLogMiddleware:
    """Outside the page cache: turn a search's note into a log row and drop the header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        note = response.get(insights_log.HEADER)
        if note is not None:
            del response[insights_log.HEADER]
            if response.status_code == 200:
                insights_log.record(note)
        return response


class SearchNoteMiddleware:
    """Inside the page cache: a result page's search (noted on the request by the page's
    hook) becomes the response's note, so the cache keeps it with the answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        searched = getattr(request, "gemeinsam_search", None)
        if searched is not None and response.status_code == 200:
            query, results = searched
            insights_log.mark(response, query, results, "page")
        return response
