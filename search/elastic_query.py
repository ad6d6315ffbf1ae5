"""Searching the Elasticsearch offer index, matching and ranking exactly like the database backend.

An :class:`~search.query.OfferQuery` becomes two elasticsearch-dsl searches,
sent in one multi-search: the page of hits, scored and sorted, and the count
with the facet counts, matched without scores (scoring every hit for the
aggregations was most of the time at 100 000 offers, issue 15). Each query
word is analysed in Python (``search.analysis``) for every site language,
expanded against the indexed vocabulary (``search.matching``, as the database
backend does) and looked up with ``terms`` clauses in the ``words`` field that
``search.elastic_index`` writes (terms of every language and field, each
prefixed with both). Scores are built from ``constant_score`` clauses with the
weights in ``search.query``, so both backends rank alike; facets are
aggregations with every other filter applied; distances are ``arc``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone
from elasticsearch_dsl import MultiSearch, Q, Search

from directory.i18n import SOURCE_LANGUAGE, column

from . import analysis, elastic_index, matching, semantic
from .elastic_connection import alias_name, client
from .elastic_index import WORDS, word_key
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


def _scored(condition: Q, score: float) -> Q:
    """A unit alternative scoring ``score`` (coverage plus the alternative's weight)."""
    return Q("constant_score", filter=condition, boost=score)


def _unit_query(unit: Unit, searcher_language: str, known: Vocabulary, base: float) -> Q:
    """The best weight any alternative gives the unit (dis_max of constant scores).

    Typed words arrive expanded into concrete terms (``search.matching``), in
    every language and both fields. dis_max only keeps the best score, so all
    alternatives that score alike share one clause: one ``terms`` list on the
    ``words`` field (where terms carry their field and language) plus the
    several-term and facet alternatives of that score. That is about one clause
    per distinct score (a dozen) instead of one per language, weight and field
    (up to fifty): fewer scorers for the dis_max to consult on every hit (issue 15).
    """
    found = matching.unit_terms(unit, searcher_language, known)
    words: dict[float, set[str]] = defaultdict(set)
    together: dict[float, set[tuple[str, ...]]] = defaultdict(set)
    facets: dict[float, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    # Scores are computed as base + weight × field weight, exactly as before and as the
    # database backend does, so Elasticsearch's float scores (and ties) do not change.
    for (language, term), weight in found.single.items():
        for name, field_weight in FIELD_WEIGHTS.items():
            words[base + weight * field_weight].add(word_key(name, language, term))
    for alternative in found.several:
        for name, field_weight in FIELD_WEIGHTS.items():
            keys = tuple(
                sorted({word_key(name, alternative.language, t) for t in alternative.terms})
            )
            together[base + alternative.weight * field_weight].add(keys)
    for alternative in found.facets:
        facets[base + alternative.weight][FACET_FIELDS[alternative.facet]].update(
            alternative.values
        )
    clauses: list[Q] = []
    for score in sorted({*words, *together, *facets}, reverse=True):
        conditions: list[Q] = []
        if words.get(score):
            conditions.append(Q("terms", **{WORDS: sorted(words[score])}))
        for keys in sorted(together.get(score, ())):
            conditions.append(Q("bool", filter=[Q("term", **{WORDS: key}) for key in keys]))
        for field, values in sorted(facets.get(score, {}).items()):
            conditions.append(Q("terms", **{field: sorted(values)}))
        condition = conditions[0] if len(conditions) == 1 else Q("bool", should=conditions)
        clauses.append(_scored(condition, score))
    return clauses[0] if len(clauses) == 1 else Q("dis_max", queries=clauses, tie_breaker=0)


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
    within: the score steps of ``understanding.ring_bonus``, without a script.

    Within a radius, every hit lies inside each edge at least as far out (the same
    distance query, so the same rounding): those edges are one clause worth their
    sum instead of a distance query each. Whole hundreds add up exactly, so every
    score stays what it was with a clause per edge.
    """
    point = {"lat": query.near.latitude, "lon": query.near.longitude}
    limits = ring_limits_km()
    rings: list[Q] = []
    if query.radius_km is not None:
        always = [limit for limit in limits if limit >= query.radius_km]
        limits = [limit for limit in limits if limit < query.radius_km]
        if always:
            rings.append(Q("constant_score", filter=Q("match_all"), boost=COVERAGE * len(always)))
    rings += [
        Q(
            "constant_score",
            filter=Q("geo_distance", distance=f"{limit}km", distance_type="arc", points=point),
            boost=COVERAGE,
        )
        for limit in limits
    ]
    return rings


def _facet_filter(name: str, values: tuple[str, ...]) -> Q:
    return Q("terms", **{FACET_FIELDS[name]: list(values)})


def _base_filters(query: OfferQuery, today: dt.date) -> list[Q]:
    # The dates are single-valued: "none or not after today" is "not after today", one
    # range query instead of a must_not(exists) per document.
    filters = [
        ~Q("range", valid_from={"gt": today}),
        ~Q("range", valid_until={"lt": today}),
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


def _order(query: OfferQuery) -> list:
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
    return [*order, "title_sort", "offer_id"]


def build_searches(
    query: OfferQuery,
    meaning: Interpretation | None = None,
    boosts: dict[int, float] | None = None,
    today: dt.date | None = None,
) -> tuple[Search, Search]:
    """The two elasticsearch-dsl searches that answer ``query`` together (its text
    interpreted as ``meaning``; ``boosts``: the semantic candidates' score boosts by
    offer id): the page of hits, and the count with the facet counts.

    Apart because scoring every hit under the aggregations cost most (issue 15): the
    count and the facets need no score at all, and the page, without aggregations,
    scores only to rank (Lucene may skip hits that can no longer make the page).
    ``search`` sends both in one request.
    """
    today = today or timezone.localdate()
    filters = _base_filters(query, today)
    text = (
        [_text_query(query, meaning, boosts or {})] if meaning is not None and meaning.units else []
    )
    rings = _distance_rings(query) if query.distance_weighs_in else []
    chosen = {name: values for name, values in query.filter_values().items() if values}
    chosen_filter = Q("bool", filter=[_facet_filter(n, v) for n, v in chosen.items()])

    page = Search(using=client(), index=alias_name()).query(
        Q("bool", must=text or [Q("match_all")], should=rings, filter=filters)
    )
    if chosen:
        page = page.post_filter(chosen_filter)
    page = page.sort(*_order(query)).source(["offer_id", "card"])
    page = page.extra(track_total_hits=False)[query.offset : query.offset + query.page_size]

    # The same hits, matched in filter context: the rings only ever add to scores.
    counted = Search(using=client(), index=alias_name()).query(Q("bool", filter=[*text, *filters]))
    if chosen:
        counted = counted.post_filter(chosen_filter)
    for name in FACETS:
        others = [_facet_filter(n, v) for n, v in chosen.items() if n != name]
        if others:
            bucket = counted.aggs.bucket(name, "filter", filter=Q("bool", filter=others))
            bucket.bucket("values", "terms", field=FACET_FIELDS[name], size=200)
        else:  # counted over every hit: no filter bucket to pass each one through
            counted.aggs.bucket(name, "terms", field=FACET_FIELDS[name], size=200)
    counted = counted.extra(track_total_hits=True)[0:0]
    return page, counted


def facet_counts(response) -> dict[str, dict[str, int]]:
    """Facet name → value → count, from the counting search's aggregations."""
    facets = {}
    for name in FACETS:
        found = getattr(response.aggregations, name)
        buckets = found.values.buckets if "values" in found else found.buckets
        facets[name] = {bucket.key: bucket.doc_count for bucket in buckets}
    return facets


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
    elastic_index.require_current_schema()  # else the database answers (search.interface)
    today = timezone.localdate()
    boosts = {}
    if meaning is not None and meaning.units and vector is not None:
        boosts = semantic_candidates(vector, _base_filters(query, today))
    page, counted = build_searches(query, meaning, boosts, today)
    hits, totals = MultiSearch(using=client(), index=alias_name()).add(page).add(counted).execute()
    return RawResults(
        ids=[int(hit.offer_id) for hit in hits.hits],
        count=totals.hits.total.value,
        facets=facet_counts(totals),
        cards={int(hit.offer_id): hit.card.to_dict() for hit in hits.hits if "card" in hit},
    )


def suggest(prefix: str, language: str, limit: int) -> list[int]:
    """Ids of public offers whose title has a word starting with ``prefix``, by title."""
    elastic_index.require_current_schema()
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
