"""Search log benchmark: what the log of issue 17 adds to a search, log on against log off.

Usage (from the repository root, inside .venv; the database and Elasticsearch come from
DATABASE_URL / ELASTICSEARCH_URL as for the site):

    python bench/insights.py --offers 10000 [--rounds 30] [--skip-load]

Loads the demo district plus synthetic offers up to ``--offers`` (unless ``--skip-load``),
then serves the same database twice at once, as deployed (``deploy/gunicorn.conf.py``,
2 workers each): once with ``INSIGHTS_LOG=1``, once with ``INSIGHTS_LOG=0``, both with
the page cache off (``PAGE_CACHE_SECONDS=0``) so every request reaches the search. A
fixed mix of searches (result pages and the JSON API, words in eight languages, with and
without a town) goes to both after one warm-up pass, one request at a time: each search to
both sites in a row, the site asked first changing from search to search and from round
to round (use an even number of rounds), so neither gains from a drift of the machine or
from going first.

Prints, per kind of search, the latency on and off (median, p90, mean), the difference of
the medians and the median of the paired differences (the same request, moments apart:
the steadier figure, which the 2 ms budget is judged by). Before serving, it times the
log's own steps in this process: the town of a place search
(``search.insights_log.town_of``), ``mark``, ``record`` (in a row, and after a quiet
spell) and flushes of one row and of 199. After the run it waits for the buffers' timers
and counts the rows the "on" site wrote; none means the log did not run, and the benchmark
fails. The budget is reported, not enforced: the figures vary with the machine.

Semantic search is off unless SEMANTIC_SEARCH says otherwise: the log's cost does not
depend on how results are ranked, and embedding every text would make the load take
minutes. Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
os.environ.setdefault("SEMANTIC_SEARCH", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import override_settings  # noqa: E402
from search_bench import free_port, percentile  # noqa: E402 - bench/, next to this file

from directory.gazetteer import _gazetteer  # noqa: E402
from directory.geo import GeoPoint  # noqa: E402
from directory.models import OfferPage  # noqa: E402
from search import insights_log  # noqa: E402
from search.models import SearchLogEntry  # noqa: E402
from search.query import OfferQuery  # noqa: E402

LANGUAGES = ["de", "en", "ar", "uk", "ru", "tr", "fa", "ro"]
# Words as people type them: German topics, a typo, a word in the reader's own language.
WORDS = [
    "Deutschkurs",
    "Sprachcafé",
    "Beratung",
    "Fußball",
    "Hausaufgabenhilfe",
    "Deutchkurs",
    "language course",
    "курс немецкого",
]
TOWNS = ["Weilheim", "Schongau", "Peiting", "Penzberg", "86956"]
BUDGET_MS = 2.0
WEILHEIM = GeoPoint(47.8415, 11.1548)


def search_mix() -> list[tuple[str, str]]:
    """(kind, path) of every search in the mix: four kinds, one of each per language."""
    mix = []
    for n, language in enumerate(LANGUAGES):
        word, other, town = (
            WORDS[n % len(WORDS)],
            WORDS[(n + 3) % len(WORDS)],
            TOWNS[n % len(TOWNS)],
        )
        mix += [
            ("page, words", f"/{language}/angebote/?q={quote(word)}"),
            ("page, words + town", f"/{language}/angebote/?q={quote(other)}&near={quote(town)}"),
            ("API, words", f"/api/v1/offers/?q={quote(other)}&lang={language}"),
            (
                "API, words + town",
                f"/api/v1/offers/?q={quote(word)}&lang={language}&near={quote(town)}&radius_km=25",
            ),
        ]
    return mix


def load(offers: int) -> None:
    """The demo district plus synthetic offers up to ``offers``, indexed."""
    # Quiet: wagtail-modeltranslation's part of migrate prints its SQL whatever the verbosity.
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        call_command("migrate", "--noinput", verbosity=0)
        call_command("load_demo", "--no-admin")
        missing = offers - OfferPage.objects.count()
        if missing > 0:
            call_command("generate_offers", "--count", str(missing), "--no-index")
        call_command("search_index", "rebuild")


def collect_static() -> None:
    """The pages link the manifest's file names: without a collected manifest they fail."""
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").is_file():
        call_command("collectstatic", "--noinput", verbosity=0)


class Site:
    """The site served by gunicorn as deployed, on a free loopback port."""

    def __init__(self, log_on: bool, scratch: Path) -> None:
        self.name = "on" if log_on else "off"
        self.port = free_port()
        self.output = (scratch / f"site-{self.name}.log").open("w")
        env = {
            **os.environ,
            "INSIGHTS_LOG": "1" if log_on else "0",
            "INSIGHTS_FLUSH_TIMER": "1",
            # Every request must reach the search: the mix repeats, and the page cache
            # would answer all but the first round from memory (and log them for free).
            "PAGE_CACHE_SECONDS": "0",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_ACCESS_LOG": "",
            "WHITENOISE_USE_FINDERS": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
        }
        env.setdefault("RATE_LIMIT_API", "1000000")  # one address asking thousands of times
        env.setdefault("LOG_LEVEL", "ERROR")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "deploy/gunicorn.conf.py",
                "cms.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def wait_until_ready(self) -> None:
        """Until the site answers; its output is shown if it stops instead."""
        for _ in range(300):
            if self.process.poll() is not None:
                break
            try:
                status, _body, _header = self.get("/healthz")
                if status == 200:
                    return
            except OSError:
                self.connection.close()
            time.sleep(0.2)
        self.stop()
        log = Path(self.output.name).read_text()
        raise SystemExit(f"the site with the log {self.name} did not start:\n{log}")

    def get(self, path: str) -> tuple[int, bytes, str | None]:
        """Status, body and the log's internal header (which must never leave the site)."""
        # gunicorn's sync workers close the connection after each answer; http.client
        # opens it again by itself, the same for both sites.
        self.connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = self.connection.getresponse()
        body = response.read()
        return response.status, body, response.getheader(insights_log.HEADER)

    def timed(self, path: str) -> float:
        """Milliseconds for one search; a failed or leaking answer ends the benchmark."""
        started = time.perf_counter()
        status, body, note = self.get(path)
        milliseconds = (time.perf_counter() - started) * 1000
        if status != 200:
            raise SystemExit(f"{path} answered {status} (log {self.name}): {body[:300]!r}")
        if note is not None:
            raise SystemExit(f"{path} sent the internal header {insights_log.HEADER} out")
        return milliseconds

    def stop(self) -> None:
        """End gunicorn (its timers' last writes are counted before this)."""
        self.connection.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.output.close()


def per_call_ms(function: Callable[[], object], calls: int) -> list[float]:
    """Milliseconds of each of ``calls`` calls of ``function``."""
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def log_steps() -> list[tuple[str, list[float]]]:
    """The log's own steps, timed in this process; the rows they write are deleted again."""
    first_pk = SearchLogEntry.objects.aggregate(last=Max("pk"))["last"] or 0
    words = OfferQuery(text="Deutschkurs")
    near = OfferQuery(text="Deutschkurs", near=WEILHEIM, radius_km=10)
    _gazetteer()  # loaded once per worker before it forks (cms/warm_up.py), so not timed

    def mark(query: OfferQuery) -> HttpResponse:
        response = HttpResponse()
        insights_log.mark(response, query, 7, "page")
        return response

    steps = []
    with override_settings(INSIGHTS_LOG=True, INSIGHTS_FLUSH_TIMER=False):
        note = mark(near)[insights_log.HEADER]
        steps += [
            (
                "town_of (gazetteer places_near)",
                per_call_ms(lambda: insights_log.town_of(near), 300),
            ),
            ("mark, words", per_call_ms(lambda: mark(words), 300)),
            ("mark, words + town", per_call_ms(lambda: mark(near), 300)),
            # A full buffer (200) goes to a thread: what a search pays for it is in here.
            ("record, searches in a row", per_call_ms(lambda: insights_log.record(note), 1000)),
        ]
        # A quiet site: the first search after a quiet spell only appends its row; the
        # timer it starts writes it (before issue 17's fix it wrote the row in its request).
        insights_log.flush()
        time.sleep(insights_log.FLUSH_EVERY_SECONDS + 0.5)
        before = SearchLogEntry.objects.count()
        quiet = per_call_ms(lambda: insights_log.record(note), 1)
        wrote = "writes its row itself" if SearchLogEntry.objects.count() > before else "waits"
        steps.append((f"record, the first after 5 s without a search ({wrote})", quiet))
        one_row = []
        for _ in range(20):
            insights_log.flush()
            insights_log.record(note)
            one_row += per_call_ms(insights_log.flush, 1)
        steps.append(("flush of 1 row (what such a search pays)", one_row))
        flushes = []
        for _ in range(5):
            insights_log.flush()  # empty, and restarts the 5 s window
            for _ in range(insights_log.FLUSH_AT_ENTRIES - 1):
                insights_log.record(note)
            flushes += per_call_ms(insights_log.flush, 1)
        steps.append((f"flush of {insights_log.FLUSH_AT_ENTRIES - 1} rows", flushes))
    SearchLogEntry.objects.filter(pk__gt=first_pk).delete()
    return steps


Times = dict[str, dict[str, list[float]]]  # kind of search → site ("on", "off") → ms


def measure(
    sites: tuple[Site, Site], mix: list[tuple[str, str]], rounds: int
) -> tuple[Times, dict[str, list[float]]]:
    """Latencies (ms) per kind and site, and the paired differences (on − off) per kind."""
    on, off = sites
    times: Times = {}
    paired: dict[str, list[float]] = {}
    for round_ in range(rounds):
        for index, (kind, path) in enumerate(mix):
            # The second of two requests took 1-2 ms longer, whichever site answered it
            # (two sites with the log off, 2 cores): each search goes first to either site
            # equally often. Alternating by request alone would not do it: the mix repeats
            # its four kinds, so each kind would always go first to the same site.
            order = (on, off) if (round_ + index) % 2 == 0 else (off, on)
            taken = {site.name: site.timed(path) for site in order}
            for name, milliseconds in taken.items():
                times.setdefault(kind, {"on": [], "off": []})[name].append(milliseconds)
            paired.setdefault(kind, []).append(taken["on"] - taken["off"])
    return times, paired


def report(times: Times, paired: dict[str, list[float]]) -> list[str]:
    """Print the table; returns the kinds (and "all") whose paired median is over budget."""
    print(
        "| searches | requests | median on | median off | p90 on | p90 off | mean on "
        "| mean off | Δ medians | median of paired Δ |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = [(kind, times[kind], paired[kind]) for kind in times]
    everything = {
        site: [t for kind in times.values() for t in kind[site]] for site in ("on", "off")
    }
    rows.append(("all", everything, [d for kind in paired.values() for d in kind]))
    over = []
    for kind, values, differences in rows:
        on, off = values["on"], values["off"]
        added = statistics.median(on) - statistics.median(off)
        steady = statistics.median(differences)
        print(
            f"| {kind} | {len(on)} | {statistics.median(on):.1f} "
            f"| {statistics.median(off):.1f} | {percentile(on, 0.9):.1f} "
            f"| {percentile(off, 0.9):.1f} | {statistics.mean(on):.1f} "
            f"| {statistics.mean(off):.1f} | {added:+.2f} | {steady:+.2f} |"
        )
        # The paired figure judges: the median of all searches mixes pages (~40 ms) and
        # API answers (~15 ms), and a difference of two such medians jumps by a millisecond.
        if steady > BUDGET_MS:
            over.append(f"{kind} ({added:+.2f} ms, {steady:+.2f} ms paired)")
    return over


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30, help="passes over the search mix")
    parser.add_argument("--skip-load", action="store_true", help="use the data already there")
    args = parser.parse_args()

    if not args.skip_load:
        load(args.offers)
    collect_static()
    backend = "elasticsearch" if settings.ELASTICSEARCH_URL else "database"
    live = OfferPage.objects.live().count()
    mix = search_mix()
    print(
        f"### search log on and off: {connection.vendor}, {backend} search, {live} live offers, "
        f"{len(mix)} searches x {args.rounds} rounds per site, {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d')}"
    )

    places = len(_gazetteer().places)
    print(f"\nThe log's steps in one process ({places:,} places in the gazetteer):\n")
    print("| step | calls | median ms | p90 ms | mean ms |")
    print("|---|---:|---:|---:|---:|")
    for label, values in log_steps():
        print(
            f"| {label} | {len(values)} | {statistics.median(values):.3f} "
            f"| {percentile(values, 0.9):.3f} | {statistics.mean(values):.3f} |"
        )

    last_pk = SearchLogEntry.objects.aggregate(last=Max("pk"))["last"] or 0
    connection.close()  # the sites write to the database now; this process only counts
    with tempfile.TemporaryDirectory(prefix="gemeinsam-insights-") as scratch:
        sites = (Site(True, Path(scratch)), Site(False, Path(scratch)))
        try:
            for site in sites:
                site.wait_until_ready()
            for site in sites:  # the first answer of each worker loads what it needs
                for _kind, path in mix:
                    site.timed(path)
            times, paired = measure(sites, mix, args.rounds)
            # What waits in the workers' buffers is written by their timers within 5 s.
            time.sleep(insights_log.FLUSH_EVERY_SECONDS + 1.5)
            written = SearchLogEntry.objects.filter(pk__gt=last_pk).count()
        finally:
            for site in sites:
                site.stop()

    print("\nOver HTTP, one request at a time (ms; Δ = on − off):\n")
    over = report(times, paired)
    print(
        f"\nBudget: the log adds at most {BUDGET_MS:g} ms to a search at the median: "
        + (f"over for {'; '.join(over)}." if over else "within, for every kind of search.")
    )
    sent = len(mix) * (args.rounds + 1)
    print(f"Rows written by the site with the log on: {written} of {sent} searches it answered.")
    if not written:
        raise SystemExit("The log wrote no rows: this benchmark measured nothing.")


if __name__ == "__main__":
    main()
