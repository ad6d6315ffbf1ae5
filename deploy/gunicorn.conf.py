"""gunicorn settings for Gemeinsam behind a reverse proxy (docs/OPERATIONS.md).

Values come from the environment so one file serves every installation.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Requests are short and mostly wait on the database or Elasticsearch: two workers per
# core keep the cores busy without swapping (each worker holds ~150-250 MB).
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
# A search or a publication that takes longer than this is stuck, not slow.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Restart workers now and then, staggered, so slow leaks never add up. Not too often: a
# restart empties the worker's page cache (cms/page_cache.py); at 150 requests/s on three
# workers, 2000 meant a restart every 40 s.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000
# Load the application once in the master: workers share its memory (copy on write)
# and start answering at once.
preload_app = True
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"


def when_ready(server):
    """Before the workers fork: load what the first searches would otherwise wait for
    (the gazetteer of places, the word analysers), once, shared by every worker."""
    if preload_app:
        from cms.warm_up import warm_up

        warm_up()
