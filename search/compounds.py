"""Split German compound words against a dictionary, for both backends alike.

"Frauentreff" is "Frauen" + "Treff", "Hausaufgabenhilfe" is "Hausaufgaben" +
"Hilfe". The offer index stores the parts' terms next to the whole word's,
and a query word that splits also matches an offer that has all its parts,
so "Frauentreff" finds "Treff für Frauen" and "Kurs" finds "Deutschkurs".

The dictionary is ``thesaurus/data/german_words.txt``, a reviewed list of
words that stand as parts; ordinary compounds are left out of it on purpose
(a word in the list is not split). Words are compared folded
(``analysis.fold``), so "Fußball" and "Fussball" split alike. The list is
fixed at deploy time: the index stores parts, so queries must split alike.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from . import analysis

WORD_LIST = Path(__file__).parent / "thesaurus" / "data" / "german_words.txt"
MIN_PART = 3  # shorter parts would split "Verein" into "ver" + "ein"
MIN_WORD = 6
MAX_PARTS = 3
# Linking elements German puts between parts (Arbeit-s-markt, Frau-en-treff is in the list).
LINKS = ("", "s", "es", "n", "en", "e", "er")


@lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """Folded words that may stand as parts of a compound."""
    words: set[str] = set()
    if WORD_LIST.is_file():
        for line in WORD_LIST.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(analysis.fold(line))
    return frozenset(w for w in words if len(w) >= MIN_PART)


def split(word: str) -> list[str]:
    """The parts of a German compound (folded), or ``[]`` if ``word`` does not split.

    The split with the fewest parts wins; among those, the one with the fewest
    linking letters, then the longest first part ("Turn-gruppe", not "Tur-n-gruppe").
    """
    folded = analysis.fold(word)
    if len(folded) < MIN_WORD:
        return []
    best = _split(folded, dictionary(), MAX_PARTS)
    return list(best) if best and len(best) > 1 else []


@lru_cache(maxsize=50_000)
def _split(word: str, known: frozenset[str], parts_left: int) -> tuple[str, ...] | None:
    if word in known:
        return (word,)
    if parts_left <= 1:
        return None
    best: tuple[str, ...] | None = None
    for end in range(MIN_PART, len(word) - MIN_PART + 1):
        head = word[:end]
        if head not in known:
            continue
        for link in LINKS:
            rest_start = end + len(link)
            if word[end:rest_start] != link or len(word) - rest_start < MIN_PART:
                continue
            tail = _split(word[rest_start:], known, parts_left - 1)
            if tail is None:
                continue
            candidate = (head, *tail)
            if best is None or _preference(candidate) < _preference(best):
                best = candidate
    return best


def _preference(parts: tuple[str, ...]) -> tuple[int, int, int]:
    return (len(parts), -sum(len(p) for p in parts), -len(parts[0]))


@lru_cache(maxsize=65536)  # asked for every German word indexed or searched
def part_terms(word: str) -> tuple[str, ...]:
    """The German search terms of a compound's parts (empty if it does not split)."""
    return tuple(analysis.analyse_word(part, "de") for part in split(word))


def terms_with_parts(text: str) -> list[str]:
    """The German terms of ``text`` and, after each compound, its parts' terms."""
    found: list[str] = []
    for word in analysis.words(text):
        if analysis.is_stopword(word, "de"):
            continue
        found.append(analysis.analyse_word(word, "de"))
        found.extend(part_terms(word))
    return found
