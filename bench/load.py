"""Mixed anonymous load against a running site, with strangers sending offers meanwhile.

Usage (bench/load sets up the site and calls this):

    python bench/load.py --base http://127.0.0.1:PORT --label "SQLite, cache on" \\
        [--clients 5,20,50] [--seconds 60] [--submissions 20] [--server-pid PID]

Each client repeats requests from a fixed mix (home pages, results with text, place
and filters, offer pages, the JSON API) for ``--seconds``, one phase per number of
clients, on its own kept-alive connection, without cookies (an anonymous newcomer).
During the phase with 20 clients (or the middle one) ``--submissions`` strangers type
an offer step by step and send it at the same moment. Prints one table row per phase:
requests/s, p50/p95/p99 latency, errors (no answer, or a status other than 200) and
the memory of each gunicorn worker (RSS of the children of ``--server-pid``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.http_submitter import submit  # noqa: E402

LANGUAGES = ["de", "en", "ar", "uk", "ru", "tr", "fa", "ro"]
TEXTS = ["Deutschkurs", "Sprachcafé", "Beratung", "Fußball", "Frauen", "Kinder", "Arbeit"]
PLACES = ["Weilheim", "Schongau", "Peiting", "Penzberg", "86956"]
FILTERS = ["category=language-education", "free=1", "time_of_day=afternoon", "accessible=1"]


def offer_paths(base: str, count: int) -> list[str]:
    """Paths of published offers, from the API (no database access from here)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    paths: list[str] = []
    page = 1
    while len(paths) < count and page <= 10:
        connection.request("GET", f"/api/v1/offers/?page={page}&page_size=50")
        answer = json.loads(connection.getresponse().read())
        results = answer.get("results", [])
        if not results:
            break
        paths += [urlsplit(result["url"]).path for result in results]
        page += 1
    connection.close()
    return paths[:count]


def request_mix(offers: list[str], seed: int = 7) -> list[str]:
    """A fixed list of paths in the proportions of the mix, shuffled reproducibly."""
    rng = random.Random(seed)
    mix: list[str] = []
    for language in LANGUAGES:
        mix.append(f"/{language}/")
        for text in TEXTS:
            mix.append(f"/{language}/angebote/?q={quote(text)}")
        for place in PLACES:
            mix.append(f"/{language}/angebote/?near={quote(place)}&radius_km=10")
        for text, place in zip(TEXTS, PLACES, strict=False):
            mix.append(f"/{language}/angebote/?q={quote(text)}&near={quote(place)}")
        for filter_ in FILTERS:
            mix.append(f"/{language}/angebote/?{filter_}&near=Weilheim")
    for text in TEXTS:
        mix.append(f"/api/v1/offers/?q={quote(text)}&lang={rng.choice(LANGUAGES)}")
        mix.append(f"/api/v1/offers/?q={quote(text)}&near=Weilheim&radius_km=20")
    for path in offers:
        mix.append(f"/{rng.choice(LANGUAGES)}{path[3:]}" if path[3:4] == "/" else path)
    rng.shuffle(mix)
    return mix


def worker_memory_mb(server_pid: int | None) -> list[float]:
    """Resident memory of each child of the gunicorn master, in MB."""
    if not server_pid:
        return []
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children")
    if not children.exists():
        return []
    sizes = []
    for pid in children.read_text().split():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def run_phase(
    base: str, mix: list[str], clients: int, seconds: float
) -> tuple[list[float], int, float]:
    """``clients`` threads for ``seconds``; returns latencies (s), errors and elapsed time."""
    parts = urlsplit(base)
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    start = time.monotonic()

    def client(n: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine: list[float] = []
        failed = 0
        i = n * 37
        while time.monotonic() - start < seconds:
            path = mix[i % len(mix)]
            i += 1
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            mine.append(time.perf_counter() - began)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.monotonic() - start


def send_offers(base: str, count: int, first: int) -> list[int]:
    """``count`` strangers type an offer and send it at the same moment; their statuses."""
    ready = threading.Barrier(count)
    statuses: list[int] = []
    lock = threading.Lock()

    def stranger(n: int) -> None:
        try:
            status = submit(base, n, ready)
        except Exception:  # noqa: BLE001 - any failure is a lost submission
            status = 0
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=stranger, args=(first + n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True)
    parser.add_argument("--label", required=True)
    parser.add_argument("--clients", default="5,20,50")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--first-submission", type=int, default=0, help="numbers them apart")
    parser.add_argument("--server-pid", type=int)
    parser.add_argument("--offers", type=int, default=150, help="offer pages in the mix")
    args = parser.parse_args()

    mix = request_mix(offer_paths(args.base, args.offers))
    levels = [int(n) for n in args.clients.split(",")]
    with_submissions = 20 if 20 in levels else levels[len(levels) // 2]
    print(f"### {args.label}: {len(mix)} distinct requests, {args.seconds:.0f} s per phase")
    print()
    print(
        "| clients | requests | req/s | p50 ms | p95 ms | p99 ms | errors | "
        "submissions stored | MB per worker |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|---|")
    failed = False
    for clients in levels:
        sent: list[int] = []
        sender = None
        if clients == with_submissions and args.submissions:
            sender = threading.Thread(
                target=lambda into=sent: into.extend(
                    send_offers(args.base, args.submissions, args.first_submission)
                )
            )
            sender.start()
        latencies, errors, elapsed = run_phase(args.base, mix, clients, args.seconds)
        if sender is not None:
            sender.join()
        memory = worker_memory_mb(args.server_pid)
        stored = f"{sent.count(302)} of {len(sent)}" if sender is not None else "–"
        print(
            f"| {clients} | {len(latencies)} | {len(latencies) / elapsed:.0f} "
            f"| {statistics.median(latencies) * 1000:.0f} "
            f"| {percentile(latencies, 0.95) * 1000:.0f} "
            f"| {percentile(latencies, 0.99) * 1000:.0f} | {errors} | {stored} "
            f"| {', '.join(f'{m:.0f}' for m in memory) or '?'} |",
            flush=True,
        )
        failed |= errors > 0 or (sender is not None and sent.count(302) != len(sent))
    if failed:
        print("errors or lost submissions: see the table", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
