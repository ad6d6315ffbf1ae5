"""Import benchmark: a district spreadsheet of N rows through the importer's every step.

Usage (from the repository root, inside .venv; the database comes from DATABASE_URL as
for the site, and is migrated and given the demo district first):

    python bench/import_bench.py --rows 10000 [--skip-load]

Writes an XLSX of N synthetic offers (German template headers, two weekly times, a
street address in one of the district's towns, an Arabic title), then times, each on its
own: reading the file, reading its cells, the check (the models' rules and the duplicate
check), writing the offers into the review workflow, and checking the same file again
(every row recognised as unchanged). Prints a table with rows/s and the process's peak
memory. The geocoder is off (places take their postcode's centre): the benchmark
measures the importer, not a remote service's rate limit.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
os.environ["GEOCODER_ENABLED"] = "0"
os.environ.setdefault("SEMANTIC_SEARCH", "0")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from countrystatecity_postal_codes import get_postcodes_of_country  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from directory.gazetteer import normalise, resolve_place  # noqa: E402
from directory.imports import columns, jobs  # noqa: E402
from directory.imports.applying import Writer  # noqa: E402
from directory.imports.checking import check_records, last_fingerprints, tally  # noqa: E402
from directory.imports.reading import read_table  # noqa: E402
from directory.models import OfferLocation, OfferPage  # noqa: E402

KINDS = [
    ("Sprachcafé", "Begegnung", "Sprache & Bildung"),
    ("Beratung", "Beratung", "Beratung & Hilfe"),
    ("Nähtreff", "Begegnung", "Begegnung & Freizeit"),
    ("Deutschkurs", "Kurs", "Sprache & Bildung"),
    ("Fußballtraining", "Vereinsangebot", "Sport"),
    ("Hausaufgabenhilfe", "Ehrenamt", "Sprache & Bildung"),
]
DAYS = ["Mo", "Di", "Mi", "Do", "Fr", "Sa"]


def bavarian_towns() -> list[tuple[str, str]]:
    """(postcode, town) of every Bavarian town the gazetteer knows, one postcode each.

    Towns whose names compare equal ("Thalmässing", "Thalmassing") count once: the
    duplicate check would rightly take "Sprachcafé" in both for one offer."""
    # Towns with offers already (the demo's) are left out too: no row matches an offer.
    taken = {normalise(town) for town in OfferLocation.objects.values_list("town", flat=True)}
    found = {}
    for entry in get_postcodes_of_country("DE"):
        key = normalise(entry.localityName)
        if key in taken or normalise(entry.localityName.split(" ")[0]) in taken:
            continue
        if entry.stateCode == "BY" and key not in found and resolve_place(entry.code):
            found[key] = (entry.code, entry.localityName)
    return sorted(found.values())


def workbook(rows: int, seed: int = 7) -> bytes:
    """An XLSX of ``rows`` distinct offers: each kind of offer at most once per town, so
    the duplicate check (a similar title in the same town) finds none of them."""
    rng = random.Random(seed)
    pairs = [(kind, town) for kind in KINDS for town in bavarian_towns()]
    if rows > len(pairs):
        raise SystemExit(f"At most {len(pairs)} distinct offers.")
    rng.shuffle(pairs)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    headers = [
        "Titel",
        "Kurzbeschreibung",
        "Art",
        "Kategorien",
        "Sprachen",
        "Organisation",
        "Orte",
        "Wochentermine",
        "Kostenlos",
        "Titel (ar)",
    ]
    sheet.append(headers)
    for n, ((name, kind, category), (postcode, town)) in enumerate(pairs[:rows]):
        day1, day2 = rng.sample(DAYS, 2)
        hour = rng.randint(8, 18)
        sheet.append(
            [
                f"{name} {town}",
                f"{name} in {town}: offen für alle, Treffen Nummer {n + 1}.",
                kind,
                category,
                rng.choice(["Deutsch", "Deutsch, Arabisch", "Deutsch; Englisch; Ukrainisch"]),
                # A district has dozens of organisations, not thousands.
                f"Verein {rng.randint(1, 40)}",
                f"Hauptstraße {rng.randint(1, 80)}, {postcode} {town}",
                f"{day1} {hour}:00–{hour + 2}:00; {day2} {hour}:30–{hour + 1}:30",
                "ja",
                f"عرض {n + 1}",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--skip-load", action="store_true", help="The demo is loaded already.")
    args = parser.parse_args()
    if not args.skip_load:
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_demo", "--no-admin", verbosity=0)
    engine = connection.vendor
    before = OfferPage.objects.count()
    content = workbook(args.rows)
    results = []

    def phase(name, function):
        started = time.perf_counter()
        value = function()
        seconds = time.perf_counter() - started
        results.append((name, seconds, args.rows / seconds if seconds else 0.0, peak_mb()))
        return value

    table = phase("read the XLSX", lambda: read_table(content, "bench.xlsx"))
    mapping = columns.automatic_mapping(table.headers)
    records = phase(
        "read the cells", lambda: jobs.table_records(table.headers, table.rows, mapping)
    )
    outcomes = phase(
        "check (rules, duplicates)",
        lambda: check_records(records, on_duplicate="update", last_imports=last_fingerprints()),
    )
    counts = tally(o.decision for o in outcomes)
    assert counts["new"] == args.rows, counts  # noqa: S101 - a broken bench must not print figures

    def write() -> None:
        writer = Writer(file_name="bench.xlsx", trusted=False)
        for record, outcome in zip(records, outcomes, strict=True):
            writer.write(record, outcome)

    phase("write into review", write)
    again = phase(
        "check the same file again",
        lambda: check_records(records, on_duplicate="update", last_imports=last_fingerprints()),
    )
    repeated = tally(o.decision for o in again)
    assert repeated["unchanged"] == args.rows, repeated  # noqa: S101
    assert OfferPage.objects.count() == before + args.rows  # noqa: S101

    print(
        f"### import of {args.rows} rows, {engine}, {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d')}, database {settings.DATABASES['default']['ENGINE']}"
    )
    print()
    print("| step | seconds | rows/s | peak memory (MB) |")
    print("|---|---:|---:|---:|")
    for name, seconds, rate, memory in results:
        print(f"| {name} | {seconds:.1f} | {rate:,.0f} | {memory:.0f} |")
    total = sum(seconds for name, seconds, _r, _m in results[:4])
    print(f"| **file to offers in review** | {total:.1f} | {args.rows / total:,.0f} | |")


if __name__ == "__main__":
    main()
