"""Semantic search costs: embedding rates, the rebuild's reuse of vectors, memory and the
exact-cosine time of the database backend with 100 000 vectors.

Usage (from the repository root, inside .venv): python bench/semantic.py [--vectors 100000]
Uses the configured database (SQLite in var/ by default) for the embedding table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from search import semantic  # noqa: E402
from search.models import Embedding  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vectors", type=int, default=100_000)
    parser.add_argument("--texts", type=int, default=256)
    arguments = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    texts = [
        f"Angebot {run}-{i}: Deutschkurs, Beratung und Treffpunkt für Familien im Landkreis. "
        f"Jeden {['Montag', 'Dienstag', 'Mittwoch'][i % 3]} von 15 bis 17 Uhr."
        for i in range(arguments.texts)
    ]
    semantic.embed_passages(["warm up"])
    started = time.perf_counter()
    embedded = semantic.embed_missing(texts)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = semantic.embed_missing(texts)
    second = time.perf_counter() - started
    print("| measurement | value |")
    print("|---|---:|")
    print(f"| documents embedded (first rebuild), texts/s | {embedded / first:.1f} |")
    print(f"| same texts again: embedded | {again} |")
    print(f"| same texts again: texts/s (lookup only) | {len(texts) / second:,.0f} |")
    timings = []
    for i in range(50):
        t = time.perf_counter()
        semantic._model().query(f"Deutschkurs am Abend {i}")
        timings.append((time.perf_counter() - t) * 1000)
    print(
        f"| query embedding median / p95, ms | {statistics.median(timings):.1f} / "
        f"{sorted(timings)[47]:.1f} |"
    )
    before = rss_mb()
    rng = np.random.default_rng(1)
    matrix = rng.standard_normal((arguments.vectors, semantic.DIMENSIONS)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    offers = np.arange(arguments.vectors, dtype=np.int64)
    after = rss_mb()
    print(f"| memory of {arguments.vectors:,} vectors in a worker, MB | {after - before:.0f} |")
    vector = semantic.query_vector("Deutschkurs")
    timings = []
    for _ in range(20):
        t = time.perf_counter()
        scores = matrix @ vector
        best = np.argpartition(-scores, 40)[:40]
        timings.append((time.perf_counter() - t) * 1000)
    print(
        f"| exact cosine over {arguments.vectors:,} vectors + top 40, median ms | "
        f"{statistics.median(timings):.1f} |"
    )
    del offers, best
    Embedding.objects.filter(fingerprint__in=[semantic.fingerprint(t) for t in texts]).delete()


if __name__ == "__main__":
    main()
