"""Search load against the API for bench/cluster: who answered, and how many requests failed.

Usage: cluster_load.py BASE_URL SECONDS CLIENTS OUT.json
Each client repeats API searches for SECONDS; every answer's HTTP status and the
``backend`` it names are counted. A failed request (no answer, or 5xx) is an error.
"""

from __future__ import annotations

import itertools
import json
import sys
import threading
import time

import requests

QUERIES = ["Deutschkurs", "Sprachcafe", "Beratung", "Fussball", "Frauen", "Kinder", "Arbeit"]


def main(base: str, seconds: float, clients: int, out: str) -> None:
    lock = threading.Lock()
    counts = {"requests": 0, "errors": 0, "elasticsearch": 0, "database": 0}
    timeline: list[tuple[float, str]] = []
    start = time.monotonic()

    def client(n: int) -> None:
        session = requests.Session()
        for query in itertools.cycle(QUERIES[n % len(QUERIES) :] + QUERIES[: n % len(QUERIES)]):
            now = time.monotonic() - start
            if now > seconds:
                return
            try:
                response = session.get(
                    f"{base}/api/v1/offers/", params={"q": query, "lang": "de"}, timeout=30
                )
                answer = response.json()["backend"] if response.status_code == 200 else "error"
            except Exception:  # noqa: BLE001 - any failure counts as a user-visible error
                answer = "error"
            with lock:
                counts["requests"] += 1
                counts["errors" if answer == "error" else answer] += 1
                timeline.append((round(now, 2), answer))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    database_times = [t for t, answer in timeline if answer == "database"]
    counts["last_database_at_s"] = max(database_times) if database_times else None
    counts["first_database_at_s"] = min(database_times) if database_times else None
    with open(out, "w", encoding="utf-8") as f:
        json.dump(counts, f)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
