"""An import's steps over time: upload, mapping, check, import — the last two as background jobs.

A file of 2,000 rows takes longer to check and write than a request may last,
so the check and the import run in the importer's background thread
(``directory.background``) and write their progress onto the batch; the admin
page shows it. Each written row is recorded (``OfferImport``), so an import cut
short (a restart) continues where it stopped and never writes a row twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import background
from ..models import ImportBatch, ImportColumnMapping, OfferImport
from . import columns, hsds_reading
from .applying import Writer
from .cells import record_from_cells
from .checking import Outcome, check_records, last_fingerprints, tally
from .reading import read_table
from .records import OfferRecord, Problem, from_json, to_json

logger = logging.getLogger("gemeinsam.imports")
PROGRESS_EVERY = 25  # rows between two progress writes: often enough for the page, cheap
STALLED_AFTER = dt.timedelta(minutes=5)


def upload(content: bytes, file_name: str, *, user=None, trusted=False, on_duplicate="update"):
    """A new batch for an uploaded file; raises ``reading.ReadError`` for a file we cannot read.

    An HSDS package needs no mapping and goes straight to the check.
    """
    batch = ImportBatch(
        file_name=file_name[:255], created_by=user, trusted=trusted, on_duplicate=on_duplicate
    )
    if hsds_reading.is_package(content):
        records = hsds_reading.read_package(content)
        batch.format = ImportBatch.Format.HSDS
        batch.status = ImportBatch.Status.CHECKING
        batch.records = [{"record": to_json(r)} for r in records]
        batch.total = len(records)
        batch.save()
        start_check(batch)
        return batch
    table = read_table(content, file_name)
    batch.format = ImportBatch.Format.SPREADSHEET
    batch.status = ImportBatch.Status.MAPPING
    batch.headers = table.headers
    batch.rows = [[number, cells] for number, cells in table.rows]
    batch.total = len(table.rows)
    batch.mapping = columns.automatic_mapping(table.headers, remembered_mapping())
    batch.save()
    return batch


def remembered_mapping() -> dict[str, str]:
    """Normalised header → field, as moderators mapped them before."""
    return dict(ImportColumnMapping.objects.values_list("header", "key"))


def mapping_problems(mapping: list[str]) -> list[str]:
    """What is wrong with a mapping: required fields missing, a field chosen twice."""
    problems = []
    chosen = [key for key in mapping if key]
    for key in columns.required_keys():
        if key not in chosen:
            problems.append(
                _('No column is mapped to "%(field)s", which every offer needs.')
                % {"field": dict(columns.field_choices())[key]}
            )
    for key in sorted({key for key in chosen if chosen.count(key) > 1}):
        problems.append(
            _('Two columns are mapped to "%(field)s"; choose one.')
            % {"field": dict(columns.field_choices())[key]}
        )
    return problems


def set_mapping(batch: ImportBatch, mapping: list[str]) -> None:
    """Keep the moderator's mapping, remember its choices for unknown headers, start the check."""
    known = columns.known_headers()
    for header, key in zip(batch.headers, mapping, strict=True):
        name = columns.normalise_header(header)
        if name and known.get(name, columns.IGNORE) != key:
            ImportColumnMapping.objects.update_or_create(header=name[:200], defaults={"key": key})
    batch.mapping = mapping
    batch.status = ImportBatch.Status.CHECKING
    batch.done = 0
    batch.save()
    start_check(batch)


def table_records(headers: list[str], rows, mapping: list[str]) -> list[OfferRecord]:
    """Spreadsheet rows ([row number, cells]) as records, through ``mapping``."""
    keys = [(index, key) for index, key in enumerate(mapping) if key]
    names = {key: headers[index] for index, key in keys}
    return [
        record_from_cells(number, {key: cells[index] for index, key in keys}, names)
        for number, cells in rows
    ]


def _run(kind: str, function, batch: ImportBatch) -> None:
    if settings.IMPORT_INLINE:
        function(batch.pk)
        return
    # The thread must see the batch the request is saving: start it after the commit.
    transaction.on_commit(lambda: background.run(kind, function, batch.pk, inline=False))


def start_check(batch: ImportBatch) -> None:
    """Check the batch's rows in the background."""
    _run("import", check_batch, batch)


def start_import(batch: ImportBatch, *, resuming: bool = False) -> bool:
    """Write the batch's checked rows in the background; False if it was started already.

    The status moves in one UPDATE, so a double click starts one import, not two.
    """
    expected = ImportBatch.Status.IMPORTING if resuming else ImportBatch.Status.CHECKED
    moved = ImportBatch.objects.filter(pk=batch.pk, status=expected).update(
        status=ImportBatch.Status.IMPORTING, done=0, updated_at=timezone.now()
    )
    if moved:
        _run("import", import_batch, batch)
    return bool(moved)


def _progress(batch_id: int):
    def report(done: int) -> None:
        if done % PROGRESS_EVERY == 0:
            ImportBatch.objects.filter(pk=batch_id).update(done=done, updated_at=timezone.now())

    return report


def check_batch(batch_id: int) -> None:
    """The check: each row's outcome, stored on the batch. Nothing else is written."""
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        if batch.format == ImportBatch.Format.SPREADSHEET:
            records = table_records(batch.headers, batch.rows, batch.mapping)
        else:
            records = [from_json(item["record"]) for item in batch.records]
        own = {}
        if batch.format == ImportBatch.Format.HSDS:
            own = hsds_reading.own_offers([r.uid for r in records])
        last = last_fingerprints()
        outcomes = check_records(
            records,
            on_duplicate=batch.on_duplicate,
            own_offers=own,
            last_imports=last,
            progress=_progress(batch_id),
        )
    except Exception as error:  # noqa: BLE001 - shown to the moderator, logged in full
        logger.exception("Checking import %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.FAILED, error=str(error)[:2000]
        )
        return
    batch.records = [
        {"record": to_json(r), "outcome": _outcome_json(o)}
        for r, o in zip(records, outcomes, strict=True)
    ]
    batch.status = ImportBatch.Status.CHECKED
    batch.done = len(records)
    batch.save(update_fields=["records", "status", "done", "updated_at"])


def _outcome_json(outcome: Outcome) -> dict:
    return {
        "decision": outcome.decision,
        "match": outcome.match,
        "duplicate_of_row": outcome.duplicate_of_row,
        "problems": [{"column": p.column, "message": p.message} for p in outcome.problems],
    }


def outcome_of(item: dict) -> Outcome:
    """The stored outcome of one of a batch's records."""
    data = item["outcome"]
    return Outcome(
        data["decision"],
        match=data["match"],
        duplicate_of_row=data["duplicate_of_row"],
        problems=[Problem(**p) for p in data["problems"]],
    )


def import_batch(batch_id: int) -> None:
    """Write the rows the check found new or changed; rows already written are passed over."""
    batch = ImportBatch.objects.get(pk=batch_id)
    written = set(OfferImport.objects.filter(batch=batch).values_list("row", flat=True))
    report = _progress(batch_id)
    try:
        writer = Writer(
            file_name=batch.file_name, trusted=batch.trusted, user=batch.created_by, batch=batch
        )
        for done, item in enumerate(batch.records, start=1):
            record = from_json(item["record"])
            if record.row not in written:
                writer.write(record, outcome_of(item))
            report(done)
    except Exception as error:  # noqa: BLE001 - shown to the moderator, logged in full
        logger.exception("Import %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.FAILED, error=str(error)[:2000]
        )
        return
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.DONE, done=len(batch.records), updated_at=timezone.now()
    )


def stalled(batch: ImportBatch) -> bool:
    """A check or import that has not moved for a while (its process was restarted)."""
    running = batch.status in (ImportBatch.Status.CHECKING, ImportBatch.Status.IMPORTING)
    return running and timezone.now() - batch.updated_at > STALLED_AFTER


def resume(batch: ImportBatch) -> None:
    """Start a stalled check or import again; an import continues after its last written row."""
    if batch.status == ImportBatch.Status.CHECKING:
        start_check(batch)
    elif batch.status == ImportBatch.Status.IMPORTING:
        start_import(batch, resuming=True)


def counts(batch: ImportBatch) -> dict[str, int]:
    """How many rows the check found of each decision."""
    return tally(item["outcome"]["decision"] for item in batch.records if "outcome" in item)


def imported_offers(batch: ImportBatch) -> models.QuerySet:
    """The rows this batch wrote, with their offers."""
    return OfferImport.objects.filter(batch=batch).select_related("offer").order_by("row")
