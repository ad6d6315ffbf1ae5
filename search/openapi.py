# ruff: noqa: E501 - a data document reads best one parameter a line
"""The OpenAPI 3.1 document of the JSON API, built from the same choices the form accepts.

Each parameter's schema admits exactly what ``OfferSearchForm`` accepts on its
own, the empty value included (it means "no filter" or the default). Rules
between parameters (``radius_km`` needs ``near``; ``page`` × ``page_size`` at
most ``MAX_RESULT_WINDOW``) and a ``near`` the gazetteer does not know cannot
be said in a parameter's schema: they are 400 answers, named in the 400
response's description. tests/search/test_api_schema.py checks the API
against this document with schemathesis.
"""

from django.conf import settings

from directory.constants.categories import CATEGORIES
from directory.constants.kinds import OfferKind
from directory.constants.languages import SPOKEN_LANGUAGES
from directory.constants.target_groups import TARGET_GROUPS
from directory.validators import LINE_BREAKING_CHARACTERS

from .forms import (
    FLAG_FALSE,
    FLAG_TRUE,
    MAX_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    WEEKDAY_WORDS,
)
from .query import FACETS

# The API only reads: every other method gets 405 with this list in ``Allow``.
ALLOWED_METHODS = ("GET", "HEAD")

# What ``OneLineTextField`` refuses (``directory.validators.validate_one_line`` after the
# invisible characters are removed): control characters and line separators.
# tests/search/test_forms.py checks the two agree character by character.
ONE_LINE_REFUSED = LINE_BREAKING_CHARACTERS
ONE_LINE = f"^[^{ONE_LINE_REFUSED}]*$"


def _any_ascii_case(words: tuple[str, ...]) -> str:
    """A pattern matching exactly one of ``words`` (or nothing), in any ASCII case."""
    spelled = (
        "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word) for word in words
    )
    return f"^(?:{'|'.join(spelled)})?$"


def _or_empty(schema: dict) -> dict:
    """``schema``, or the empty value (``page=`` as a form sends it), which means the default."""
    return {"anyOf": [schema, {"type": "string", "enum": [""]}]}


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


def _json_content(schema: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def _parameters() -> list[dict]:
    flag = {"type": "string", "pattern": _any_ascii_case((*FLAG_TRUE, *FLAG_FALSE))}
    return [
        _parameter("q", "Free text, any site language; typos and word endings are forgiven.", {"type": "string", "maxLength": 200, "pattern": ONE_LINE}),
        _parameter("lang", "Language of the answer (and first in ranking); empty: German.", {"type": "string", "enum": ["", *(c for c, _n in settings.LANGUAGES)]}),
        _parameter("near", "'lat,lon', a town name (any script) or a German postcode. A place that cannot be found is a 400.", {"type": "string", "maxLength": 100, "pattern": ONE_LINE}),
        _parameter("radius_km", "Only offers within this distance of `near` (which it needs: without `near` it is a 400).", _or_empty({"type": "number", "minimum": 0.1, "maximum": 300})),
        _parameter("category", "Category slug; repeat for several.", {"type": "string", "enum": [s for s, _l, _i in CATEGORIES]}, many=True),
        _parameter("kind", "Kind of offer; repeat for several.", {"type": "string", "enum": list(OfferKind.values)}, many=True),
        _parameter("target_group", "Target group; repeat for several.", {"type": "string", "enum": [s for s, _l in TARGET_GROUPS]}, many=True),
        _parameter("spoken_language", "ISO 639 code of a language spoken at the offer.", {"type": "string", "enum": [c for c, _l, _n in SPOKEN_LANGUAGES]}, many=True),
        _parameter("free", "Only offers free of charge (1/true/yes/on; 0/false/no/off or empty: all).", flag),
        _parameter("accessible", "Only wheelchair-accessible offers (as `free`).", flag),
        _parameter("childcare", "Only offers with childcare (as `free`).", flag),
        _parameter("open_on", "Weekday: 0 (Monday) … 6 (Sunday), its English name, or 'today'; empty: any day.", {"type": "string", "pattern": _any_ascii_case(WEEKDAY_WORDS)}),
        _parameter("time_of_day", "Part of the day: morning (before 12:00), afternoon (12:00–17:00) or evening (from 17:00); with open_on, on that day.", {"type": "string", "enum": ["morning", "afternoon", "evening"]}),
        _parameter("sort", "Order of results; empty: by relevance with `q`, else by distance with `near`, else by title.", {"type": "string", "enum": ["", "relevance", "distance", "title"]}),
        _parameter("page", f"Page number, from 1; `page` × `page_size` at most {MAX_RESULT_WINDOW} (deeper is a 400).", _or_empty({"type": "integer", "minimum": 1, "maximum": MAX_RESULT_WINDOW})),
        _parameter("page_size", "Results per page; empty: 20.", _or_empty({"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE})),
    ]  # fmt: skip


def _responses(ok_description: str, ok_schema: str) -> dict:
    return {
        "200": {"description": ok_description, "content": _json_content(ok_schema)},
        "400": {
            "description": (
                "Invalid parameters, each named with its messages (in the language of `lang`). "
                "Besides a value outside its parameter's schema: `radius_km` without `near`, "
                f"`page` × `page_size` above {MAX_RESULT_WINDOW}, a `near` place that cannot be "
                "found or coordinates off the map, or more parameters than the server reads."
            ),
            "content": _json_content("Error"),
        },
        "429": {
            "description": "Too many requests from this address; wait as `Retry-After` says.",
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before the next request.",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                }
            },
            "content": _json_content("Error"),
        },
    }


def _schemas() -> dict:
    languages = [c for c, _n in settings.LANGUAGES]
    counts = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
    return {
        "Offer": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "title", "summary", "language", "url", "kind", "categories", "town", "distance_km", "place", "spoken_languages", "free", "wheelchair_accessible", "childcare", "next_dates", "snippet"],
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "summary": {"type": "string"},
                "language": {"type": "string", "enum": languages, "description": "Language actually served (German if not translated)."},
                "url": {"type": "string", "format": "uri"},
                "kind": {"type": "string", "enum": list(OfferKind.values)},
                "categories": {"type": "array", "items": {"type": "string", "enum": [s for s, _l, _i in CATEGORIES]}},
                "town": {"type": ["string", "null"], "description": "Town of `place`."},
                "distance_km": {"type": ["number", "null"], "minimum": 0, "description": "From `near` to `place`; null without `near`."},
                "place": {
                    "type": ["object", "null"],
                    "description": "With `near`, the offer's place nearest to it; otherwise its main place. Null for offers online only.",
                    "additionalProperties": False,
                    "required": ["town", "street"],
                    "properties": {"town": {"type": "string"}, "street": {"type": "string"}},
                },
                "spoken_languages": {"type": "array", "items": {"type": "string", "enum": [c for c, _l, _n in SPOKEN_LANGUAGES]}},
                "free": {"type": "boolean"},
                "wheelchair_accessible": {"type": "boolean"},
                "childcare": {"type": "boolean"},
                "next_dates": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["date", "start", "end"],
                        "properties": {
                            "date": {"type": "string", "format": "date"},
                            "start": {"type": ["string", "null"], "pattern": "^[0-9]{2}:[0-9]{2}$"},
                            "end": {"type": ["string", "null"], "pattern": "^[0-9]{2}:[0-9]{2}$"},
                        },
                    },
                },
                "snippet": {"type": "string", "description": "Summary as HTML with matches in <mark>."},
            },
        },
        "OfferPage": {
            "type": "object",
            "additionalProperties": False,
            "required": ["count", "page", "page_size", "language", "backend", "results", "facets"],
            "properties": {
                "count": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                "language": {"type": "string", "enum": languages},
                "backend": {"type": "string", "enum": ["elasticsearch", "database"]},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Offer"}},
                "facets": {
                    "type": "object",
                    "description": "Offers per value of each filter, counted with all other filters applied.",
                    "additionalProperties": False,
                    "required": list(FACETS),
                    "properties": dict.fromkeys(FACETS, counts),
                },
                "help": {
                    "type": "object",
                    "description": "Only when nothing was found: what to try instead.",
                    "additionalProperties": False,
                    "required": ["did_you_mean", "topics", "without_filters", "nearest"],
                    "properties": {
                        "did_you_mean": {"type": ["string", "null"], "description": "The query with typos corrected; it finds offers."},
                        "topics": {
                            "type": "array",
                            "description": "Categories the query's words belong to (all categories if none).",
                            "items": {
                                "type": "object",
                                "additionalProperties": False,
                                "required": ["category", "label"],
                                "properties": {"category": {"type": "string"}, "label": {"type": "string"}},
                            },
                        },
                        "without_filters": {"type": ["integer", "null"], "minimum": 0, "description": "Offers for the same text without any filter or radius; null if the search had none."},
                        "nearest": {"type": "array", "maxItems": 3, "description": "With `near` and `radius_km`: the nearest offers of the same search outside the radius.", "items": {"$ref": "#/components/schemas/Offer"}},
                    },
                },
            },
        },
        "Suggestions": {
            "type": "object",
            "additionalProperties": False,
            "required": ["suggestions"],
            "properties": {
                "suggestions": {
                    "type": "array",
                    "maxItems": 8,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["id", "title", "language"],
                        "properties": {"id": {"type": "integer"}, "title": {"type": "string"}, "language": {"type": "string", "enum": languages}},
                    },
                }
            },
        },
        "Error": {
            "type": "object",
            "additionalProperties": False,
            "required": ["error"],
            "properties": {
                "error": {"type": "string", "enum": ["invalid_parameters", "too_many_parameters", "too_many_requests", "method_not_allowed"]},
                "message": {"type": "string"},
                "retry_after": {"type": "integer", "minimum": 1, "description": "With 429: as the `Retry-After` header."},
                "parameters": {
                    "type": "object",
                    "description": "With invalid_parameters: the messages for each parameter.",
                    "additionalProperties": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["message", "code"],
                            "properties": {"message": {"type": "string"}, "code": {"type": "string"}},
                        },
                    },
                },
            },
        },
    }  # fmt: skip


def openapi_document(server_url: str) -> dict:
    """The API description, with the server it is served from."""
    parameters = _parameters()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Gemeinsam offers API",
            "version": "1.0.0",
            "description": (
                "Published offers for newcomers: search by text, place, language and filters.\n\n"
                "Read-only: GET and HEAD only; any other method gets 405 with an `Allow` header "
                "and an Error body. Unknown parameters are ignored; a single-valued parameter "
                "given twice counts with its last value. Searches and suggestions are limited per "
                "client address (429 with `Retry-After`). No cookies, no authentication."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/offers/": {
                "get": {
                    "operationId": "searchOffers",
                    "summary": "Search published offers",
                    "parameters": parameters,
                    "responses": _responses("One page of offers with facet counts.", "OfferPage"),
                }
            },
            "/suggest/": {
                "get": {
                    "operationId": "suggestOffers",
                    "summary": "Offer titles for a partly typed word",
                    "parameters": parameters[:2],
                    "responses": _responses("Up to eight titles.", "Suggestions"),
                }
            },
        },
        "components": {"schemas": _schemas()},
    }
