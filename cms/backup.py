"""Backing up and restoring an installation: the database, the media files and a manifest.

A backup folder holds ``database.sqlite3`` (SQLite's online backup, consistent
while the site runs) or ``database.dump`` (``pg_dump``'s custom format),
``media/`` (a copy of the media storage: MEDIA_ROOT or the S3 bucket) and
``manifest.json`` (what was saved, with a checksum per file). A restore goes into an
*empty* installation only, so it can never overwrite a running directory; the search
index is rebuilt afterwards by the caller (``manage.py restore`` does it), because
indexes are derived data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


@dataclass(frozen=True)
class Summary:
    """What a backup holds, as its manifest says."""

    database: str
    offers: int
    media_files: int


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_tool(name: str) -> str:
    """The PostgreSQL client program ``name``: PG_BINDIR, else the newest Debian one, else PATH."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]) / name)
    candidates += sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is missing (Debian: apt-get install postgresql-client).")
    return found


def _pg_url() -> str:
    """A libpq connection URL for the default database (the password goes by PGPASSWORD)."""
    db = settings.DATABASES["default"]
    host = db.get("HOST") or "localhost"
    port = db.get("PORT") or 5432
    user = db.get("USER") or ""
    return f"postgresql://{user}@{host}:{port}/{db['NAME']}"


def _pg_env() -> dict:
    env = dict(os.environ)
    if settings.DATABASES["default"].get("PASSWORD"):
        env["PGPASSWORD"] = settings.DATABASES["default"]["PASSWORD"]
    return env


def _run(command: list[str]) -> None:
    # No shell; the program is PostgreSQL's own client, its arguments our paths and URL.
    done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file in the media storage, as storage names ("original_images/x.jpg").

    Through the storage API, so a backup is the same from the local disk or a bucket.
    """
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:  # MEDIA_ROOT not created yet: nothing uploaded
        return
    for name in sorted(names):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _media_names(storage, f"{folder}/{sub}" if folder else sub)


def _count_offers() -> int:
    from directory.models import OfferPage

    return OfferPage.objects.count()


def backup(target: Path) -> Summary:
    """Write the database, the media files and the manifest into the new folder ``target``."""
    engine = _engine()
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; choose a new folder for each backup.")
    target.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        connection.ensure_connection()
        # SQLite's backup API copies a consistent state even while workers write.
        with sqlite3.connect(target / "database.sqlite3") as copy:
            connection.connection.backup(copy)
        database = "database.sqlite3"
    else:
        database = "database.dump"
        _run(
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target / database)]
            + ["--dbname", _pg_url()]
        )
    files = []
    for name in _media_names(default_storage):
        path = target / "media" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, path.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1 << 20)
        files.append({"path": name, "size": path.stat().st_size, "sha256": _sha256(path)})
    manifest = {
        "format": FORMAT,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": engine,
        "database_file": database,
        "database_sha256": _sha256(target / database),
        "offers": _count_offers(),
        "media": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return Summary(engine, manifest["offers"], len(files))


def read_manifest(source: Path) -> dict:
    """The backup's manifest, with every file checked against its checksum."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: not a backup folder.")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    if _sha256(source / manifest["database_file"]) != manifest["database_sha256"]:
        raise BackupError("The database file does not match its checksum: the backup is damaged.")
    for entry in manifest["media"]:
        file = source / "media" / entry["path"]
        if not file.is_file() or _sha256(file) != entry["sha256"]:
            raise BackupError(f"Media file {entry['path']} is missing or damaged.")
    return manifest


def _is_empty() -> bool:
    """Whether this installation's database holds no tables yet."""
    return not connection.introspection.table_names()


def restore(source: Path) -> Summary:
    """Restore the backup in ``source`` into this empty installation (database and media)."""
    manifest = read_manifest(source)
    engine = _engine()
    if manifest["database"] != engine:
        raise BackupError(
            f"The backup is of a {manifest['database']} database; this installation uses {engine}."
        )
    if not _is_empty():
        raise BackupError("The database is not empty: restore only into a new installation.")
    if any(True for _name in _media_names(default_storage)):
        raise BackupError("The media storage is not empty: restore only into a new installation.")
    if engine == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source / manifest["database_file"]) as saved:
            saved.backup(connection.connection)
    else:
        connection.close()
        _run(
            [_pg_tool("pg_restore"), "--no-owner", "--single-transaction", "--exit-on-error"]
            + ["--dbname", _pg_url(), str(source / manifest["database_file"])]
        )
    for entry in manifest["media"]:
        with (source / "media" / entry["path"]).open("rb") as saved:
            stored = default_storage.save(entry["path"], File(saved))
        if stored != entry["path"]:
            raise BackupError(f"Media file {entry['path']} was stored as {stored}.")
    connection.close()  # the next query sees the restored tables
    return Summary(engine, manifest["offers"], len(manifest["media"]))
