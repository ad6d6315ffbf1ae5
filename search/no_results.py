"""Help when a search finds nothing: did-you-mean, matching topics, the count without
filters or radius, and the nearest offers of the topic. Pages and the API show the same."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from directory.constants.categories import CATEGORIES
from directory.i18n import SOURCE_LANGUAGE

from . import analysis, compounds, thesaurus, understanding
from .query import OfferQuery, SearchHit

NEAREST_SHOWN = 3
MAX_TOPICS = 6


@dataclass
class Topic:
    """A category worth trying, named in the searcher's language."""

    category: str
    label: str


@dataclass
class SearchHelp:
    """What to try instead."""

    did_you_mean: str | None = None
    topics: list[Topic] = field(default_factory=list)
    without_filters: int | None = None  # offers for the same words without filters or radius
    nearest: list[SearchHit] = field(default_factory=list)  # beyond the radius, nearest first

    def as_json(self) -> dict:
        """The help as the API gives it (offers in ``nearest`` are turned to JSON by the API)."""
        return {
            "did_you_mean": self.did_you_mean,
            "topics": [dataclasses.asdict(t) for t in self.topics],
            "without_filters": self.without_filters,
        }


def _has_filters(query: OfferQuery) -> bool:
    return bool(
        any(query.filter_values().values())
        or query.free
        or query.accessible
        or query.childcare
        or query.open_on is not None
        or query.radius_km is not None
    )


_vocabularies: dict[tuple[int, str], list[str]] = {}
MAX_CORRECTED_WORDS = 8  # each unknown word is compared with the whole vocabulary


def _vocabulary(language: str) -> list[str]:
    """Words people type that the thesaurus knows, in ``language`` and German (cached
    until the thesaurus changes)."""
    known = thesaurus.current()
    key = (id(known), language)
    if key not in _vocabularies:
        if len(_vocabularies) > 32:
            _vocabularies.clear()
        _vocabularies[key] = _collect_vocabulary(known, language)
    return _vocabularies[key]


def _collect_vocabulary(known: thesaurus.Thesaurus, language: str) -> list[str]:
    words: set[str] = set()
    for concept in known.concepts.values():
        for phrase_language in dict.fromkeys([language, SOURCE_LANGUAGE]):
            for phrase in concept.phrases.get(phrase_language, ()):
                words.update(analysis.words(phrase))
    words |= set(compounds.dictionary())
    return sorted(w for w in words if len(w) >= 3)


def correction(text: str, language: str) -> str | None:
    """``text`` with each unknown word replaced by the closest known word, if any changed."""
    vocabulary = _vocabulary(language)
    known = frozenset(vocabulary)
    changed = False
    corrected = []
    for position, word in enumerate(analysis.words(text)):
        skip = word in known or len(word) < 4 or analysis.is_stopword(word, language)
        if skip or position >= MAX_CORRECTED_WORDS:
            corrected.append(word)
            continue
        allowed = 1 if len(word) <= 5 else 2
        best = process.extractOne(word, vocabulary, scorer=OSA.distance, score_cutoff=allowed)
        if best is not None and best[0] != word:
            corrected.append(best[0])
            changed = True
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else None


def topics(text: str, language: str, found_elsewhere: dict[str, int]) -> list[Topic]:
    """Categories worth trying: where the same words find offers without filters (most
    first); else those of the concepts the query names; else every category."""
    labels = {slug: str(label) for slug, label, _icon in CATEGORIES}
    slugs = sorted(found_elsewhere, key=lambda slug: (-found_elsewhere[slug], slug))
    if not slugs and text.strip():
        known = thesaurus.current()
        for concept_id in understanding.interpret(text, language).concepts:
            slugs += known.concepts[concept_id].categories
    wanted = list(dict.fromkeys(slugs)) or list(labels)
    return [Topic(slug, labels[slug]) for slug in wanted[:MAX_TOPICS] if slug in labels]


def help_for(query: OfferQuery, search) -> SearchHelp:
    """Help for ``query``, which found nothing; ``search`` is the search interface's function."""
    found = SearchHelp()
    unfiltered = search(OfferQuery(text=query.text, language=query.language, page_size=1))
    if _has_filters(query):
        found.without_filters = unfiltered.count
    found.topics = topics(query.text, query.language, unfiltered.facets.get("category", {}))
    if query.text.strip():
        better = correction(query.text, query.language)
        if better and search(dataclasses.replace(query, text=better, page=1)).count:
            found.did_you_mean = better
    if query.near is not None and query.radius_km is not None:
        wider = dataclasses.replace(
            query, radius_km=None, sort="distance", page=1, page_size=NEAREST_SHOWN
        )
        found.nearest = search(wider).hits
    return found
