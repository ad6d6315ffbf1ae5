"""Import offers from a spreadsheet (CSV, XLSX) or an HSDS package, as the admin's import does.

    manage.py import_offers angebote.xlsx --dry-run
    manage.py import_offers angebote.csv --trusted --skip-duplicates

Columns are mapped by the template's names and the mappings moderators chose
before in the admin; other columns are left out (and listed). Every row is
checked first; ``--dry-run`` stops there and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from directory.imports import columns, hsds_reading, jobs
from directory.imports.applying import Writer
from directory.imports.checking import check_records, last_fingerprints, tally
from directory.imports.reading import ReadError, read_table
from directory.models import ImportBatch


class Command(BaseCommand):
    help = "Import offers from a CSV or XLSX spreadsheet or an Open Referral HSDS package (ZIP)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument(
            "--trusted", action="store_true", help="Publish at once instead of sending to review."
        )
        parser.add_argument(
            "--skip-duplicates",
            action="store_true",
            help="Leave offers that a row matches as they are (default: update them).",
        )
        parser.add_argument("--user", help="The moderator recorded as the importer (username).")

    def handle(self, *args, file: Path, dry_run: bool, trusted: bool, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            records = self._records(content, file.name)
        except ReadError as error:
            raise CommandError(str(error)) from error
        on_duplicate = "skip" if options["skip_duplicates"] else "update"
        with tqdm(total=len(records), desc="checking", unit="row", file=self.stderr) as bar:
            outcomes = check_records(
                records,
                on_duplicate=on_duplicate,
                own_offers=hsds_reading.own_offers([r.uid for r in records]),
                last_imports=last_fingerprints(),
                progress=lambda n: bar.update(1),
            )
        for record, outcome in zip(records, outcomes, strict=True):
            for problem in outcome.problems:
                self.stdout.write(f"row {record.row}, {problem.column}: {problem.message}")
        counts = tally(outcome.decision for outcome in outcomes)
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        batch = ImportBatch.objects.create(
            file_name=file.name[:255],
            format=ImportBatch.Format.HSDS
            if hsds_reading.is_package(content)
            else ImportBatch.Format.SPREADSHEET,
            status=ImportBatch.Status.IMPORTING,
            created_by=user,
            trusted=trusted,
            on_duplicate=on_duplicate,
            total=len(records),
        )
        writer = Writer(file_name=file.name, trusted=trusted, user=user, batch=batch)
        written = 0
        pairs = list(zip(records, outcomes, strict=True))
        for record, outcome in tqdm(pairs, desc="importing", unit="row", file=self.stderr):
            if writer.write(record, outcome) is not None:
                written += 1
        batch.status, batch.done = ImportBatch.Status.DONE, len(records)
        batch.save(update_fields=["status", "done", "updated_at"])
        where = "published" if trusted else "sent to review"
        self.stdout.write(f"{written} offers written and {where}.")

    def _records(self, content: bytes, name: str):
        if hsds_reading.is_package(content):
            return hsds_reading.read_package(content)
        table = read_table(content, name)
        mapping = columns.automatic_mapping(table.headers, jobs.remembered_mapping())
        ignored = [h for h, key in zip(table.headers, mapping, strict=True) if not key]
        if ignored:
            self.stderr.write("Columns not imported: " + ", ".join(ignored))
        if problems := jobs.mapping_problems(mapping):
            raise CommandError("\n".join(problems))
        return jobs.table_records(table.headers, table.rows, mapping)
