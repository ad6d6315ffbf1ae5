"""The JSON API: ``GET /api/v1/offers/`` and ``/api/v1/suggest/``, described by OpenAPI.

It calls the same search interface as the result pages. Bad parameters get
HTTP 400 with a JSON body naming each parameter and what is wrong with it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from .forms import OfferSearchForm
from .interface import search, suggest
from .openapi import openapi_document
from .query import SearchHit


def _requested_language(request: HttpRequest) -> str:
    """The ``lang`` parameter if it names a site language, else German (for error messages)."""
    wanted = request.GET.get("lang", "")
    return wanted if wanted in dict(settings.LANGUAGES) else "de"


def _error_response(form: OfferSearchForm) -> JsonResponse:
    errors = {
        field: [
            {"message": message, "code": error.code}
            for error in field_errors.as_data()
            for message in error.messages
        ]
        for field, field_errors in form.errors.items()
    }
    return JsonResponse({"error": "invalid_parameters", "parameters": errors}, status=400)


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
        "town": offer.town or None,
        "distance_km": round(hit.distance_km, 2) if hit.distance_km is not None else None,
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


@require_GET
def offers(request: HttpRequest) -> JsonResponse:
    """Search offers. Parameters as in the OpenAPI document."""
    form = OfferSearchForm(request.GET)
    with translation.override(_requested_language(request)):
        if not form.is_valid():
            return _error_response(form)
    query = form.to_query(language="de")
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
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@require_GET
def suggestions(request: HttpRequest) -> JsonResponse:
    """Titles for a partly typed word (autocomplete)."""
    form = OfferSearchForm({"q": request.GET.get("q", ""), "lang": request.GET.get("lang", "")})
    with translation.override(_requested_language(request)):
        if not form.is_valid():
            return _error_response(form)
    language = form.cleaned_data.get("lang") or "de"
    return JsonResponse(
        {"suggestions": suggest(form.cleaned_data["q"], language)},
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def openapi(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3.1 description of this API."""
    return JsonResponse(openapi_document(request.build_absolute_uri("/api/v1/")))
