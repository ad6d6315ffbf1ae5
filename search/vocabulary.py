"""The distinct terms of the indexed offers per language, and what a typed word matches.

A typed word matches the terms that published offers contain (``OfferTerm``,
written in both modes): exactly, within Elasticsearch's AUTO edit distance
(same first letter, adjacent swaps count once) and by prefix. One vocabulary
per process, reloaded when the index generation changes, answers both the
expansions and whether a word is known at all (``search.understanding``).
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass

from . import analysis
from .models import IndexGeneration, OfferTerm
from .query import MATCH_WEIGHTS, MIN_PREFIX_LENGTH


@dataclass(frozen=True)
class Vocabulary:
    """The distinct indexed terms per language, as of one index generation."""

    generation: int
    terms: dict[str, list[str]]  # language -> sorted distinct terms

    def sorted_terms(self, language: str) -> list[str]:
        return self.terms.get(language, [])

    def contains(self, language: str, term: str) -> bool:
        terms = self.sorted_terms(language)
        position = bisect.bisect_left(terms, term)
        return position < len(terms) and terms[position] == term


_current: Vocabulary | None = None
_lock = threading.Lock()


def current() -> Vocabulary:
    """The vocabulary, reloaded when the index has been written since it was read."""
    global _current
    generation = IndexGeneration.current()
    with _lock:
        if _current is None or _current.generation != generation:
            found: dict[str, set[str]] = {}
            for language, term in OfferTerm.objects.values_list("language", "term").distinct():
                found.setdefault(language, set()).add(term)
            _current = Vocabulary(generation, {k: sorted(v) for k, v in found.items()})
        return _current


def _with_prefix(terms: list[str], prefix: str) -> list[str]:
    start = bisect.bisect_left(terms, prefix)
    end = bisect.bisect_left(terms, prefix + "\U0010ffff")
    return terms[start:end]


def expansions(word: str, language: str, known: list[str]) -> dict[str, str]:
    """Terms of ``known`` (sorted) that ``word`` matches in ``language``, with the kind of
    match: the analysed word itself ("exact", known or not), "fuzzy" or "prefix".
    A term matched two ways counts with the better one, as dis_max does."""
    term = analysis.analyse_word(word, language)
    found = {term: "exact"}

    def add(candidate: str, kind: str) -> None:
        if candidate not in found or MATCH_WEIGHTS[kind] > MATCH_WEIGHTS[found[candidate]]:
            found[candidate] = kind

    allowed = analysis.fuzziness(term)
    if allowed:
        for candidate in analysis.within_edits(term, _with_prefix(known, term[:1]), allowed):
            add(candidate, "fuzzy")
    prefix = analysis.prefix_term(word, language)
    if len(prefix) >= MIN_PREFIX_LENGTH:
        for candidate in _with_prefix(known, prefix):
            add(candidate, "prefix")
    return found
