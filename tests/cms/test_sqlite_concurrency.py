"""The embedded default under concurrent use: twenty strangers send their offer at the same
moment to a three-worker gunicorn on one SQLite file, and every offer is stored.

The server is a real subprocess (as ``scripts/run`` would serve it, but with gunicorn's
workers), driven through HTTP with real sessions and CSRF tokens; only the rate limits
are raised, since every request comes from 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.conf import settings

SUBMITTERS = 20
BASE = Path(settings.BASE_DIR)
STEPS = {
    "what": {
        "title": "Nähcafé {n}",
        "kind": "activity",
        "categories": ["encounter-leisure"],
        "summary": "Wir nähen zusammen und sprechen Deutsch.",
    },
    "when": {"slot1_day": "2", "slot1_start": "10:00", "slot1_end": "12:00"},
    "where": {"format": "in_person", "postcode": "86956", "town": "Schongau"},
    "who": {"spoken_languages": ["de"], "is_free": "1"},
    "contact": {
        "organisation_name": "Nähkreis {n}",
        "org_type": "verein",
        "contact_phone": "0881 5550{n:03d}",
        "submitter_email": "naeh{n}@example.org",
        "privacy": "on",
    },
    "picture": {},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict, *args: str) -> str:
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


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory):
    """A fresh embedded installation served by gunicorn with three workers."""
    var = tmp_path_factory.mktemp("embedded")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "ELASTICSEARCH_URL", "MACHINE_TRANSLATION"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        GEMEINSAM_VAR_DIR=str(var),
        EMAIL_URL="locmem://",
        LOG_LEVEL="ERROR",
        RATE_LIMIT_SUBMISSIONS="1000",
        RATE_LIMIT_SUBMISSION_STEPS="100000",
        SEMANTIC_SEARCH="0",
    )
    _manage(env, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput")
    _manage(env, "shell", "-c", "from tests.factories import make_site_tree; make_site_tree()")
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


def _token(response: requests.Response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    assert found, (response.status_code, response.url)
    return found.group(1)


def _post_step(session: requests.Session, url: str, data: dict) -> requests.Response:
    page = session.get(url, timeout=60)
    assert page.status_code == 200, (url, page.status_code)
    return session.post(
        url,
        data={**data, "csrfmiddlewaretoken": _token(page)},
        headers={"Referer": url},
        timeout=120,
    )


def _submit(base: str, n: int, ready: threading.Barrier) -> int:
    """One stranger types the steps, waits for the others, then everyone sends at once."""
    session = requests.Session()
    for step, answers in STEPS.items():
        data = {
            key: value.format(n=n) if isinstance(value, str) else value
            for key, value in answers.items()
        }
        url = f"{base}/de/submit/{step}/"
        response = _post_step(session, url, data)
        if step == "where":
            assert 'name="confirm"' in response.text, response.status_code
            response = session.post(
                url,
                data={**data, "confirm": "1", "csrfmiddlewaretoken": _token(response)},
                headers={"Referer": url},
                timeout=120,
            )
        assert response.history or response.url != url, (step, response.status_code)
    review = session.get(f"{base}/de/submit/review/", timeout=60)
    assert review.status_code == 200
    ready.wait(timeout=300)
    sent = session.post(
        f"{base}/de/submit/review/",
        data={"csrfmiddlewaretoken": _token(review)},
        headers={"Referer": f"{base}/de/submit/review/"},
        timeout=120,
        allow_redirects=False,
    )
    return sent.status_code


def test_twenty_simultaneous_submissions_are_all_stored(sqlite_site):
    base, env = sqlite_site
    ready = threading.Barrier(SUBMITTERS)
    with ThreadPoolExecutor(SUBMITTERS) as pool:
        statuses = list(pool.map(lambda n: _submit(base, n, ready), range(SUBMITTERS)))
    assert statuses == [302] * SUBMITTERS
    stored = _manage(
        env,
        "shell",
        "-c",
        "from directory.models import OfferPage, OfferOwner; "
        "print(OfferPage.objects.filter(title__startswith='Nähcafé').count(), "
        "OfferOwner.objects.count())",
    )
    assert stored.strip().splitlines()[-1].split() == [str(SUBMITTERS), str(SUBMITTERS)]
