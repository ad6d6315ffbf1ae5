"""Searching the Elasticsearch offer index, matching and ranking exactly like the database backend.

An :class:`~search.query.OfferQuery` becomes one elasticsearch-dsl search:
each query word is analysed in Python (``search.analysis``) for every site
language, expanded against the indexed vocabulary (``search.matching``, as the
database backend does) and looked up with ``terms`` clauses in the keyword
fields that ``search.elastic_index`` writes. Scores are built from
``constant_score`` clauses with the weights in ``search.query``, so both
backends rank alike; facets are filter
aggregations with every other filter applied; distances are ``arc``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone
from elasticsearch_dsl import Q, Search

from directory.i18n import SOURCE_LANGUAGE, column

from . import analysis, matching, semantic
from .elastic_connection import alias_name, client
from .query import (
    FACETS,
    FIELD_WEIGHTS,
    OfferQuery,
    RawResults,
)
from .understanding import COVERAGE, Interpretation, Unit, coverage, ring_limits_km
from .vocabulary import Vocabulary

FACET_FIELDS = {
    "category": "categories",
    "kind": "kind",
    "target_group": "target_groups",
    "spoken_language": "spoken_languages",
}


def _scored(condition: Q, base: float, weight: float) -> Q:
    """A unit alternative: covering the unit counts ``base``, plus the alternative's weight."""
    return Q("constant_score", filter=condition, boost=base + weight)


def _unit_query(unit: Unit, searcher_language: str, known: Vocabulary, base: float) -> Q:
    """The best weight any alternative gives the unit (dis_max of constant scores).

    Typed words arrive expanded into concrete terms (``search.matching``), so the
    unit is a few ``terms`` clauses: one per language, weight and field.
    """
    found = matching.unit_terms(unit, searcher_language, known)
    by_weight: dict[tuple[str, float], list[str]] = defaultdict(list)
    for (language, term), weight in found.single.items():
        by_weight[(language, weight)].append(term)
    alternatives: list[Q] = []
    for (language, weight), terms in sorted(by_weight.items()):
        for name, field_weight in FIELD_WEIGHTS.items():
            condition = Q("terms", **{column(name, language): sorted(terms)})
            alternatives.append(_scored(condition, base, weight * field_weight))
    for alternative in found.several:
        for name, field_weight in FIELD_WEIGHTS.items():
            column_name = column(name, alternative.language)
            condition = Q(
                "bool", filter=[Q("term", **{column_name: t[:100]}) for t in alternative.terms]
            )
            alternatives.append(_scored(condition, base, alternative.weight * field_weight))
    for alternative in found.facets:
        condition = Q("terms", **{FACET_FIELDS[alternative.facet]: list(alternative.values)})
        alternatives.append(_scored(condition, base, alternative.weight))
    return Q("dis_max", queries=alternatives, tie_breaker=0)


def _text_query(query: OfferQuery, meaning: Interpretation, boosts: dict[int, float]) -> Q:
    """Offers covering enough of the query's units, or found by its meaning."""
    known = meaning.terms_known()
    base = coverage(query)
    units = [_unit_query(unit, query.language, known, base) for unit in meaning.units]
    should = [Q("bool", should=units, minimum_should_match=meaning.minimum_units)]
    should += [
        Q("constant_score", filter=Q("term", offer_id=pk), boost=extra)
        for pk, extra in sorted(boosts.items())
    ]
    return Q("bool", should=should, minimum_should_match=1)


def _distance_rings(query: OfferQuery) -> list[Q]:
    """One constant score of ``COVERAGE`` per ring edge an offer's nearest place lies
    within: the score steps of ``understanding.ring_bonus``, without a script."""
    point = {"lat": query.near.latitude, "lon": query.near.longitude}
    return [
        Q(
            "constant_score",
            filter=Q("geo_distance", distance=f"{limit}km", distance_type="arc", points=point),
            boost=COVERAGE,
        )
        for limit in ring_limits_km()
    ]


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
    if query.time_of_day:
        filters.append(Q("terms", day_parts=sorted(query.day_parts_wanted())))
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


def build_search(
    query: OfferQuery,
    meaning: Interpretation | None = None,
    boosts: dict[int, float] | None = None,
    today: dt.date | None = None,
) -> Search:
    """The elasticsearch-dsl search for ``query`` (its text interpreted as ``meaning``;
    ``boosts``: the semantic candidates' score boosts by offer id)."""
    today = today or timezone.localdate()
    filters = _base_filters(query, today)
    if meaning is not None and meaning.units:
        must = [_text_query(query, meaning, boosts or {})]
    else:
        must = [Q("match_all")]
    rings = _distance_rings(query) if query.distance_weighs_in else []
    main = Q("bool", must=must, should=rings, filter=filters)
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


def semantic_candidates(vector, filters: list[Q]) -> dict[int, float]:
    """Offer id → score boost for the offers closest in meaning (approximate kNN, same filters)."""
    wanted = semantic.CANDIDATES * 2  # a margin, so ties at the edge are cut as in the database
    search = (
        Search(using=client(), index=alias_name())
        .knn(
            field="passages.vector",
            k=wanted,
            num_candidates=max(200, wanted * 10),
            query_vector=[float(x) for x in vector],
            filter=Q("bool", filter=filters).to_dict(),
        )
        .source(["offer_id"])
    )[:wanted]
    # For cosine, Elasticsearch scores (1 + similarity) / 2.
    found = {int(hit.offer_id): 2.0 * hit.meta.score - 1.0 for hit in search.execute().hits}
    return semantic.candidates_from_similarities(found, vector)


def search(query: OfferQuery, meaning: Interpretation | None = None, vector=None) -> RawResults:
    """Answer ``query`` from Elasticsearch (``vector``: the query's, for semantic matches)."""
    today = timezone.localdate()
    boosts = {}
    if meaning is not None and meaning.units and vector is not None:
        boosts = semantic_candidates(vector, _base_filters(query, today))
    response = build_search(query, meaning, boosts, today).execute()
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
