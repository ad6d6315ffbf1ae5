"""Load, once per process, what the first requests would otherwise wait seconds for.

gunicorn calls ``warm_up`` in its master before the workers fork
(``deploy/gunicorn.conf.py``), so every worker starts with it in shared memory:
the first search near a town used to take 3–4 s in each new worker.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger("gemeinsam.warm_up")


def warm_up() -> float:
    """Load the gazetteer and the word analysers; returns the seconds it took."""
    from django.db import connections

    from directory.gazetteer import resolve_place
    from search.analysis import analyse_word
    from search.understanding import interpret

    started = time.perf_counter()
    resolve_place("Weilheim")  # builds the gazetteer of German places and postcodes
    for language in ("de", "en", "ar", "uk", "ru", "tr", "fa", "ro"):
        analyse_word("kurs", language)
    try:
        interpret("Deutschkurs", "de")  # the thesaurus, compounds, the indexed vocabulary
    except Exception as error:  # noqa: BLE001 - a cold start is slower, never broken
        logger.warning("Warm-up skipped the vocabulary: %s", error)
    finally:
        # Forked workers must not share the master's database connection.
        connections.close_all()
    seconds = time.perf_counter() - started
    logger.info("Warmed up in %.1f s", seconds)
    return seconds
