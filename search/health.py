"""The search engine's state for monitoring (``/healthz``): no addresses, no secrets."""

from __future__ import annotations

from .elastic_connection import client, is_configured
from .models import PendingIndexUpdate


def engine_state() -> dict:
    """Which engine answers and how the cluster is, plus the index updates waiting for retry.

    ``state`` is "database" without Elasticsearch, else the cluster's colour
    ("green", "yellow", "red") or "unreachable"; an unreachable cluster means the
    database answers searches, so the site still serves.
    """
    queued = PendingIndexUpdate.objects.count()
    if not is_configured():
        return {"engine": "database", "state": "database", "queued_index_updates": queued}
    try:
        health = client().cluster.health(timeout="2s")
        state = str(health["status"])
    except Exception:  # noqa: BLE001 - any failure means: not reachable from here
        state = "unreachable"
    engine = "database" if state in ("unreachable", "red") else "elasticsearch"
    return {"engine": engine, "state": state, "queued_index_updates": queued}
