"""The Open Referral HSDS 3.0 read API under ``/hsds/`` (no language prefix), JSON.

Endpoints follow HSDS's OpenAPI description (``hsds_openapi`` is ours, with the
additions): ``/``, ``/services``, ``/organizations``, ``/service_at_locations``,
``/taxonomies`` and ``/taxonomy_terms`` with their ``/{id}``, ``/locations`` (an
addition) and ``/package.zip``, the whole directory as a tabular data package.

Only public, current offers and live, public organisations are ever shown
(``directory.hsds.loading``). ``?search=`` asks the same search as the site and
``/api/v1/`` (``search.interface``), so it finds what they find. ``?language=`` picks
the texts' language (one of the site's, German by default); a text missing there
is German. ``Accept-Language`` is ignored, so answers can be cached by URL.

Lists are pages in HSDS's shape; parameters, paging, errors and headers are
``hsds_http``'s.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.gazetteer import resolve_place
from directory.geo import distance_km
from directory.hsds import ids
from directory.hsds.context import Context
from directory.hsds.entities import organization, service, service_at_location
from directory.hsds.loading import load_offers, public_offers, public_organisations
from directory.hsds.package import HSDS_VERSION, build_package
from directory.hsds.places import location
from directory.hsds.taxonomy import offers_with, taxonomy_dict, taxonomy_id, term_dict
from directory.models import OfferLocation
from directory.ratelimit import check

from .forms import MAX_RESULT_WINDOW
from .hsds_http import (
    BadParameter,
    NotFound,
    Params,
    error_response,
    found_pk,
    hsds_view,
    page,
)
from .hsds_openapi import hsds_openapi_document
from .interface import search
from .query import OfferQuery

MAX_PROXIMITY_M = 300_000
PROFILE_URL = "https://docs.openreferral.org/en/latest/hsds/overview.html"


# --- Services ---------------------------------------------------------------------------


def _searched(text: str, language: str) -> list[int]:
    """Offer ids matching ``text``, best first: the site's own search."""
    query = OfferQuery(text=text, language=language, page=1, page_size=MAX_RESULT_WINDOW)
    return [hit.offer.pk for hit in search(query, with_help=False).hits]


def service_ids(params: Params, ctx: Context) -> list[int]:
    """Public offers passing the list filters: by pk, or best match first with ``search``."""
    offers = public_offers()
    if term_id := params.uuid("taxonomy_term_id"):
        term = ctx.taxonomy.by_id.get(term_id)
        offers = offers_with(term, offers) if term else offers.none()
    if (wanted := params.uuid("taxonomy_id")) and wanted != taxonomy_id():
        offers = offers.none()
    if owner_id := params.uuid("organization_id"):
        owners = public_organisations().values_list("pk", flat=True)
        match = ids.parse_uid(owner_id, "organisation", owners)
        offers = offers.filter(organisation_id=match[1]) if match else offers.none()
    if (since := params.moment("modified_after")) is not None:
        offers = offers.filter(last_published_at__gte=since)
    found = list(offers.order_by("pk").values_list("pk", flat=True).distinct())
    if text := params.search_text():
        allowed = set(found)
        found = [pk for pk in _searched(text, ctx.language) if pk in allowed]
    return found


def _shape(params: Params) -> str:
    if params.flag("minimal"):
        return "minimal"
    return "full" if params.flag("full") else "list"


@hsds_view
def index(request: HttpRequest, params: Params, ctx: Context) -> dict[str, Any]:
    """What this API is: HSDS version, profile and OpenAPI document."""
    return {
        "version": HSDS_VERSION,
        "profile": PROFILE_URL,
        "openapi_url": request.build_absolute_uri(reverse("hsds-openapi")),
    }


@hsds_view
def openapi(request: HttpRequest, params: Params, ctx: Context) -> dict[str, Any]:
    """The OpenAPI description of this API, with our additions to HSDS."""
    return hsds_openapi_document(request.build_absolute_uri("/hsds/"))


@hsds_view
def services(request: HttpRequest, params: Params, ctx: Context) -> dict[str, Any]:
    """A page of services (one-to-one fields; ``full`` nests all, ``minimal`` only ids)."""
    shape = _shape(params)
    chosen, found = page(service_ids(params, ctx), params)
    found["contents"] = [service(bundle, ctx, shape) for bundle in load_offers(chosen)]
    return found


@hsds_view
def service_detail(request: HttpRequest, params: Params, ctx: Context, id: str) -> dict:
    """One service, fully nested."""
    pk = found_pk(id, "offer", public_offers().values_list("pk", flat=True))
    for bundle in load_offers([pk]):
        return service(bundle, ctx)
    raise NotFound  # its validity ended at midnight, between the two queries


# --- Organisations ----------------------------------------------------------------------


def _services_of(owner_ids: list[int], ctx: Context, full: bool) -> dict[int, list[dict]]:
    """The public services of organisations, briefly (id and name) or in full."""
    rows = public_offers().filter(organisation_id__in=owner_ids).order_by("pk")
    found: dict[int, list[dict]] = {pk: [] for pk in owner_ids}
    for bundle in load_offers(list(rows.values_list("pk", flat=True))):
        made = service(bundle, ctx, "full" if full else "list")
        brief = made if full else {key: made[key] for key in ("id", "name", "status")}
        found[bundle.offer.organisation_id].append(brief)
    return found


@hsds_view
def organizations(request: HttpRequest, params: Params, ctx: Context) -> dict[str, Any]:
    """A page of organisations (``full`` nests phones, type and services)."""
    full_service = params.flag("full_service")
    full = params.flag("full") or full_service
    chosen, found = page(list(public_organisations().order_by("pk")), params)
    offered = _services_of([o.pk for o in chosen], ctx, full_service) if full else {}
    found["contents"] = [
        organization(owner, ctx, nested=full, services=offered.get(owner.pk)) for owner in chosen
    ]
    return found


@hsds_view
def organization_detail(request: HttpRequest, params: Params, ctx: Context, id: str) -> dict:
    """One organisation with its services (id and name; ``full_service`` in full)."""
    owners = {owner.pk: owner for owner in public_organisations()}
    pk = found_pk(id, "organisation", owners)
    offered = _services_of([pk], ctx, params.flag("full_service"))
    return organization(owners[pk], ctx, services=offered[pk])


# --- Places -----------------------------------------------------------------------------


def _places(params: Params, ctx: Context, with_filters: bool) -> list[tuple[int, int]]:
    """(place pk, offer pk) of public offers' places: the offers' order, then the places'."""
    offer_ids = service_ids(params, ctx) if with_filters else None
    rows = OfferLocation.objects.filter(page__in=public_offers())
    if offer_ids is not None:
        rows = rows.filter(page_id__in=offer_ids)
    values = list(
        rows.values_list("pk", "page_id", "sort_order", "postcode", "latitude", "longitude")
    )
    if with_filters:
        values = _near(values, params)
    rank = {pk: n for n, pk in enumerate(offer_ids)} if offer_ids is not None else {}
    values.sort(key=lambda row: (rank.get(row[1], row[1]), row[2] or 0, row[0]))
    return [(row[0], row[1]) for row in values]


def _near(values: list[tuple], params: Params) -> list[tuple]:
    """Rows at ``postcode``; with ``proximity`` (metres), within that of its centre."""
    postcode = params.text("postcode")
    if not postcode:
        if params.text("proximity"):
            raise BadParameter("postcode", _("Say from which postcode to measure."))
        return values
    if not params.text("proximity"):
        return [row for row in values if row[3] == postcode]
    metres = params.number("proximity", 0, MAX_PROXIMITY_M)
    centre = resolve_place(postcode) if re.fullmatch(r"[0-9]{5}", postcode) else None
    if centre is None:
        raise BadParameter("postcode", _("We do not know this postcode."))
    return [
        row
        for row in values
        if row[4] is not None
        and row[5] is not None
        and distance_km(centre, row[4], row[5]) * 1000 <= metres
    ]


def _place_objects(pairs: list[tuple[int, int]]) -> list:
    """The places and their offers' bundles for (place pk, offer pk) pairs, in that order."""
    bundles = {bundle.offer.pk: bundle for bundle in load_offers(sorted({o for _p, o in pairs}))}
    found = []
    for place_pk, offer_pk in pairs:
        # An offer whose validity ended at midnight since the pks were read is left out.
        if bundle := bundles.get(offer_pk):
            found.extend((place, bundle) for place in bundle.locations if place.pk == place_pk)
    return found


@hsds_view
def service_at_locations(request: HttpRequest, params: Params, ctx: Context) -> dict:
    """A page of services at places (the service's one-to-one fields; ``full`` all)."""
    shape = "full" if params.flag("full") else "list"
    chosen, found = page(_places(params, ctx, with_filters=True), params)
    found["contents"] = [
        service_at_location(place, bundle, ctx, with_service=shape)
        for place, bundle in _place_objects(chosen)
    ]
    return found


def _one_place(id: str, kind: str) -> tuple:
    """The place (and its offer's bundle) that ``id`` names as ``kind``, else 404."""
    pairs = dict(_places_unfiltered())
    pk = found_pk(id, kind, pairs)
    for found in _place_objects([(pk, pairs[pk])]):
        return found
    raise NotFound


def _places_unfiltered() -> list[tuple[int, int]]:
    """(place pk, offer pk) of every place of a public offer, by pk."""
    return list(
        OfferLocation.objects.filter(page__in=public_offers())
        .order_by("pk")
        .values_list("pk", "page_id")
    )


@hsds_view
def service_at_location_detail(request: HttpRequest, params: Params, ctx: Context, id: str) -> dict:
    """One service at a place, the service and the place fully nested."""
    place, bundle = _one_place(id, "service_at_location")
    return service_at_location(place, bundle, ctx, with_service="full")


@hsds_view
def locations(request: HttpRequest, params: Params, ctx: Context) -> dict[str, Any]:
    """A page of the places of public offers (an addition to HSDS's API)."""
    chosen, found = page(_places_unfiltered(), params)
    found["contents"] = [location(place, bundle, ctx) for place, bundle in _place_objects(chosen)]
    return found


@hsds_view
def location_detail(request: HttpRequest, params: Params, ctx: Context, id: str) -> dict:
    """One place with its address."""
    place, bundle = _one_place(id, "location")
    return location(place, bundle, ctx)


# --- Taxonomy ---------------------------------------------------------------------------


@hsds_view
def taxonomies(request: HttpRequest, params: Params, ctx: Context) -> dict[str, Any]:
    """Our one taxonomy, "gemeinsam", as a page."""
    chosen, found = page([taxonomy_dict(ctx.language)], params)
    found["contents"] = chosen
    return found


@hsds_view
def taxonomy_detail(request: HttpRequest, params: Params, ctx: Context, id: str) -> dict:
    """The taxonomy "gemeinsam"."""
    if ids.normalise(id) != taxonomy_id():
        raise NotFound
    return taxonomy_dict(ctx.language)


@hsds_view
def taxonomy_terms(request: HttpRequest, params: Params, ctx: Context) -> dict[str, Any]:
    """A page of terms; ``top_only`` the parents, ``parent_id`` one parent's children."""
    terms = ctx.taxonomy.terms
    if (wanted := params.uuid("taxonomy_id")) and wanted != taxonomy_id():
        terms = []
    if params.flag("top_only"):
        terms = [term for term in terms if not term.group]
    if parent_id := params.uuid("parent_id"):
        terms = [term for term in terms if term.parent_id == parent_id]
    chosen, found = page(terms, params)
    found["contents"] = [ctx.term(term) for term in chosen]
    return found


@hsds_view
def taxonomy_term_detail(request: HttpRequest, params: Params, ctx: Context, id: str) -> dict:
    """One term, name and description in the language asked for."""
    term = ctx.taxonomy.by_id.get(ids.normalise(id) or "")
    if term is None:
        raise NotFound
    return term_dict(term, ctx.language, ctx.offer_list_url)


# --- The whole directory ----------------------------------------------------------------


@hsds_view
def package(request: HttpRequest, params: Params, ctx: Context) -> HttpResponse:
    """The tabular data package (ZIP); texts in ``language``, all of them in translations."""
    wait = check(request, "hsds_package")
    if wait is not None:
        response = error_response(
            429,
            "too_many_requests",
            _("The package can be downloaded only a few times an hour. Please wait."),
        )
        response["Retry-After"] = str(wait)
        return response
    content = build_package(ctx.language, ctx.base_url)
    response = HttpResponse(content, content_type="application/zip")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="gemeinsam-hsds-{day}.zip"'
    return response


@hsds_view
def unknown_path(request: HttpRequest, params: Params, ctx: Context, path: str) -> HttpResponse:
    """Any other address under /hsds/: a 404 in JSON like the API's others, not a web page."""
    return error_response(404, "not_found", _("This API has no such address."))
