"""Work that must not hold up a request: one worker thread per kind of job, per process.

Publishing an offer embeds its texts (``search.semantic``) and asks a machine
translation service (``directory.auto_translate``); neither may make a
moderator wait. Each kind of job gets one thread, so jobs of one kind run in
order. ``inline`` runs the job at once instead: tests, commands, and SQLite,
whose single writer would otherwise be contended by the thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import close_old_connections, connections

logger = logging.getLogger("gemeinsam.background")
_executors: dict[str, ThreadPoolExecutor] = {}
_lock = threading.Lock()


def run(kind: str, function: Callable[..., object], *args: object, inline: bool) -> Future | None:
    """Run ``function(*args)`` in the thread for ``kind`` (or now, when ``inline``)."""
    if inline:
        function(*args)
        return None
    with _lock:
        if kind not in _executors:
            _executors[kind] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=kind)
        executor = _executors[kind]

    def job() -> None:
        try:
            function(*args)
        except Exception:  # noqa: BLE001 - logged; each caller has its own way to catch up
            logger.exception("Background job %s failed", kind)
        finally:
            close_old_connections()

    return executor.submit(job)


def drain(kind: str) -> None:
    """Wait for every queued job of ``kind`` (a command that must finish, or a test)."""
    with _lock:
        executor = _executors.pop(kind, None)
    if executor is not None:
        # The thread ends here: its database connections go with it, not left to linger.
        executor.submit(connections.close_all)
        executor.shutdown(wait=True)
