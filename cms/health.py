"""``GET /healthz``: whether this web server can serve, for load balancers and monitoring.

200 while the database and the cache answer (a search engine outage only degrades:
the database backend answers searches); 503 when either fails. The body names each
part's state and nothing else: no hosts, versions, paths or error texts.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from search.health import engine_state

logger = logging.getLogger("gemeinsam.health")


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - reported as a state, logged for the operator
        logger.error("Health check: the database failed: %s", error)
        return "failed"
    return "ok"


def _cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", 10)
        found = cache.get(key)
        cache.delete(key)
    except Exception as error:  # noqa: BLE001
        logger.error("Health check: the cache failed: %s", error)
        return "failed"
    return "ok" if found == "1" else "failed"


@never_cache
@require_GET
def healthz(request) -> JsonResponse:
    """The state of the database, the cache and the search engine."""
    database = _database()
    parts = {"database": database, "cache": _cache() if database == "ok" else "unknown"}
    try:
        search = engine_state() if database == "ok" else {"state": "unknown"}
    except Exception as error:  # noqa: BLE001
        logger.error("Health check: the search state failed: %s", error)
        search = {"state": "unknown"}
    serving = parts["database"] == "ok" and parts["cache"] == "ok"
    body = {"status": "ok" if serving else "failing", **parts, "search": search}
    if serving and search.get("engine") == "database" and search.get("state") != "database":
        body["status"] = "degraded"  # Elasticsearch is configured but the database answers
    return JsonResponse(body, status=200 if serving else 503)
