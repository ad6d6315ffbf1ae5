# ruff: noqa: E501 - a data document reads best one sentence a line
"""The OpenAPI 3.1 document of the HSDS API (``/hsds/openapi.json``), our additions described.

HSDS's own OpenAPI file is a template; this is ours, filled in: the endpoints
we serve, their parameters and limits (the same constants ``hsds_api`` uses),
and what HSDS's "Extending" page asks publishers to document — the properties
we add (``translations`` and the rest) and where we differ. Entity shapes are
HSDS's compiled schemas, referenced by URL as HSDS's OpenAPI does.
"""

from __future__ import annotations

from typing import Any

from directory.hsds.tables import package_tables
from directory.i18n import SOURCE_LANGUAGE, site_languages

from .hsds_http import DEFAULT_PER_PAGE, MAX_ASKED, MAX_PAGE, MAX_PER_PAGE

SCHEMAS = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema"

ADDITIONS = (
    "Additions to HSDS 3.0 (documented properties, as HSDS's 'Extending' page allows). "
    "`translations` on service, organization, location, schedule and cost_option: "
    "`{language: {field: text}}` for every site language the text is really written in, "
    "the source language included; the fields are the entity's own names. "
    "On a service: `summary` (the short summary, plain text), `description_html` (the "
    "description as stored, limited HTML), `website`, `messenger`, `valid_from`/`valid_to` "
    "(the days the offer runs) and `original_language`. On an organization: `town`. "
    "Taxonomy 'gemeinsam': parents kind, category, target-group, format, feature "
    "(childcare, interpreter_available, registration_required, wheelchair_accessible) and "
    "organisation-type; a term's code is `<parent>:<slug>`. "
    "Schedules: opens_at/closes_at are local wall-clock times; `timezone` is the UTC offset "
    "on dtstart. A single date is `dtstart` with `count` 1. "
    "A service is free when its cost option has `amount` 0. "
    "An address without a street has the town as `address_1`."
)


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _parameters() -> dict[str, dict[str, Any]]:
    from .hsds_api import MAX_PROXIMITY_M  # the API imports this module

    uuid = {"type": "string", "format": "uuid"}
    flag = {"type": "boolean"}
    return {
        "language": _query(
            "language",
            "Language of the texts; a text not written in it is in the source language.",
            {"type": "string", "enum": site_languages(), "default": SOURCE_LANGUAGE},
        ),
        "page": _query(
            "page",
            "Page number, from 1. A page beyond the last is empty.",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        ),
        "per_page": _query(
            "per_page",
            f"Entries per page; more than {MAX_PER_PAGE} are answered with {MAX_PER_PAGE}.",
            {"type": "integer", "minimum": 1, "maximum": MAX_ASKED, "default": DEFAULT_PER_PAGE},
        ),
        "search": _query(
            "search",
            "Full-text search, the site's own (services only).",
            {"type": "string", "maxLength": 200},
        ),
        "taxonomy_term_id": _query("taxonomy_term_id", "Services with this term.", uuid),
        "taxonomy_id": _query("taxonomy_id", "Services with any term of this taxonomy.", uuid),
        "organization_id": _query("organization_id", "Services of this organization.", uuid),
        "modified_after": _query(
            "modified_after",
            "Services published on or after this date-time (local time without an offset).",
            {"type": "string", "format": "date-time"},
        ),
        "minimal": _query("minimal", "Only id and last_modified of each service.", flag),
        "full": _query("full", "Fully nested entries.", flag),
        "full_service": _query("full_service", "Nest the organization's services in full.", flag),
        "postcode": _query("postcode", "Places with this postcode.", {"type": "string"}),
        "proximity": _query(
            "proximity",
            "With postcode: places within this many metres of its centre.",
            {"type": "integer", "minimum": 1, "maximum": MAX_PROXIMITY_M},
        ),
        "top_only": _query("top_only", "Only terms without a parent.", flag),
        "parent_id": _query("parent_id", "Only the children of this term.", uuid),
    }


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    errors = {"$ref": "#/components/responses/Error"}
    return {
        "200": {"description": description, "content": {"application/json": {"schema": schema}}},
        "400": errors,
        "404": errors,
        "429": errors,
    }


def _page_of(schema: str) -> dict[str, Any]:
    return {
        "allOf": [{"$ref": "#/components/schemas/Page"}],
        "properties": {"contents": {"type": "array", "items": {"$ref": f"{SCHEMAS}/{schema}"}}},
    }


def _path(summary: str, parameters: list[str], answer: dict[str, Any], by_id: bool = False):
    refs = [{"$ref": f"#/components/parameters/{name}"} for name in ["language", *parameters]]
    if by_id:
        refs.append({"name": "id", "in": "path", "required": True, "schema": {"type": "string"}})
    return {"get": {"summary": summary, "parameters": refs, "responses": answer}}


def hsds_openapi_document(base_url: str) -> dict[str, Any]:
    """The document, with ``base_url`` (ending in /hsds/) as the server."""
    paging = ["page", "per_page"]
    service_filters = ["search", "taxonomy_term_id", "taxonomy_id", "organization_id"]
    service_filters.append("modified_after")
    one = _answer
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Gemeinsam: Open Referral HSDS 3.0",
            "version": "1",
            "summary": "Public, current offers for newcomers as Human Services Data (HSDS 3.0).",
            "description": ADDITIONS,
        },
        "servers": [{"url": base_url}],
        "paths": {
            "/": _path(
                "About this API", [], one("Version, profile, this document.", {"type": "object"})
            ),
            "/services": _path(
                "Services",
                [*paging, *service_filters, "minimal", "full"],
                one("A page of services.", _page_of("compiled/service_list.json")),
            ),
            "/services/{id}": _path(
                "One service, fully nested",
                [],
                one("The service.", {"$ref": f"{SCHEMAS}/compiled/service.json"}),
                by_id=True,
            ),
            "/organizations": _path(
                "Organizations",
                [*paging, "full", "full_service"],
                one("A page of organizations.", _page_of("compiled/organization_list.json")),
            ),
            "/organizations/{id}": _path(
                "One organization with its services",
                ["full_service"],
                one("The organization.", {"$ref": f"{SCHEMAS}/compiled/organization.json"}),
                by_id=True,
            ),
            "/service_at_locations": _path(
                "Services at places",
                [*paging, *service_filters, "full", "postcode", "proximity"],
                one("A page.", _page_of("compiled/service_at_location_list.json")),
            ),
            "/service_at_locations/{id}": _path(
                "One service at a place, fully nested",
                [],
                one("The entry.", {"$ref": f"{SCHEMAS}/compiled/service_at_location.json"}),
                by_id=True,
            ),
            "/locations": _path(
                "Places (an addition to HSDS's API)",
                paging,
                one("A page of places.", _page_of("location.json")),
            ),
            "/locations/{id}": _path(
                "One place",
                [],
                one("The place.", {"$ref": f"{SCHEMAS}/location.json"}),
                by_id=True,
            ),
            "/taxonomies": _path("Taxonomies", paging, one("A page.", _page_of("taxonomy.json"))),
            "/taxonomies/{id}": _path(
                "One taxonomy",
                [],
                one("The taxonomy.", {"$ref": f"{SCHEMAS}/taxonomy.json"}),
                by_id=True,
            ),
            "/taxonomy_terms": _path(
                "Taxonomy terms",
                [*paging, "taxonomy_id", "top_only", "parent_id"],
                one("A page.", _page_of("taxonomy_term.json")),
            ),
            "/taxonomy_terms/{id}": _path(
                "One taxonomy term",
                [],
                one("The term.", {"$ref": f"{SCHEMAS}/taxonomy_term.json"}),
                by_id=True,
            ),
            "/package.zip": {
                "get": {
                    "summary": "The whole directory as an HSDS tabular data package",
                    "description": "Tables: " + ", ".join(t.path for t in package_tables()),
                    "parameters": [{"$ref": "#/components/parameters/language"}],
                    "responses": {
                        "200": {
                            "description": "A ZIP file with datapackage.json and the CSV files.",
                            "content": {"application/zip": {}},
                        },
                        "429": {"$ref": "#/components/responses/Error"},
                    },
                }
            },
        },
        "components": {
            "parameters": _parameters(),
            "schemas": {
                "Page": {
                    "type": "object",
                    "required": ["total_items", "total_pages", "page_number", "size"],
                    "properties": {
                        "total_items": {"type": "integer"},
                        "total_pages": {"type": "integer"},
                        "page_number": {"type": "integer"},
                        "size": {"type": "integer", "description": "Entries on this page."},
                        "first_page": {"type": "boolean"},
                        "last_page": {"type": "boolean"},
                        "empty": {"type": "boolean", "description": "Whether this page is empty."},
                        "contents": {"type": "array"},
                    },
                }
            },
            "responses": {
                "Error": {
                    "description": "What went wrong, in words; `parameter` names a bad one.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["error", "message"],
                                "properties": {
                                    "error": {"type": "string"},
                                    "message": {"type": "string"},
                                    "parameter": {"type": "string"},
                                },
                            }
                        }
                    },
                }
            },
        },
    }
