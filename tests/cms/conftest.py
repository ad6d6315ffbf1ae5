"""Fixtures for the site-shell tests: the search tests' Elasticsearch node where needed, and
an embedded installation served by gunicorn."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.search.conftest import _fresh_outage_state, use_elasticsearch  # noqa: F401

BASE = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def installation_env(var: Path, **settings_: str) -> dict:
    """The environment of a new embedded installation in ``var``, apart from the test
    run's own services, with ``settings_`` on top."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "ELASTICSEARCH_URL", "MACHINE_TRANSLATION"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        GEMEINSAM_VAR_DIR=str(var),
        LOG_LEVEL="ERROR",
        SEMANTIC_SEARCH="0",
        **settings_,
    )
    return env


@pytest.fixture(scope="module")
def embedded_site(tmp_path_factory):
    """A fresh embedded installation served by gunicorn with three workers."""
    var = tmp_path_factory.mktemp("embedded")
    env = installation_env(
        var,
        EMAIL_URL="locmem://",
        RATE_LIMIT_SUBMISSIONS="1000",
        RATE_LIMIT_SUBMISSION_STEPS="100000",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "shell", "-c", "from tests.factories import make_site_tree; make_site_tree()")
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cms.wsgi",
            "--workers",
            "3",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
        ],
        cwd=BASE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(var / "gunicorn.log").open("w"),
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/de/submit/what/", timeout=30).status_code == 200:
                break
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("gunicorn did not answer: " + (var / "gunicorn.log").read_text()[-2000:])
    yield url, env
    server.terminate()
    server.wait(timeout=30)
