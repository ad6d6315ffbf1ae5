"""The admin speaks the district's working language unless an account chose another.

Outside the admin the language is in the URL. The admin has none, so Django's
LocaleMiddleware would follow the browser's Accept-Language: a German moderator with
an English browser got an English admin, and their colleagues' German labels, the
review's task name and the history then came mixed. Here the admin always starts
in ``LANGUAGE_CODE``; Wagtail then switches to the language chosen under
Account → Language (``UserProfile.preferred_language``), which stays the one way
to get the admin in English.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation


class AdminLanguageMiddleware:
    """After LocaleMiddleware: activate ``LANGUAGE_CODE`` for Wagtail's and Django's admin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefixes: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.prefixes is None:  # the URLconf is not loaded when middleware is built
            self.prefixes = (reverse("wagtailadmin_home"), reverse("admin:index"))
        if request.path.startswith(self.prefixes):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
