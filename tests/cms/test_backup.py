"""``scripts/backup`` and ``scripts/restore`` on both databases: an installation with
offers and a picture is backed up, restored into a new empty installation, and the
restored one has the same offers, the same picture and answers the same searches."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests.cms.conftest import installation_env

BASE = Path(settings.BASE_DIR)

SETUP = """
from django.core.files.base import ContentFile
from django.utils import translation
from wagtail.images import get_image_model
from tests.factories import jpeg_with_gps, make_offer, make_site_tree
tree = make_site_tree()
make_offer(tree, "Sprachcafé", summary_de="Deutsch sprechen bei Kaffee.", slug="sprachcafe")
cafe = make_offer(tree, "Nähcafé", summary_de="Wir nähen zusammen.", slug="naehcafe")
image = get_image_model()(title="Nähmaschine")
image.file.save("naehmaschine.jpg", ContentFile(jpeg_with_gps()), save=False)
image.width, image.height = 640, 480
image.save()
cafe.image = image
with translation.override("de"):
    cafe.save_revision().publish()
"""

REPORT = """
import json
from pathlib import Path
from directory.models import OfferPage
from search.interface import search
from search.query import OfferQuery
offers = sorted(OfferPage.objects.live().values_list("title_de", flat=True))
cafe = OfferPage.objects.get(slug="naehcafe")
with cafe.image.file.open("rb") as f:  # from the disk or the bucket, whichever is configured
    picture = f.read()
found = [h.offer.title_de for h in search(OfferQuery(text="nähen")).hits]
print(json.dumps({"offers": offers, "picture": picture.hex()[:64],
                  "picture_size": len(picture), "found": found}))
"""


def _run(env: dict, *command: str) -> str:
    done = subprocess.run(
        list(command), cwd=BASE, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, (command, done.stdout[-1500:], done.stderr[-3000:])
    return done.stdout


def _installation(root: Path, database_url: str | None, media: dict | None = None) -> dict:
    env = installation_env(root, MEDIA_ROOT=str(root / "media"))
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(media or {})
    return env


def _report(env: dict) -> dict:
    out = _run(env, str(BASE / ".venv/bin/python"), "manage.py", "shell", "-c", REPORT)
    return json.loads(out.strip().splitlines()[-1])


def _round_trip(
    tmp_path: Path,
    source_url: str | None,
    target_url: str | None,
    media: Callable[[], dict] = dict,
) -> None:
    """Back up an installation and restore it into a new one; ``media`` gives each
    installation its media settings (nothing: local disk)."""
    python = str(BASE / ".venv/bin/python")
    source = _installation(tmp_path / "source", source_url, media())
    _run(source, python, "manage.py", "migrate", "--noinput")
    _run(source, python, "manage.py", "shell", "-c", SETUP)
    before = _report(source)
    assert before["offers"] == ["Nähcafé", "Sprachcafé"] and before["found"] == ["Nähcafé"]

    folder = tmp_path / "backup"
    _run(source, str(BASE / "scripts/backup"), str(folder))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["offers"] == 2 and any(
        entry["path"].endswith(".jpg") for entry in manifest["media"]
    )

    target = _installation(tmp_path / "target", target_url, media())
    out = _run(target, str(BASE / "scripts/restore"), str(folder))
    assert "the search index is rebuilt" in out
    assert _report(target) == before

    # A second restore into the now filled installation is refused, and changes nothing.
    again = subprocess.run(
        [str(BASE / "scripts/restore"), str(folder)],
        cwd=BASE,
        env=target,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode != 0 and "not empty" in again.stderr
    # A damaged backup is refused before anything is written.
    picture = next((folder / "media").rglob("*.jpg"))
    picture.write_bytes(b"not the picture")
    broken = subprocess.run(
        [str(BASE / "scripts/restore"), str(folder)],
        cwd=BASE,
        env=_installation(tmp_path / "third", target_url and _other_database(target_url), media()),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert broken.returncode != 0 and "damaged" in broken.stderr


def test_backup_and_restore_on_sqlite(tmp_path):
    _round_trip(tmp_path, None, None)


def test_backup_and_restore_with_media_in_a_bucket(tmp_path, s3_endpoint):
    """Several web servers share media through S3: the backup reads the source bucket and
    the restore fills the new installation's empty bucket, through the same storage API."""
    from tests.fakes.s3_server import CREDENTIALS, keys, new_bucket

    buckets: list[str] = []

    def media() -> dict:
        buckets.append(new_bucket(s3_endpoint))
        return {
            "MEDIA_S3_BUCKET": buckets[-1],
            "MEDIA_S3_ENDPOINT_URL": s3_endpoint,
            "MEDIA_S3_REGION": CREDENTIALS["region_name"],
            "MEDIA_S3_ACCESS_KEY_ID": CREDENTIALS["access_key"],
            "MEDIA_S3_SECRET_ACCESS_KEY": CREDENTIALS["secret_key"],
        }

    _round_trip(tmp_path, None, None, media)
    source, target = buckets[0], buckets[1]
    assert keys(s3_endpoint, source, "media/original_images/")
    assert keys(s3_endpoint, target, "media/") == keys(s3_endpoint, source, "media/")
    assert not list((tmp_path / "source").rglob("naehmaschine*"))  # nothing on the disk


_created: list[str] = []


def _other_database(url: str) -> str:
    """A new, empty database on the same PostgreSQL server."""
    import psycopg

    parts = urlsplit(url)
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    _created.append(name)
    return urlunsplit(parts._replace(path=f"/{name}"))


def test_backup_and_restore_on_postgresql(tmp_path):
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        if os.environ.get("GEMEINSAM_REQUIRE_POSTGRES") == "1":
            pytest.fail("DATABASE_URL must point at the test command's PostgreSQL")
        pytest.skip("no PostgreSQL server (scripts/test starts one)")
    import psycopg

    try:
        _round_trip(tmp_path, _other_database(server), _other_database(server))
    finally:
        admin = urlunsplit(urlsplit(server)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in _created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _created.clear()
