# ruff: noqa: E501 - a data document reads best one parameter a line
"""The OpenAPI 3.1 document of the JSON API, built from the same choices the form accepts."""

from django.conf import settings

from directory.constants.categories import CATEGORIES
from directory.constants.kinds import OfferKind
from directory.constants.languages import SPOKEN_LANGUAGES
from directory.constants.target_groups import TARGET_GROUPS

from .forms import MAX_PAGE_SIZE


def _parameter(name: str, description: str, schema: dict, many: bool = False) -> dict:
    if many:
        schema = {"type": "array", "items": schema}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **({"style": "form", "explode": True} if many else {}),
    }


def openapi_document(server_url: str) -> dict:
    """The API description, with the server it is served from."""
    flag = {"type": "string", "enum": ["1", "0", "true", "false", "yes", "no", "on", "off"]}
    parameters = [
        _parameter("q", "Free text, any site language; typos and word endings are forgiven.", {"type": "string", "maxLength": 200}),
        _parameter("lang", "Language of the answer (and first in ranking).", {"type": "string", "enum": [c for c, _n in settings.LANGUAGES]}),
        _parameter("near", "'lat,lon', a town name (any script) or a German postcode.", {"type": "string"}),
        _parameter("radius_km", "Only offers within this distance of `near`.", {"type": "number", "minimum": 0.1, "maximum": 300}),
        _parameter("category", "Category slug; repeat for several.", {"type": "string", "enum": [s for s, _l, _i in CATEGORIES]}, many=True),
        _parameter("kind", "Kind of offer; repeat for several.", {"type": "string", "enum": list(OfferKind.values)}, many=True),
        _parameter("target_group", "Target group; repeat for several.", {"type": "string", "enum": [s for s, _l in TARGET_GROUPS]}, many=True),
        _parameter("spoken_language", "ISO 639 code of a language spoken at the offer.", {"type": "string", "enum": [c for c, _l, _n in SPOKEN_LANGUAGES]}, many=True),
        _parameter("free", "Only offers free of charge.", flag),
        _parameter("accessible", "Only wheelchair-accessible offers.", flag),
        _parameter("childcare", "Only offers with childcare.", flag),
        _parameter("open_on", "Weekday: 0 (Monday) … 6 (Sunday), its English name, or 'today'.", {"type": "string"}),
        _parameter("sort", "Order of results.", {"type": "string", "enum": ["relevance", "distance", "title"]}),
        _parameter("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
        _parameter("page_size", "Results per page.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}),
    ]  # fmt: skip
    error = {
        "description": "Invalid parameters, each named with its messages.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Gemeinsam offers API",
            "version": "1.0.0",
            "description": "Published offers for newcomers: search by text, place, language and filters.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/offers/": {
                "get": {
                    "operationId": "searchOffers",
                    "summary": "Search published offers",
                    "parameters": parameters,
                    "responses": {
                        "200": {
                            "description": "One page of offers with facet counts.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OfferPage"}}},
                        },
                        "400": error,
                    },
                }
            },
            "/suggest/": {
                "get": {
                    "operationId": "suggestOffers",
                    "summary": "Offer titles for a partly typed word",
                    "parameters": parameters[:2],
                    "responses": {
                        "200": {
                            "description": "Up to eight titles.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Suggestions"}}},
                        },
                        "400": error,
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Offer": {
                    "type": "object",
                    "required": ["id", "title", "summary", "language", "url", "kind"],
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "summary": {"type": "string"},
                        "language": {"type": "string", "description": "Language actually served (German if not translated)."},
                        "url": {"type": "string", "format": "uri"},
                        "kind": {"type": "string", "enum": list(OfferKind.values)},
                        "categories": {"type": "array", "items": {"type": "string"}},
                        "town": {"type": ["string", "null"]},
                        "distance_km": {"type": ["number", "null"]},
                        "spoken_languages": {"type": "array", "items": {"type": "string"}},
                        "free": {"type": "boolean"},
                        "wheelchair_accessible": {"type": "boolean"},
                        "childcare": {"type": "boolean"},
                        "next_dates": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "date": {"type": "string", "format": "date"},
                                    "start": {"type": ["string", "null"]},
                                    "end": {"type": ["string", "null"]},
                                },
                            },
                        },
                        "snippet": {"type": "string", "description": "Summary as HTML with matches in <mark>."},
                    },
                },
                "OfferPage": {
                    "type": "object",
                    "required": ["count", "results", "facets"],
                    "properties": {
                        "count": {"type": "integer"},
                        "page": {"type": "integer"},
                        "page_size": {"type": "integer"},
                        "language": {"type": "string"},
                        "backend": {"type": "string", "enum": ["elasticsearch", "database"]},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Offer"}},
                        "facets": {
                            "type": "object",
                            "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}},
                        },
                    },
                },
                "Suggestions": {
                    "type": "object",
                    "properties": {
                        "suggestions": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"id": {"type": "integer"}, "title": {"type": "string"}, "language": {"type": "string"}},
                            },
                        }
                    },
                },
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {"type": "string"},
                        "parameters": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "array",
                                "items": {"type": "object", "properties": {"message": {"type": "string"}, "code": {"type": "string"}}},
                            },
                        },
                    },
                },
            }
        },
    }  # fmt: skip
