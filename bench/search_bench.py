"""Search benchmark: a fixed query mix over HTTP and straight against the engine.

Usage (from the repository root, inside .venv; the database and Elasticsearch
come from DATABASE_URL / ELASTICSEARCH_URL as for the site):

    python bench/search_bench.py --offers 10000 [--rounds 30] [--skip-load] [--engine-only]

Loads the demo district plus synthetic offers up to ``--offers`` (timing the
indexing), serves the site with gunicorn on 127.0.0.1, then runs every query
of the mix ``--rounds`` times over HTTP (the JSON API) and directly against
the backend, and prints p50/p95/p99 latency and throughput per backend and
query type. Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from directory.geo import GeoPoint  # noqa: E402
from directory.models import OfferPage  # noqa: E402
from search import database, elastic_query, semantic  # noqa: E402
from search.query import OfferQuery  # noqa: E402
from search.understanding import interpret  # noqa: E402

WEILHEIM, PEITING = GeoPoint(47.8415, 11.1548), GeoPoint(47.7955, 10.9295)

# (type, API parameters, the same as an OfferQuery)
MIX = [
    ("text", {"q": "Deutschkurs"}, OfferQuery(text="Deutschkurs")),
    ("text", {"q": "Sprachcafe Weilheim"}, OfferQuery(text="Sprachcafe Weilheim")),
    ("text", {"q": "Deutchkurs"}, OfferQuery(text="Deutchkurs")),
    ("text", {"q": "Beratung", "lang": "en"}, OfferQuery(text="Beratung", language="en")),
    (
        "text+geo",
        {"q": "Sprachcafé", "near": "47.8415,11.1548", "radius_km": "10"},
        OfferQuery(text="Sprachcafé", near=WEILHEIM, radius_km=10),
    ),
    (
        "text+geo",
        {"q": "Beratung", "near": "47.7955,10.9295", "sort": "distance"},
        OfferQuery(text="Beratung", near=PEITING, sort="distance"),
    ),
    (
        "geo+filters",
        {"near": "47.7955,10.9295", "radius_km": "15", "category": "sport", "free": "1"},
        OfferQuery(near=PEITING, radius_km=15, categories=("sport",), free=True),
    ),
    (
        "geo+filters",
        {"near": "47.8415,11.1548", "radius_km": "5", "open_on": "1", "accessible": "1"},
        OfferQuery(near=WEILHEIM, radius_km=5, open_on=1, accessible=True),
    ),
    (
        "facets",
        {"category": "language-education", "kind": "course"},
        OfferQuery(categories=("language-education",), kinds=("course",)),
    ),
    ("facets", {"spoken_language": "ar"}, OfferQuery(spoken_languages=("ar",))),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(offers: int) -> tuple[float, int, float]:
    """Demo plus synthetic offers up to ``offers``, then a full rebuild of the indexes;
    returns the rebuild's (seconds, offers indexed, peak memory in MB)."""
    # migrate creates the cache table too (cms/apps.py). Quiet: wagtail-modeltranslation's
    # part of it prints its SQL whatever the verbosity.
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        call_command("migrate", "--noinput", verbosity=0)
        call_command("load_demo", "--no-admin")
    missing = offers - OfferPage.objects.count()
    if missing > 0:
        call_command("generate_offers", "--count", str(missing), "--no-index")
    # In a process of its own, as an operator runs it: its peak memory is the rebuild's
    # alone (flat means the same at 10 000 and 100 000 offers). Twice: the first one
    # embeds every text it has never seen (bench/semantic.py measures that), the second
    # is the rebuild of a running installation, the figure reported.
    for run in ("first", "again"):
        started = time.monotonic()
        command = [sys.executable, "manage.py", "search_index", "rebuild"]
        rebuild = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        output = rebuild.stdout.read()
        _pid, status, usage = os.wait4(rebuild.pid, 0)  # with this child's own peak memory
        rebuild.returncode = os.waitstatus_to_exitcode(status)
        if rebuild.returncode:
            raise subprocess.CalledProcessError(rebuild.returncode, command, output)
        seconds = time.monotonic() - started
        peak_mb = usage.ru_maxrss / 1024
        # Its own figure: filling the indexes, without starting Django and the clean-ups.
        said = [line for line in output.splitlines() if " offers " in line][-1:]
        print(
            f"rebuild ({run}): {seconds:.1f} s, peak memory {peak_mb:,.0f} MB; "
            f"search_index rebuild said: {' '.join(said)}"
        )
    return seconds, OfferPage.objects.live().count(), peak_mb


def serve(port: int) -> subprocess.Popen:
    env = {**os.environ, "WHITENOISE_USE_FINDERS": "1", "ALLOWED_HOSTS": "127.0.0.1"}
    # Every request must reach the search: the mix repeats, and the page cache would
    # answer all but the first round from memory.
    env["PAGE_CACHE_SECONDS"] = "0"
    env.setdefault("RATE_LIMIT_API", "1000000")  # one address asking thousands of times
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def timed(function, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def over_http(port: int, params: dict, rounds: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    path = "/api/v1/offers/?" + urlencode(params)

    def call():
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, body[:300]
        json.loads(body)

    call()  # warm-up: caches, gazetteer, vocabulary
    return timed(call, rounds)


def engine(backend: str, query: OfferQuery, rounds: int) -> list[float]:
    # What the search interface does before it loads result cards: interpret the text
    # (thesaurus, compounds, known words), embed it (cached per process after the
    # first call, as in a worker), then ask the backend (kNN + query for Elasticsearch).
    answer = elastic_query.search if backend == "elasticsearch" else database.search

    def call():
        meaning = interpret(query.text, query.language) if query.text.strip() else None
        vector = None
        if meaning is not None and meaning.recognised and semantic.enabled():
            vector = semantic.query_vector(query.text.strip())
        answer(query, meaning, vector)

    call()
    return timed(call, rounds)


def row(label: str, times: list[float]) -> str:
    total_seconds = sum(times) / 1000
    return (
        f"| {label:<34} | {len(times):>5} | {statistics.median(times):>7.1f} | "
        f"{percentile(times, 0.95):>7.1f} | {percentile(times, 0.99):>7.1f} | "
        f"{len(times) / total_seconds:>7.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30, help="repetitions per query")
    parser.add_argument("--skip-load", action="store_true", help="use the data already there")
    parser.add_argument(
        "--engine-only", action="store_true", help="only the engine rows (no server, no API)"
    )
    args = parser.parse_args()

    backend = "elasticsearch" if settings.ELASTICSEARCH_URL else "database"
    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if not args.skip_load:
        seconds, indexed, peak_mb = load(args.offers)
        print(
            f"indexing (the second rebuild, whole command): {indexed} offers in {seconds:.1f} s "
            f"({indexed / seconds:,.0f} docs/s), peak memory {peak_mb:,.0f} MB"
        )
    live = OfferPage.objects.live().count()
    print(f"\nbackend {backend}, database {vendor}, {live} live offers, {args.rounds} rounds/query")
    print("| what                               |     n |  p50 ms |  p95 ms |  p99 ms |   req/s |")
    print("|------------------------------------|-------|---------|---------|---------|---------|")
    port = None if args.engine_only else free_port()
    server = None if port is None else serve(port)
    try:
        http_all, engine_all = [], []
        for kind in dict.fromkeys(k for k, _p, _q in MIX):
            http_times, engine_times = [], []
            for _kind, params, query in (m for m in MIX if m[0] == kind):
                if port is not None:
                    http_times += over_http(port, params, args.rounds)
                engine_times += engine(backend, query, args.rounds)
            if http_times:
                print(row(f"API {kind}", http_times))
            print(row(f"engine {kind}", engine_times))
            http_all += http_times
            engine_all += engine_times
        if http_all:
            print(row("API all", http_all))
        print(row("engine all", engine_all))
        if http_all:
            ratio = statistics.median(http_all) / statistics.median(engine_all)
            print(f"\nAPI median / engine median: {ratio:.2f}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
