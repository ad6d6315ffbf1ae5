"""The embedded default under concurrent use: twenty strangers send their offer at the same
moment to a three-worker gunicorn on one SQLite file, and every offer is stored.

The server is a real subprocess (as ``scripts/run`` would serve it, but with gunicorn's
workers), driven through HTTP with real sessions and CSRF tokens; only the rate limits
are raised, since every request comes from 127.0.0.1.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings

from tests.cms.conftest import manage
from tests.http_submitter import submit

SUBMITTERS = 20
BASE = Path(settings.BASE_DIR)


def test_twenty_simultaneous_submissions_are_all_stored(embedded_site):
    base, env = embedded_site
    ready = threading.Barrier(SUBMITTERS)
    with ThreadPoolExecutor(SUBMITTERS) as pool:
        statuses = list(pool.map(lambda n: submit(base, n, ready), range(SUBMITTERS)))
    assert statuses == [302] * SUBMITTERS
    stored = manage(
        env,
        "shell",
        "-c",
        "from directory.models import OfferPage, OfferOwner; "
        "print(OfferPage.objects.filter(title__startswith='Nähcafé').count(), "
        "OfferOwner.objects.count())",
    )
    assert stored.strip().splitlines()[-1].split() == [str(SUBMITTERS), str(SUBMITTERS)]
