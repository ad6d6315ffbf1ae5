"""Text queries on Elasticsearch: the previous query shape against the current one.

Usage (from the repository root, inside .venv; the database and Elasticsearch
come from DATABASE_URL / ELASTICSEARCH_URL as for the site):

    python bench/es_text_shapes.py --offers 100000 [--rounds 30] [--skip-load] [--no-api]

Loads the demo district plus synthetic offers up to ``--offers`` as
``bench/search_bench.py`` does (or uses the data already there with
``--skip-load``), then runs each text query of that bench's mix with both
shapes, taking turns, and prints per shape and query the engine time as
Elasticsearch reports it ("took"; for the current shape, that of the one
multi-search request) and as the caller waits for it (building the query
included), median and p95. It also serves the site twice with gunicorn, one per
shape, without the page cache, and gives the JSON API's p95, the two sites again
taking turns (``--no-api`` skips that). Before timing, it checks that both shapes
return the same hits in the same order (on the first page and the first 1 000),
the same count and the same facet counts, and fails otherwise.

The previous shape (issue 15 before part 4) is kept here, and only here, for
this comparison: ``build_search_previous``.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import os
import socket
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:  # imported by a test, Django is already set up (and its logging too)
    django.setup()

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.utils import timezone  # noqa: E402
from elasticsearch_dsl import Q, Search  # noqa: E402
from elasticsearch_dsl.response import Response  # noqa: E402

from directory.i18n import column  # noqa: E402
from directory.models import OfferPage  # noqa: E402
from search import elastic_index, elastic_query, matching  # noqa: E402
from search.elastic_connection import alias_name, client  # noqa: E402
from search.query import FACETS, FIELD_WEIGHTS, OfferQuery, RawResults  # noqa: E402
from search.understanding import (  # noqa: E402
    COVERAGE,
    Interpretation,
    Unit,
    coverage,
    interpret,
    ring_limits_km,
)
from search.vocabulary import Vocabulary  # noqa: E402

CHECKED_HITS = 1000  # how deep the two shapes' rankings are compared

# --- The previous shape, for comparison only -------------------------------------
# A copy of search/elastic_query.py's query building before issue 15 part 4: one
# ``terms`` clause per language × weight × field inside each unit's dis_max, over the
# per-language keyword fields, and the facet aggregations each wrapped in a filter.


def _previous_unit_query(unit: Unit, searcher_language: str, known: Vocabulary, base: float) -> Q:
    found = matching.unit_terms(unit, searcher_language, known)
    by_weight: dict[tuple[str, float], list[str]] = defaultdict(list)
    for (language, term), weight in found.single.items():
        by_weight[(language, weight)].append(term)
    alternatives: list[Q] = []
    for (language, weight), terms in sorted(by_weight.items()):
        for name, field_weight in FIELD_WEIGHTS.items():
            condition = Q("terms", **{column(name, language): sorted(terms)})
            alternatives.append(
                Q("constant_score", filter=condition, boost=base + weight * field_weight)
            )
    for alternative in found.several:
        for name, field_weight in FIELD_WEIGHTS.items():
            column_name = column(name, alternative.language)
            condition = Q(
                "bool", filter=[Q("term", **{column_name: t[:100]}) for t in alternative.terms]
            )
            alternatives.append(
                Q(
                    "constant_score",
                    filter=condition,
                    boost=base + alternative.weight * field_weight,
                )
            )
    for alternative in found.facets:
        condition = Q(
            "terms", **{elastic_query.FACET_FIELDS[alternative.facet]: list(alternative.values)}
        )
        alternatives.append(Q("constant_score", filter=condition, boost=base + alternative.weight))
    return Q("dis_max", queries=alternatives, tie_breaker=0)


def _previous_filters(query: OfferQuery, today) -> list[Q]:
    """The filters as they were: only the two date clauses changed shape since, so the
    others are today's (``elastic_query._base_filters`` starts with the two dates)."""
    dates = [
        Q("bool", should=[~Q("exists", field="valid_from"), Q("range", valid_from={"lte": today})]),
        Q(
            "bool",
            should=[~Q("exists", field="valid_until"), Q("range", valid_until={"gte": today})],
        ),
    ]
    return dates + elastic_query._base_filters(query, today)[2:]


def build_search_previous(
    query: OfferQuery,
    meaning: Interpretation | None = None,
    boosts: dict[int, float] | None = None,
    today=None,
) -> Search:
    """The search ``elastic_query.build_search`` built before issue 15 part 4."""
    today = today or timezone.localdate()
    filters = _previous_filters(query, today)
    if meaning is not None and meaning.units:
        known = meaning.terms_known()
        base = coverage(query)
        units = [_previous_unit_query(u, query.language, known, base) for u in meaning.units]
        should = [Q("bool", should=units, minimum_should_match=meaning.minimum_units)]
        should += [
            Q("constant_score", filter=Q("term", offer_id=pk), boost=extra)
            for pk, extra in sorted((boosts or {}).items())
        ]
        must = [Q("bool", should=should, minimum_should_match=1)]
    else:
        must = [Q("match_all")]
    rings = []
    if query.distance_weighs_in:
        point = {"lat": query.near.latitude, "lon": query.near.longitude}
        rings = [
            Q(
                "constant_score",
                filter=Q("geo_distance", distance=f"{limit}km", distance_type="arc", points=point),
                boost=COVERAGE,
            )
            for limit in ring_limits_km()
        ]
    search = Search(using=client(), index=alias_name()).query(
        Q("bool", must=must, should=rings, filter=filters)
    )
    chosen = {name: values for name, values in query.filter_values().items() if values}

    def facet_filter(name: str, values) -> Q:
        return Q("terms", **{elastic_query.FACET_FIELDS[name]: list(values)})

    if chosen:
        search = search.post_filter(
            Q("bool", filter=[facet_filter(n, v) for n, v in chosen.items()])
        )
    for name in FACETS:
        others = [facet_filter(n, v) for n, v in chosen.items() if n != name]
        bucket = search.aggs.bucket(name, "filter", filter=Q("bool", filter=others))
        bucket.bucket("values", "terms", field=elastic_query.FACET_FIELDS[name], size=200)
    search = search.sort(*elastic_query._order(query))  # the order did not change
    search = search.source(["offer_id", "card"]).extra(track_total_hits=True)
    return search[query.offset : query.offset + query.page_size]


def search_previous(
    query: OfferQuery, meaning: Interpretation | None = None, vector=None
) -> RawResults:
    """``elastic_query.search`` as it was before issue 15 part 4: one scored search with
    the aggregations, semantic candidates first as now."""
    elastic_index.require_current_schema()
    today = timezone.localdate()
    boosts = {}
    if meaning is not None and meaning.units and vector is not None:
        boosts = elastic_query.semantic_candidates(vector, _previous_filters(query, today))
    response = build_search_previous(query, meaning, boosts, today).execute()
    return RawResults(
        ids=[int(hit.offer_id) for hit in response.hits],
        count=response.hits.total.value,
        facets=_previous_facets(response),
        cards={int(hit.offer_id): hit.card.to_dict() for hit in response.hits if "card" in hit},
    )


def _previous_facets(response: Response) -> dict[str, dict[str, int]]:
    return {
        name: {b.key: b.doc_count for b in getattr(response.aggregations, name).values.buckets}
        for name in FACETS
    }


def use_previous_shape() -> None:
    """Make the site answer with the previous shape: the search interface looks up
    ``elastic_query.search`` at every call."""
    elastic_query.search = search_previous


def previous_shape_application():
    """The site's WSGI application answering with the previous shape (for gunicorn)."""
    use_previous_shape()
    return get_wsgi_application()


# --- Measuring -----------------------------------------------------------------------


@dataclasses.dataclass
class Answer:
    """What a search decides (the ids in order, the total, the facet counts) and what it
    cost: Elasticsearch's "took" and the wall time of building, sending and reading it."""

    ids: list[int]
    count: int
    facets: dict[str, dict[str, int]]
    took: float
    wall: float

    def decided(self) -> tuple:
        return self.ids, self.count, self.facets


def run_previous(query: OfferQuery, meaning: Interpretation) -> Answer:
    """The previous shape: one search."""
    started = time.perf_counter()
    response = build_search_previous(query, meaning, {}).execute()
    facets = _previous_facets(response)
    ids = [int(h.offer_id) for h in response.hits]
    wall = (time.perf_counter() - started) * 1000
    return Answer(ids, response.hits.total.value, facets, float(response.took), wall)


def run_current(query: OfferQuery, meaning: Interpretation) -> Answer:
    """The current shape: the page and the counts in one multi-search, as
    ``elastic_query.search`` sends them (called raw here for the request's own "took")."""
    started = time.perf_counter()
    page, counted = elastic_query.build_searches(query, meaning, {})
    raw = client().msearch(index=alias_name(), searches=[{}, page.to_dict(), {}, counted.to_dict()])
    hits, totals = (Response(s, r) for s, r in zip((page, counted), raw["responses"], strict=True))
    ids = [int(h.offer_id) for h in hits.hits]
    facets = elastic_query.facet_counts(totals)
    wall = (time.perf_counter() - started) * 1000
    return Answer(ids, totals.hits.total.value, facets, float(raw["took"]), wall)


SHAPES = {"previous": run_previous, "current": run_current}


def text_queries() -> list[tuple[str, dict, OfferQuery]]:
    """The text queries of bench/search_bench.py's mix: (type, API parameters, query)."""
    from search_bench import MIX

    return [(kind, params, query) for kind, params, query in MIX if query.text.strip()]


def label(params: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in params.items())


def check_same(query: OfferQuery, meaning: Interpretation) -> int:
    """Fail unless both shapes rank the first ``CHECKED_HITS`` hits alike (and count and
    facet alike), on the first page and deep; returns the count."""
    for deep in (query, dataclasses.replace(query, page=1, page_size=CHECKED_HITS)):
        old, new = (run(deep, meaning) for run in SHAPES.values())
        if old.decided() != new.decided():
            first = next(
                (i for i, (a, b) in enumerate(zip(old.ids, new.ids, strict=False)) if a != b), None
            )
            raise SystemExit(
                f"shapes differ for {query.text!r}: counts {old.count} / {new.count}, "
                f"first differing rank {first}, facets equal: {old.facets == new.facets}"
            )
    return new.count


def engine_times(
    query: OfferQuery, meaning: Interpretation, rounds: int
) -> dict[str, tuple[list[float], list[float]]]:
    """Per shape: Elasticsearch's "took" and the wall time, in ms (the text already
    interpreted: both shapes share that). The shapes take turns, so a burst of load
    elsewhere on the machine hits both alike."""
    times: dict[str, tuple[list[float], list[float]]] = {s: ([], []) for s in SHAPES}
    for run in SHAPES.values():
        run(query, meaning)  # warm-up: caches, connections
    for _ in range(rounds):
        for name, run in SHAPES.items():
            answer = run(query, meaning)
            times[name][0].append(answer.took)
            times[name][1].append(answer.wall)
    return times


def serve(shape: str, port: int):
    """The site on ``port`` with gunicorn (2 workers), answering with ``shape``."""
    import subprocess

    app = {
        "current": "cms.wsgi:application",
        "previous": "es_text_shapes:previous_shape_application()",
    }[shape]
    env = {**os.environ, "WHITENOISE_USE_FINDERS": "1", "ALLOWED_HOSTS": "127.0.0.1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "bench"), env.get("PYTHONPATH")]))
    # Every request must reach the search: no answers from the workers' page cache.
    env["PAGE_CACHE_SECONDS"] = "0"
    env.setdefault("RATE_LIMIT_API", "1000000")  # one address asking hundreds of times
    command = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}"]
    return subprocess.Popen(
        [*command, "--workers", "2", "--log-level", "warning"], cwd=ROOT, env=env
    )


def api_times(queries, rounds: int) -> dict[str, dict[str, list[float]]]:
    """Shape → query → the JSON API's times in ms, a site served per shape; the two
    sites take turns request by request."""
    import search_bench

    ports = {shape: search_bench.free_port() for shape in SHAPES}
    servers = [serve(shape, port) for shape, port in ports.items()]
    try:
        for port in ports.values():
            for _ in range(150):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.2)
        connections = {s: http.client.HTTPConnection("127.0.0.1", p, 30) for s, p in ports.items()}
        times: dict[str, dict[str, list[float]]] = {shape: {} for shape in SHAPES}
        for _kind, params, _query in queries:
            path = "/api/v1/offers/?" + urlencode(params)
            for round_ in range(rounds + 1):  # the first round warms up
                for shape, connection in connections.items():
                    started = time.perf_counter()
                    connection.request("GET", path)
                    response = connection.getresponse()
                    body = response.read()
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status != 200:
                        raise SystemExit(f"{shape} API answered {response.status}: {body[:300]}")
                    if round_:
                        times[shape].setdefault(label(params), []).append(elapsed)
        return times
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30, help="repetitions per query and shape")
    parser.add_argument("--skip-load", action="store_true", help="use the data already there")
    parser.add_argument("--no-api", action="store_true", help="skip the timing over HTTP")
    args = parser.parse_args()
    if not settings.ELASTICSEARCH_URL:
        raise SystemExit("ELASTICSEARCH_URL is not set: this compares Elasticsearch queries")
    if not args.skip_load:
        import search_bench

        seconds, indexed = search_bench.load(args.offers)
        print(f"indexing: {indexed} offers in {seconds:.1f} s")
    queries = text_queries()
    live = OfferPage.objects.live().count()
    load = os.getloadavg()
    print(
        f"\n{live} live offers, {args.rounds} rounds per query and shape, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores"
    )
    api = {} if args.no_api else api_times(queries, args.rounds)
    print(
        "| shape    | query                                     |  hits |   n |"
        " took p50 | took p95 | wall p50 | wall p95 | API p95 |"
    )
    print(
        "|----------|-------------------------------------------|-------|-----|"
        "----------|----------|----------|----------|---------|"
    )
    overall: dict[str, tuple[list[float], list[float]]] = {s: ([], []) for s in SHAPES}
    for _kind, params, query in queries:
        meaning = interpret(query.text, query.language)
        hits = check_same(query, meaning)
        for shape, (took, wall) in engine_times(query, meaning, args.rounds).items():
            overall[shape][0].extend(took)
            overall[shape][1].extend(wall)
            http = api.get(shape, {}).get(label(params))
            http = None if http is None else percentile(http, 0.95)
            print(
                f"| {shape:<8} | {label(params):<41} | {hits:>5} | {len(took):>3} |"
                f" {statistics.median(took):>8.1f} | {percentile(took, 0.95):>8.1f} |"
                f" {statistics.median(wall):>8.1f} | {percentile(wall, 0.95):>8.1f} |"
                f" {'' if http is None else f'{http:.1f}':>7} |"
            )
    for shape, (took, wall) in overall.items():
        every = [t for per_query in api.get(shape, {}).values() for t in per_query]
        print(
            f"| {shape:<8} | {'all text queries':<41} | {'':>5} | {len(took):>3} |"
            f" {statistics.median(took):>8.1f} | {percentile(took, 0.95):>8.1f} |"
            f" {statistics.median(wall):>8.1f} | {percentile(wall, 0.95):>8.1f} |"
            f" {'' if not every else f'{percentile(every, 0.95):.1f}':>7} |"
        )
    print("\nboth shapes returned the same hits, order, counts and facets for every query")


if __name__ == "__main__":
    main()
