"""``/healthz``: each part's state, 200 while the site can serve, 503 when it cannot."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings

from search.models import PendingIndexUpdate


def run_python(script: str, env: dict) -> subprocess.CompletedProcess:
    """``script`` in a new Python process with ``env``: a site configured differently."""
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@pytest.mark.django_db
def test_without_a_search_server_the_database_answers(client, settings):
    settings.ELASTICSEARCH_URL = ""
    PendingIndexUpdate.objects.create(offer_id=1, error="timeout")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "search": {"engine": "database", "state": "database", "queued_index_updates": 1},
    }


@pytest.mark.django_db
def test_an_unreachable_search_server_degrades_but_serves(client, settings):
    port = closed_port()
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{port}"
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded"
    assert body["search"]["state"] == "unreachable" and body["search"]["engine"] == "database"
    assert str(port) not in response.content.decode()  # no addresses in the answer


@pytest.mark.django_db
def test_a_running_search_server_is_reported(client, use_elasticsearch):
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["search"]["engine"] == "elasticsearch"
    assert body["search"]["state"] in {"green", "yellow"}


def test_a_database_that_does_not_answer_gives_503(tmp_path):
    """A web server whose PostgreSQL is gone: 503, and the body says which part failed."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"postgres://nobody@127.0.0.1:{closed_port()}/gone",
        "GEMEINSAM_VAR_DIR": str(tmp_path),
        "ELASTICSEARCH_URL": "",
        "LOG_LEVEL": "CRITICAL",
    }
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz', HTTP_HOST='127.0.0.1')\n"
        "print(json.dumps([r.status_code, json.loads(r.content)]))\n"
    )
    done = run_python(script, env)
    assert done.returncode == 0, done.stderr[-2000:]
    status, body = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 503
    assert body["status"] == "failing" and body["database"] == "failed"
    assert "nobody" not in done.stdout and "gone" not in json.dumps(body)


def test_json_logs_are_one_object_per_line(tmp_path):
    """LOG_FORMAT=json: what the site logs is machine-readable, exceptions included."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.dev", "LOG_FORMAT": "json"}
    env["GEMEINSAM_VAR_DIR"] = str(tmp_path)
    env.pop("DATABASE_URL", None)
    script = (
        "import django, logging; django.setup()\n"
        "log = logging.getLogger('gemeinsam.search')\n"
        "log.warning('Zeile mit \"Anführungszeichen\"\\nund Umbruch')\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    log.exception('kaputt')\n"
    )
    done = run_python(script, env)
    lines = [json.loads(line) for line in done.stderr.strip().splitlines()]
    assert [(entry["level"], entry["logger"]) for entry in lines] == [
        ("WARNING", "gemeinsam.search"),
        ("ERROR", "gemeinsam.search"),
    ]
    assert lines[0]["message"] == 'Zeile mit "Anführungszeichen"\nund Umbruch'
    assert "ZeroDivisionError" in lines[1]["exception"]
