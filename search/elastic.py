"""The Elasticsearch backend (elasticsearch-dsl), matching exactly like the database backend.

Every published offer is one document in a versioned index
(``<prefix>-offers-<timestamp>``) behind the alias ``<prefix>-offers``. Terms
come pre-analysed from ``search.analysis`` into keyword fields per language
and field (``title_de``, ``text_ar`` …), so the minimal test distribution
(no analysis-common module) and a full production cluster match the same
words. Scores are built from ``constant_score`` clauses with the weights in
``search.query``, so both backends rank alike.

A rebuild fills a new index while updates keep flowing to the old one and to
the new one (alias ``<prefix>-offers-building``); documents carry the offer's
publication time as external version, so a stale copy never overwrites a
newer one. The alias then moves in one ``update_aliases`` call, and a final
reconciliation removes whatever was unpublished during the rebuild.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch_dsl import Q, Search

from . import analysis
from .documents import OfferDocument, site_languages
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


def is_configured() -> bool:
    """Whether an Elasticsearch URL is set."""
    return bool(settings.ELASTICSEARCH_URL)


@lru_cache(maxsize=4)
def _client(url: str, timeout: float) -> Elasticsearch:
    return Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)


def client() -> Elasticsearch:
    """The configured client; short timeouts so an outage falls back quickly."""
    return _client(settings.ELASTICSEARCH_URL, float(settings.ELASTICSEARCH_TIMEOUT))


def alias_name() -> str:
    """The alias searches read from."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-offers"


def building_alias_name() -> str:
    """The alias of an index being rebuilt; updates are written there too."""
    return f"{alias_name()}-building"


# --- Mapping ------------------------------------------------------------------


def mapping() -> dict:
    """Field types of an offer document."""
    properties: dict[str, dict] = {
        "offer_id": {"type": "long"},
        "title_sort": {"type": "keyword"},
        "kind": {"type": "keyword"},
        "categories": {"type": "keyword"},
        "target_groups": {"type": "keyword"},
        "spoken_languages": {"type": "keyword"},
        "languages": {"type": "keyword"},
        "is_free": {"type": "boolean"},
        "wheelchair_accessible": {"type": "boolean"},
        "childcare": {"type": "boolean"},
        "weekdays": {"type": "integer"},
        "valid_from": {"type": "date"},
        "valid_until": {"type": "date"},
        "points": {"type": "geo_point"},
        "towns": {"type": "keyword"},
        "card": {"type": "object", "enabled": False},  # stored for display, not searched
    }
    for language in site_languages():
        for field in FIELD_WEIGHTS:
            properties[f"{field}_{language}"] = {"type": "keyword"}
    return {"dynamic": "strict", "properties": properties}


def index_settings() -> dict:
    """One shard is plenty for a district; replicas come from the environment for clusters."""
    return {
        "number_of_shards": int(settings.ELASTICSEARCH_SHARDS),
        "number_of_replicas": int(settings.ELASTICSEARCH_REPLICAS),
        "max_result_window": 10_000,
    }


def create_index(name: str) -> None:
    """Create an empty offer index called ``name``."""
    client().indices.create(index=name, mappings=mapping(), settings=index_settings())


def ensure_index() -> str:
    """The index behind the alias, created (empty) if there is none yet."""
    es = client()
    if es.indices.exists_alias(name=alias_name()):
        return next(iter(es.indices.get_alias(name=alias_name())))
    name = new_index_name()
    create_index(name)
    es.indices.put_alias(index=name, name=alias_name())
    return name


def new_index_name() -> str:
    """A fresh, time-stamped index name."""
    return f"{alias_name()}-{timezone.now():%Y%m%d%H%M%S%f}"


# --- Writing ------------------------------------------------------------------


def _source(document: OfferDocument) -> dict:
    source = {
        "offer_id": document.offer_id,
        "title_sort": document.title_sort,
        "kind": document.kind,
        "categories": document.categories,
        "target_groups": document.target_groups,
        "spoken_languages": document.spoken_languages,
        "languages": document.languages,
        "is_free": document.is_free,
        "wheelchair_accessible": document.wheelchair_accessible,
        "childcare": document.childcare,
        "weekdays": document.weekdays,
        "valid_from": document.valid_from,
        "valid_until": document.valid_until,
        "points": [{"lat": lat, "lon": lon} for lat, lon in document.points],
        "towns": document.towns,
        "card": document.card,
    }
    for language, fields in document.terms.items():
        for field, found in fields.items():
            source[f"{field}_{language}"] = sorted({t[:100] for t in found})
    return source


def _write_targets() -> list[str]:
    es = client()
    targets = []
    for alias in (alias_name(), building_alias_name()):
        if es.indices.exists_alias(name=alias):
            targets += list(es.indices.get_alias(name=alias))
    return targets or [ensure_index()]


def _actions(documents: Iterable[OfferDocument], indices: list[str]) -> Iterable[dict]:
    for document in documents:
        source = _source(document)
        for index in indices:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": document.offer_id,
                "version": document.version,
                "version_type": "external_gte",
                "_source": source,
            }


def index_documents(documents: Iterable[OfferDocument], indices: list[str] | None = None) -> int:
    """Write documents to every index that receives updates; returns how many were written."""
    written, errors = helpers.bulk(
        client(),
        _actions(documents, indices or _write_targets()),
        raise_on_error=False,
        refresh=settings.ELASTICSEARCH_REFRESH,
    )
    # A version conflict means a newer copy is already there: that is success.
    real = [e for e in errors if next(iter(e.values())).get("status") != 409]
    if real:
        raise RuntimeError(f"Elasticsearch rejected {len(real)} documents: {real[:3]}")
    return written


def delete_document(offer_id: int) -> None:
    """Remove one offer from every index that receives updates."""
    for index in _write_targets():
        try:
            client().delete(index=index, id=offer_id, refresh=settings.ELASTICSEARCH_REFRESH)
        except NotFoundError:
            pass


# --- Searching ----------------------------------------------------------------


def _word_query(word: str, searcher_language: str) -> Q:
    """The best weight any field or language gives this word (dis_max of constant scores)."""
    alternatives = []
    for language in site_languages():
        term = analysis.analyse_word(word, language)[:100]
        allowed = analysis.fuzziness(term)
        prefix = analysis.prefix_term(word, language)
        for field, field_weight in FIELD_WEIGHTS.items():
            name = f"{field}_{language}"
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


# --- Maintenance --------------------------------------------------------------


def indexed_ids(index: str | None = None) -> set[int]:
    """Every offer id in the index (scrolls through all of it); none if there is no index."""
    if not client().indices.exists(index=index or alias_name()):
        return set()
    return {
        int(hit["_id"])
        for hit in helpers.scan(
            client(), index=index or alias_name(), query={"query": {"match_all": {}}}, _source=False
        )
    }


def rebuild(
    documents: Callable[[], Iterable[OfferDocument]],
    expected_ids: Callable[[], set[int]],
    progress: Callable[[int], None] | None = None,
    chunk_size: int = 500,
) -> tuple[str, int, float]:
    """Fill a new index and move the alias to it; returns (index, documents, seconds)."""
    es = client()
    name = new_index_name()
    create_index(name)
    # Updates during the rebuild go to the new index as well.
    es.indices.put_alias(index=name, name=building_alias_name())
    started = time.monotonic()
    written = 0
    try:
        batch: list[OfferDocument] = []
        for document in documents():
            batch.append(document)
            if len(batch) >= chunk_size:
                written += index_documents(batch, [name])
                batch = []
                if progress:
                    progress(written)
        if batch:
            written += index_documents(batch, [name])
            if progress:
                progress(written)
        es.indices.refresh(index=name)
        old = (
            list(es.indices.get_alias(name=alias_name()))
            if es.indices.exists_alias(name=alias_name())
            else []
        )
        actions = [{"add": {"index": name, "alias": alias_name()}}]
        actions += [{"remove": {"index": index, "alias": alias_name()}} for index in old]
        actions.append({"remove": {"index": name, "alias": building_alias_name()}})
        es.indices.update_aliases(actions=actions)
    except Exception:
        es.indices.delete(index=name, ignore_unavailable=True)
        raise
    seconds = time.monotonic() - started
    for index in old:
        es.indices.delete(index=index, ignore_unavailable=True)
    # Whatever was unpublished while we filled the new index goes now.
    extra = indexed_ids(name) - expected_ids()
    for offer_id in extra:
        delete_document(offer_id)
    return name, written, seconds


def suggest(prefix: str, language: str, limit: int) -> list[int]:
    """Ids of public offers whose title has a word starting with ``prefix``, by title."""
    today = timezone.localdate()
    alternatives = [
        Q("prefix", **{f"title_{lang}": analysis.prefix_term(prefix, lang)})
        for lang in dict.fromkeys([language, "de"])
    ]
    base = _base_filters(OfferQuery(), today)
    search = (
        Search(using=client(), index=alias_name())
        .query(Q("bool", should=alternatives, minimum_should_match=1, filter=base))
        .sort("title_sort", "offer_id")
        .source(["offer_id"])
    )[:limit]
    return [int(hit.offer_id) for hit in search.execute().hits]
