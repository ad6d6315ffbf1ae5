"""The search engine's state for monitoring (``/healthz``): no addresses, no secrets."""

from __future__ import annotations

from elasticsearch import NotFoundError

from . import elastic_index
from .elastic_connection import client, is_configured
from .models import PendingIndexUpdate


def engine_state() -> dict:
    """Which engine answers and how the cluster is, plus the index updates waiting for retry.

    ``state`` is "database" without Elasticsearch, else the cluster's colour
    ("green", "yellow", "red"), "unreachable", or "outdated" (an index built for
    another version of the code: ``search_index rebuild``); in the last three cases
    the database answers searches, so the site still serves.
    """
    queued = PendingIndexUpdate.objects.count()
    if not is_configured():
        return {"engine": "database", "state": "database", "queued_index_updates": queued}
    try:
        health = client().cluster.health(timeout="2s")
        state = str(health["status"])
    except Exception:  # noqa: BLE001 - any failure means: not reachable from here
        state = "unreachable"
    if state in ("green", "yellow"):
        try:
            if elastic_index.live_schema() != elastic_index.SCHEMA:
                state = "outdated"
        except NotFoundError:
            state = "outdated"  # no index yet: nothing to search until the rebuild
        except Exception:  # noqa: BLE001 - as above
            state = "unreachable"
    engine = "database" if state in ("unreachable", "red", "outdated") else "elasticsearch"
    return {"engine": engine, "state": state, "queued_index_updates": queued}
