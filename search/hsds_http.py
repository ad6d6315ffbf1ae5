"""Requests and answers of the HSDS API: parameters, paging, ids, JSON and its headers.

Every answer is JSON, errors too: a bad parameter is 400 naming it, an id that is
malformed or not ours (or not public) is 404, a method other than GET is 405 (the
``require_GET`` answer), too many requests are 429. ``page`` starts at 1; a page
beyond the last is an empty page (200, ``empty`` true), as HSDS does not say
otherwise. ``per_page`` is 50 by default and at most 100: more is answered with 100
(``size`` tells), but a number no client means (over a million) is an error.
Numbers are ASCII digits only ("١" and "1_0" are refused, as int() would take them).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from directory.hsds import ids
from directory.hsds.context import make_context
from directory.i18n import SOURCE_LANGUAGE, site_languages
from directory.ratelimit import check

from .forms import FLAG_FALSE, FLAG_TRUE, OfferSearchForm

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
MAX_ASKED = 1_000_000  # a per_page above this is a mistake, not a wish for everything
# Digits as a machine writes them: int() would also take "١", "１" and "1_0".
_DIGITS = re.compile(r"[0-9]+")
_ISO_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+(Z|[+-][0-9]{2}:?[0-9]{2})?)?")


class BadParameter(Exception):
    """A query parameter the API cannot use: answered 400, naming it."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name, self.message = name, message


class NotFound(Exception):
    """No public entity with that id: answered 404."""


def json_response(body: Any, status: int = 200) -> JsonResponse:
    """``body`` as JSON, non-ASCII text as it is (not as \\u escapes)."""
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error_response(status: int, error: str, message: str, **extra: Any) -> JsonResponse:
    """An error answer: a code word, a message for people and any details."""
    return json_response({"error": error, "message": message, **extra}, status=status)


class Params:
    """The query parameters of one request, read and checked on demand."""

    def __init__(self, request: HttpRequest) -> None:
        self.get = request.GET

    def text(self, name: str) -> str:
        """The parameter as given, without surrounding space ("" when absent)."""
        return self.get.get(name, "").strip()

    def number(self, name: str, default: int, highest: int) -> int:
        """A whole number from 1 to ``highest`` written in ASCII digits."""
        value = self.text(name)
        if not value:
            return default
        if not _DIGITS.fullmatch(value):
            raise BadParameter(name, _("Give a whole number, 1 or more, in digits 0–9."))
        # Length first: int() refuses more than 4300 digits with an error of its own.
        number = int(value) if len(value) <= len(str(highest)) else highest + 1
        if not 1 <= number <= highest:
            raise BadParameter(
                name, _("Give a number from 1 to %(highest)s.") % {"highest": highest}
            )
        return number

    def flag(self, name: str) -> bool:
        """A yes/no parameter: true/false, 1/0, yes/no, on/off; absent is no."""
        value = self.text(name).lower() if self.text(name).isascii() else "?"
        if value in FLAG_TRUE:
            return True
        if value in FLAG_FALSE or value == "":
            return False
        raise BadParameter(name, _("Use true or false."))

    def uuid(self, name: str) -> str | None:
        """A canonical UUID, None when absent; a malformed one is an error."""
        value = self.text(name)
        if not value:
            return None
        canonical = ids.normalise(value)
        if canonical is None:
            raise BadParameter(name, _("This is not an id of this API (a UUID)."))
        return canonical

    def moment(self, name: str) -> dt.datetime | None:
        """An ISO 8601 date or date-time; without an offset, local time (``TIME_ZONE``)."""
        value = self.text(name)
        if not value:
            return None
        try:
            if not _ISO_MOMENT.fullmatch(value):
                raise ValueError(value)
            moment = dt.datetime.fromisoformat(value)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            # The database compares in UTC: 9999-12-31T23:00-05:00 is past year 9999 there.
            return moment.astimezone(dt.UTC)
        except (ValueError, OverflowError):
            raise BadParameter(
                name, _("Give a date or date and time, e.g. 2024-05-01T08:00:00Z.")
            ) from None

    def search_text(self) -> str:
        """``search`` checked as the site's search form checks its text."""
        form = OfferSearchForm({"q": self.get.get("search", "")})
        if not form.is_valid():
            raise BadParameter("search", form.errors["q"][0])
        return form.cleaned_data["q"]


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("language", "") or SOURCE_LANGUAGE
    if wanted not in site_languages():
        raise BadParameter(
            "language",
            _("Unknown language. Use one of: %(codes)s.") % {"codes": ", ".join(site_languages())},
        )
    return wanted


View = Callable[..., Any]


def hsds_view(view: View) -> View:
    """Serve ``view(request, params, ctx, **kwargs)`` (a body) as JSON, errors included."""

    @wraps(view)
    def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        wait = check(request, "api")
        if wait is not None:
            response = error_response(
                429,
                "too_many_requests",
                _("Too many requests from your address. Please wait a moment and try again."),
            )
            response["Retry-After"] = str(wait)
            return response
        try:
            language = _language(request)
            with translation.override(language):
                ctx = make_context(language, request.build_absolute_uri("/"))
                body = view(request, Params(request), ctx, **kwargs)
        except TooManyFieldsSent:
            return error_response(
                400, "too_many_parameters", _("This request has too many parameters.")
            )
        except BadParameter as problem:
            return error_response(400, "invalid_parameter", problem.message, parameter=problem.name)
        except NotFound:
            return error_response(404, "not_found", _("There is no public entry with this id."))
        response = body if isinstance(body, HttpResponse) else json_response(body)
        response["Content-Language"] = language
        return response

    # Safe without a CSRF token: it only reads and uses no cookie; without this, POST
    # would get the CSRF middleware's HTML 403 instead of require_GET's 405.
    return csrf_exempt(_open_data(require_GET(wrapper)))


def _open_data(view: View) -> View:
    """Any site may read it (CORS) and any cache keep it for five minutes."""

    @wraps(view)
    def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response = view(request, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        if response.status_code in (200, 404):
            response["Cache-Control"] = "public, max-age=300"
        return response

    return wrapper


# --- Pages ------------------------------------------------------------------------------


def page(items: list, params: Params) -> tuple[list, dict[str, Any]]:
    """The requested slice of ``items`` and HSDS's page fields (``contents`` to be added)."""
    number = params.number("page", 1, MAX_PAGE)
    size = min(params.number("per_page", DEFAULT_PER_PAGE, MAX_ASKED), MAX_PER_PAGE)
    total_pages = max(1, math.ceil(len(items) / size))
    chosen = items[(number - 1) * size : number * size]
    return chosen, {
        "total_items": len(items),
        "total_pages": total_pages,
        "page_number": number,
        "size": len(chosen),
        "first_page": number == 1,
        "last_page": number >= total_pages,
        "empty": not chosen,
    }


def found_pk(value: str, kind: str, keys: Iterable[int]) -> int:
    """The pk among ``keys`` that ``value`` is our id of, else 404."""
    match = ids.parse_uid(value, kind, keys)
    if match is None:
        raise NotFound
    return int(match[1])
