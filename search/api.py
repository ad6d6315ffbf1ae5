"""The JSON API: ``GET /api/v1/offers/`` and ``/api/v1/suggest/``, described by OpenAPI.

It calls the same search interface as the result pages. Every answer is
JSON, errors included: bad parameters get HTTP 400 naming each parameter and
what is wrong with it, other methods than GET and HEAD get 405 with
``Allow``, and more than ``RATE_LIMITS["api"]`` requests from one address
get 429 with ``Retry-After``. Unknown parameters are ignored. The OpenAPI
document (``search.openapi``) says the same; tests/search/test_api_schema.py
holds the two together.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from directory.ratelimit import check

from . import insights_log
from .forms import OfferSearchForm
from .interface import search, suggest
from .openapi import ALLOWED_METHODS, openapi_document
from .query import SearchHit


def _json(body: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _requested_language(request: HttpRequest) -> str:
    """The ``lang`` parameter if it names a site language, else the default (for messages)."""
    try:
        wanted = request.GET.get("lang", "")
    except TooManyFieldsSent:
        wanted = ""
    return wanted if wanted in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _error(status: int, error: str, message: str, **extra) -> JsonResponse:
    return _json({"error": error, "message": message, **extra}, status=status)


def _refusal(request: HttpRequest, rate_limited: bool) -> JsonResponse | None:
    """The answer to a request the API does not serve (method, rate, size), else None."""
    if request.method not in ALLOWED_METHODS:
        response = _error(
            405,
            "method_not_allowed",
            _("This address answers only GET and HEAD requests."),
        )
        response["Allow"] = ", ".join(ALLOWED_METHODS)
        return response
    wait = check(request, "api") if rate_limited else None
    if wait is not None:
        response = _error(
            429,
            "too_many_requests",
            _("Too many requests from your address. Please wait a moment and try again."),
            retry_after=wait,
        )
        response["Retry-After"] = str(wait)
        return response
    try:
        request.GET  # noqa: B018 - parsing it is the check
    except TooManyFieldsSent:
        return _error(400, "too_many_parameters", _("This request has too many parameters."))
    return None


View = Callable[[HttpRequest], JsonResponse]


def api_view(*, rate_limited: bool = True) -> Callable[[View], View]:
    """Serve a view as a read-only API endpoint: GET and HEAD, JSON errors, rate-limited."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest) -> JsonResponse:
            with translation.override(_requested_language(request)):
                refusal = _refusal(request, rate_limited)
            return refusal if refusal is not None else view(request)

        # Safe without a CSRF token: the API only reads, never changes anything, and uses
        # no cookie or session, so a forged cross-site request can do nothing a plain GET
        # cannot. Without this, CSRF middleware would answer POST & co. with its HTML 403
        # page before the API could say 405 in JSON.
        return csrf_exempt(wrapper)

    return decorator


def _error_response(form: OfferSearchForm) -> JsonResponse:
    errors = {
        field: [
            {"message": message, "code": error.code}
            for error in field_errors.as_data()
            for message in error.messages
        ]
        for field, field_errors in form.errors.items()
    }
    return _json({"error": "invalid_parameters", "parameters": errors}, status=400)


def _offer_json(hit: SearchHit, request: HttpRequest) -> dict:
    offer = hit.offer
    return {
        "id": offer.pk,
        "title": offer.title,
        "summary": offer.summary,
        "language": offer.language,
        "url": request.build_absolute_uri(offer.url()),
        "kind": offer.kind,
        "categories": offer.categories,
        "town": hit.place.town if hit.place else None,
        "distance_km": round(hit.distance_km, 2) if hit.distance_km is not None else None,
        "place": {"town": hit.place.town, "street": hit.place.street} if hit.place else None,
        "spoken_languages": [code for code, _native in offer.spoken_languages],
        "free": offer.is_free,
        "wheelchair_accessible": offer.wheelchair_accessible,
        "childcare": offer.childcare,
        "next_dates": [
            {
                "date": o.date.isoformat(),
                "start": o.start.strftime("%H:%M") if o.start else None,
                "end": o.end.strftime("%H:%M") if o.end else None,
            }
            for o in offer.upcoming
        ],
        "snippet": str(hit.snippet),
    }


@api_view()
def offers(request: HttpRequest) -> JsonResponse:
    """Search offers. Parameters as in the OpenAPI document."""
    form = OfferSearchForm(request.GET)
    with translation.override(_requested_language(request)):
        if not form.is_valid():
            return _error_response(form)
    query = form.to_query(language=settings.LANGUAGE_CODE)
    with translation.override(query.language):
        results = search(query)
        body = {
            "count": results.count,
            "page": query.page,
            "page_size": query.page_size,
            "language": query.language,
            "backend": results.backend,
            "results": [_offer_json(hit, request) for hit in results.hits],
            "facets": results.facets,
        }
        if results.help is not None:
            body["help"] = {
                **results.help.as_json(),
                "nearest": [_offer_json(hit, request) for hit in results.help.nearest],
            }
    response = _json(body)
    insights_log.mark(response, query, results.count, "api")
    return response


@api_view()
def suggestions(request: HttpRequest) -> JsonResponse:
    """Titles for a partly typed word (autocomplete)."""
    form = OfferSearchForm({"q": request.GET.get("q", ""), "lang": request.GET.get("lang", "")})
    with translation.override(_requested_language(request)):
        if not form.is_valid():
            return _error_response(form)
    language = form.cleaned_data.get("lang") or settings.LANGUAGE_CODE
    return _json({"suggestions": suggest(form.cleaned_data["q"], language)})


# Not counted: the same small document for everyone, built from constants without a query.
@api_view(rate_limited=False)
def openapi(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3.1 description of this API."""
    return JsonResponse(openapi_document(request.build_absolute_uri("/api/v1/")))
