"""Cross-language benchmark: do queries in every site language find German-only offers?

Usage (from the repository root, inside .venv; database and Elasticsearch from
DATABASE_URL / ELASTICSEARCH_URL as for the site; ``bench/crosslang`` starts both):

    python bench/crosslang.py [--topics bench/crosslang_topics.toml] [--keep-translations]
                              [--limit N] [--misses] [--skip-load | --demo-loaded]

Loads the demo district, removes every translation of the demo offers (so the
target offers exist only in German), rebuilds the indexes, then runs each
judged topic of ``bench/crosslang_topics.toml`` once per language, with
semantic search on and off, on the database backend and (if configured)
Elasticsearch. Prints per language:

- success@5: share of topics with at least one relevant offer in the top 5;
- precision@5: relevant offers in the top 5 divided by min(5, number of relevant
  offers of the topic) — a topic with 2 relevant offers that shows both scores 1;
- P@5 (plain): relevant offers in the top 5 divided by 5, for comparison.

Then the query-embedding time and, with ``--memory``, the memory the database
backend's vector matrix takes per worker for 100 000 vectors.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from directory.i18n import SOURCE_LANGUAGE, column, site_languages  # noqa: E402
from directory.models import OfferPage  # noqa: E402
from search import database, elastic_connection, elastic_query, semantic  # noqa: E402
from search.query import OfferQuery  # noqa: E402
from search.understanding import interpret  # noqa: E402

TRANSLATED = ("title", "summary", "description")


def german_only() -> int:
    """Blank every translation of every offer (live and draft alike); returns offers changed."""
    return OfferPage.objects.update(
        **{
            column(name, language): ""
            for name in TRANSLATED
            for language in site_languages()
            if language != SOURCE_LANGUAGE
        }
    )


def run_queries(topics: list[dict], backend: str, semantic_on: bool) -> dict[str, list[tuple]]:
    """Per language: (success, precision, plain P@5) for every topic."""
    by_slug = dict(OfferPage.objects.values_list("pk", "slug"))
    # Judged offers nobody can see today (valid from a later date) do not count.
    visible = {by_slug[pk] for pk in database.search(OfferQuery(page_size=10_000)).ids}
    found: dict[str, list[tuple]] = {language: [] for language in site_languages()}
    for topic in topics:
        relevant = set(topic["relevant"]) & visible
        if not relevant:
            continue
        for language in site_languages():
            query = OfferQuery(text=topic[language], language=language, page_size=5)
            meaning = interpret(query.text, language)
            vector = (
                semantic.query_vector(query.text)
                if semantic_on and semantic.installed() and meaning.recognised
                else None
            )
            if backend == "elasticsearch":
                ids = elastic_query.search(query, meaning, vector).ids
            else:
                ids = database.search(query, meaning, vector).ids
            top = [by_slug[pk] for pk in ids[:5]]
            good = sum(slug in relevant for slug in top)
            found[language].append(
                (good > 0, good / min(5, len(relevant)), good / 5, topic["name"], top)
            )
    return found


def table(results: dict[str, dict[str, list[tuple]]]) -> None:
    columns = list(results)
    print("| language | " + " | ".join(f"{c} success@5 | {c} precision@5" for c in columns) + " |")
    print("|---|" + "---:|---:|" * len(columns))
    for language in site_languages():
        cells = []
        for name in columns:
            rows = results[name][language]
            cells.append(f"{100 * statistics.mean(r[0] for r in rows):.0f} %")
            cells.append(f"{statistics.mean(r[1] for r in rows):.2f}")
        print(f"| {language} | " + " | ".join(cells) + " |")
    cells = []
    for name in columns:
        rows = [r for language in site_languages() for r in results[name][language]]
        cells.append(f"{100 * statistics.mean(r[0] for r in rows):.0f} %")
        cells.append(f"{statistics.mean(r[1] for r in rows):.2f}")
    print("| **all** | " + " | ".join(cells) + " |")
    print()
    plain = {
        name: statistics.mean(r[2] for lang in site_languages() for r in results[name][lang])
        for name in columns
    }
    print("Plain P@5 (relevant in top 5 ÷ 5):", ", ".join(f"{n} {v:.2f}" for n, v in plain.items()))


def misses(results: dict[str, dict[str, list[tuple]]], name: str) -> None:
    print(f"\nTopics without a relevant offer in the top 5 ({name}):")
    for language in site_languages():
        for success, _p, _p5, topic, top in results[name][language]:
            if not success:
                print(f"  {language}: {topic} -> {', '.join(top) or '(nothing)'}")


def embedding_time(queries: list[str]) -> None:
    semantic.query_vector.cache_clear()
    semantic.query_vector("warm up")
    timings = []
    for text in queries:
        started = time.perf_counter()
        semantic.query_vector(text + " ")  # not cached
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"\nQuery embedding: {len(timings)} queries, median {statistics.median(timings):.1f} ms, "
        f"p95 {p95:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--topics", default=str(ROOT / "bench" / "crosslang_topics.toml"))
    parser.add_argument("--keep-translations", action="store_true")
    parser.add_argument("--skip-load", action="store_true", help="use the index as it is")
    parser.add_argument(
        "--demo-loaded",
        action="store_true",
        help="the demo is loaded already (bench/run --smoke): remove translations, rebuild",
    )
    parser.add_argument("--misses", action="store_true", help="list topics not found")
    parser.add_argument("--lift", type=float, help="try another semantic.LIFT (calibration)")
    parser.add_argument(
        "--limit", type=int, help="only the first N topics (bench/run --smoke: a quick run)"
    )
    arguments = parser.parse_args()
    if arguments.lift is not None:
        semantic.LIFT = arguments.lift
    with open(arguments.topics, "rb") as handle:
        topics = tomllib.load(handle)["topic"][: arguments.limit]
    if not arguments.skip_load:
        if not arguments.demo_loaded:
            # migrate creates the cache table too (cms/apps.py). Quiet: wagtail-modeltranslation's
            # part of it prints its SQL whatever the verbosity.
            with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
                call_command("migrate", interactive=False, verbosity=0)
                call_command("load_demo", "--no-admin")  # no accounts: no e-mails
        if not arguments.keep_translations:
            german_only()
        started = time.monotonic()
        with open(os.devnull, "w") as quiet:
            call_command("search_index", "rebuild", verbosity=0, stdout=quiet)
        vectors = " (with vectors)" if semantic.enabled() else ""
        print(f"Index rebuilt{vectors} in {time.monotonic() - started:.1f} s")
    print(
        f"{len(topics)} topics × {len(site_languages())} languages; "
        f"semantic search {'available' if semantic.installed() else 'NOT available'}\n"
    )
    results = {}
    backends = ["database"] + (["elasticsearch"] if elastic_connection.is_configured() else [])
    for backend in backends:
        for semantic_on in (True, False):
            name = f"{backend} {'semantic' if semantic_on else 'thesaurus only'}"
            results[name] = run_queries(topics, backend, semantic_on)
    table(results)
    if arguments.misses:
        for name in results:
            misses(results, name)
    if len(backends) == 2:
        for mode in ("semantic", "thesaurus only"):
            same = all(
                a[4] == b[4]
                for language in site_languages()
                for a, b in zip(
                    results[f"database {mode}"][language],
                    results[f"elasticsearch {mode}"][language],
                    strict=True,
                )
            )
            print(f"Both backends give the same top 5 ({mode}): {'yes' if same else 'NO'}")
            for language in site_languages() if not same else []:
                pairs = zip(
                    results[f"database {mode}"][language],
                    results[f"elasticsearch {mode}"][language],
                    strict=True,
                )
                for a, b in pairs:
                    if a[4] != b[4]:
                        print(f"  {language} {a[3]}: database {a[4]} / elasticsearch {b[4]}")
    if semantic.installed():
        embedding_time([t[language] for t in topics for language in site_languages()])


if __name__ == "__main__":
    main()
