"""``manage.py generate_offers --count N``: add N synthetic offers in bulk (benchmarks)."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation

from cms.synthetic import generate_offers
from directory.i18n import SOURCE_LANGUAGE


class Command(BaseCommand):
    help = "Add N synthetic but realistic live offers for benchmarks (needs load_demo first)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="How many offers to add.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (same seed, same data)."
        )
        parser.add_argument(
            "--organisations",
            type=int,
            default=None,
            help="How many organisations (default N/200).",
        )
        parser.add_argument(
            "--no-index", action="store_true", help="Skip rebuilding the search indexes afterwards."
        )

    def handle(self, *args, count, seed, organisations, no_index, **options):
        started = time.monotonic()

        def progress(done: int) -> None:
            self.stdout.write(f"\r  {done}/{count} offers", ending="")
            self.stdout.flush()

        with translation.override(SOURCE_LANGUAGE):
            result = generate_offers(
                count, seed=seed, organisations=organisations, progress=progress
            )
        seconds = time.monotonic() - started
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.offers} offers and {result.organisations} organisations "
                f"in {seconds:.1f} s ({result.offers / seconds:.0f} offers/s)."
            )
        )
        if not no_index:
            # Bulk inserts bypass the publish signals, so the indexes are rebuilt in one go.
            call_command("search_index", "rebuild", stdout=self.stdout)
