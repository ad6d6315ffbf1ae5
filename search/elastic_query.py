"""Searching the Elasticsearch offer index, matching and ranking exactly like the database backend.

An :class:`~search.query.OfferQuery` becomes one elasticsearch-dsl search:
each query word is analysed in Python (``search.analysis``) for every site
language and looked up in the keyword fields that ``search.elastic_index``
writes. Scores are built from ``constant_score`` clauses with the weights in
``search.query``, so both backends rank alike; facets are filter
aggregations with every other filter applied; distances are ``arc``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from elasticsearch_dsl import Q, Search

from directory.i18n import SOURCE_LANGUAGE, column, site_languages

from . import analysis
from .elastic_connection import alias_name, client
from .query import (
    FACETS,
    FIELD_WEIGHTS,
    MATCH_WEIGHTS,
    MIN_PREFIX_LENGTH,
    OfferQuery,
    RawResults,
    language_weight,
)

FACET_FIELDS = {
    "category": "categories",
    "kind": "kind",
    "target_group": "target_groups",
    "spoken_language": "spoken_languages",
}
MAX_FUZZY_EXPANSIONS = 1000  # the database backend does not cap them either


def _word_query(word: str, searcher_language: str) -> Q:
    """The best weight any field or language gives this word (dis_max of constant scores)."""
    alternatives = []
    for language in site_languages():
        term = analysis.analyse_word(word, language)[:100]
        allowed = analysis.fuzziness(term)
        prefix = analysis.prefix_term(word, language)
        for field, field_weight in FIELD_WEIGHTS.items():
            name = column(field, language)
            weight = language_weight(language, searcher_language) * field_weight
            alternatives.append(
                Q(
                    "constant_score",
                    filter=Q("term", **{name: term}),
                    boost=weight * MATCH_WEIGHTS["exact"],
                )
            )
            if allowed:
                fuzzy = Q(
                    "fuzzy",
                    **{
                        name: {
                            "value": term,
                            "fuzziness": allowed,
                            "prefix_length": 1,
                            "transpositions": True,
                            "max_expansions": MAX_FUZZY_EXPANSIONS,
                        }
                    },
                )
                alternatives.append(
                    Q("constant_score", filter=fuzzy, boost=weight * MATCH_WEIGHTS["fuzzy"])
                )
            if len(prefix) >= MIN_PREFIX_LENGTH:
                alternatives.append(
                    Q(
                        "constant_score",
                        filter=Q("prefix", **{name: prefix}),
                        boost=weight * MATCH_WEIGHTS["prefix"],
                    )
                )
    return Q("dis_max", queries=alternatives, tie_breaker=0)


def _facet_filter(name: str, values: tuple[str, ...]) -> Q:
    return Q("terms", **{FACET_FIELDS[name]: list(values)})


def _base_filters(query: OfferQuery, today: dt.date) -> list[Q]:
    filters = [
        Q("bool", should=[~Q("exists", field="valid_from"), Q("range", valid_from={"lte": today})]),
        Q(
            "bool",
            should=[~Q("exists", field="valid_until"), Q("range", valid_until={"gte": today})],
        ),
    ]
    if query.free:
        filters.append(Q("term", is_free=True))
    if query.accessible:
        filters.append(Q("term", wheelchair_accessible=True))
    if query.childcare:
        filters.append(Q("term", childcare=True))
    if query.open_on is not None:
        filters.append(Q("term", weekdays=query.open_on))
    if query.near and query.radius_km is not None:
        filters.append(
            Q(
                "geo_distance",
                distance=f"{query.radius_km}km",
                distance_type="arc",
                points={"lat": query.near.latitude, "lon": query.near.longitude},
            )
        )
    return filters


def build_search(query: OfferQuery, today: dt.date | None = None) -> Search:
    """The elasticsearch-dsl search for ``query`` (exposed for benchmarks and tests)."""
    today = today or timezone.localdate()
    words = analysis.query_words(query.text, query.language)
    must = [_word_query(word, query.language) for word in words]
    main = Q("bool", must=must or [Q("match_all")], filter=_base_filters(query, today))
    search = Search(using=client(), index=alias_name()).query(main)

    chosen = {name: values for name, values in query.filter_values().items() if values}
    if chosen:
        search = search.post_filter(
            Q("bool", filter=[_facet_filter(n, v) for n, v in chosen.items()])
        )
    for name in FACETS:
        others = [_facet_filter(n, v) for n, v in chosen.items() if n != name]
        bucket = search.aggs.bucket(name, "filter", filter=Q("bool", filter=others))
        bucket.bucket("values", "terms", field=FACET_FIELDS[name], size=200)

    sort = query.effective_sort
    if sort == "relevance":
        order: list = ["_score"]
    elif sort == "distance" and query.near:
        order = [
            {
                "_geo_distance": {
                    "points": {"lat": query.near.latitude, "lon": query.near.longitude},
                    "order": "asc",
                    "unit": "km",
                    "mode": "min",
                    "distance_type": "arc",
                    "ignore_unmapped": True,
                }
            }
        ]
    else:
        order = []
    search = search.sort(*order, "title_sort", "offer_id")
    search = search.source(["offer_id", "card"]).extra(track_total_hits=True)
    return search[query.offset : query.offset + query.page_size]


def search(query: OfferQuery) -> RawResults:
    """Answer ``query`` from Elasticsearch."""
    response = build_search(query).execute()
    facets = {
        name: {
            bucket.key: bucket.doc_count
            for bucket in getattr(response.aggregations, name).values.buckets
        }
        for name in FACETS
    }
    return RawResults(
        ids=[int(hit.offer_id) for hit in response.hits],
        count=response.hits.total.value,
        facets=facets,
        cards={int(hit.offer_id): hit.card.to_dict() for hit in response.hits if "card" in hit},
    )


def suggest(prefix: str, language: str, limit: int) -> list[int]:
    """Ids of public offers whose title has a word starting with ``prefix``, by title."""
    today = timezone.localdate()
    alternatives = [
        Q("prefix", **{column("title", lang): analysis.prefix_term(prefix, lang)})
        for lang in dict.fromkeys([language, SOURCE_LANGUAGE])
    ]
    base = _base_filters(OfferQuery(), today)
    search = (
        Search(using=client(), index=alias_name())
        .query(Q("bool", should=alternatives, minimum_should_match=1, filter=base))
        .sort("title_sort", "offer_id")
        .source(["offer_id"])
    )[:limit]
    return [int(hit.offer_id) for hit in search.execute().hits]
