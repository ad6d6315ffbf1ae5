"""What a query asks for: its *units* and, for each, the ways an offer can match it.

A unit is one typed word, or a phrase the thesaurus knows ("Deutsch lernen",
"کلاس آلمانی"). An offer covers a unit if any of its alternatives matches:

- the typed words themselves, in any language (``WordMatch``; the backends
  expand them exactly, by prefix and by edit distance as before);
- a known phrase's words all in one field (``TermsMatch``);
- the German search words of the unit's concepts (``TermsMatch`` in German);
- all parts of a German compound ("Frauentreff": Frau + Treff);
- the categories, kinds or target groups of the unit's concepts (``FacetMatch``).

Both backends score a unit as ``COVERAGE`` plus its best alternative's weight
and add the units up, so an offer covering more of the query always ranks
above one covering less, and within the same coverage the better matches
lead. Not every unit must match: see ``Interpretation.minimum_units``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from directory.i18n import SOURCE_LANGUAGE, site_languages

from . import analysis, compounds, thesaurus, vocabulary
from .query import (
    DISTANCE_RING_KM,
    DISTANCE_RINGS,
    MATCH_WEIGHTS,
    SOURCE_LANGUAGE_WEIGHT,
    OfferQuery,
    language_weight,
)
from .vocabulary import Vocabulary

COVERAGE = 100.0  # more than all of a query's alternative weights together
MAX_UNITS = 8  # words beyond these are ignored (a pasted paragraph is not a query)
CONCEPT_WEIGHT = SOURCE_LANGUAGE_WEIGHT * 0.9  # a thesaurus word: nearly as good as typing it
PARTS_WEIGHT = SOURCE_LANGUAGE_WEIGHT * 0.8
FACET_WEIGHT = 1.0


def coverage(query: OfferQuery) -> float:
    """What covering one unit counts for ``query``: more than all ring bonuses together
    when distance weighs in, so coverage still comes first."""
    return COVERAGE * (DISTANCE_RINGS + 1) if query.distance_weighs_in else COVERAGE


def ring_limits_km() -> list[float]:
    """The outer edges of the distance rings, nearest first."""
    return [DISTANCE_RING_KM * ring for ring in range(1, DISTANCE_RINGS + 1)]


def ring_bonus(distance_km: float) -> float:
    """What an offer ``distance_km`` away adds when distance weighs in: ``COVERAGE`` for
    each ring edge it lies within (the Elasticsearch query adds one constant score per
    edge), so a nearer ring outranks any better match in a farther one."""
    return COVERAGE * sum(1 for limit in ring_limits_km() if distance_km <= limit)


@dataclass(frozen=True)
class WordMatch:
    """The typed word, exactly, by prefix or fuzzily, in any language."""

    word: str


@dataclass(frozen=True)
class TermsMatch:
    """All ``terms`` (analysed, in ``language``) in one field of the offer."""

    language: str
    terms: tuple[str, ...]
    weight: float  # before the field weight


@dataclass(frozen=True)
class FacetMatch:
    """The offer has one of ``values`` in ``facet`` (category, kind, target_group)."""

    facet: str
    values: tuple[str, ...]
    weight: float = FACET_WEIGHT


Alternative = WordMatch | TermsMatch | FacetMatch


@dataclass(frozen=True)
class Unit:
    """One part of the query that an offer covers or not."""

    text: str
    alternatives: tuple[Alternative, ...]
    concepts: tuple[str, ...] = ()
    # A thesaurus concept, or a word some offer contains: a unit nobody ever wrote
    # (a Farsi word in a German-only directory) is not held against an offer.
    known: bool = False


@dataclass(frozen=True)
class Interpretation:
    """A query's units, in order."""

    units: tuple[Unit, ...] = field(default_factory=tuple)
    # The vocabulary the words were looked up in; the backends expand them in the same one.
    known_terms: Vocabulary | None = field(default=None, compare=False, repr=False)

    def terms_known(self) -> Vocabulary:
        return self.known_terms or vocabulary.current()

    @property
    def minimum_units(self) -> int:
        """How many units an offer must cover to be found: half of the known ones, at least 1."""
        known = sum(unit.known for unit in self.units)
        return max(1, -(-known // 2)) if self.units else 0

    @property
    def recognised(self) -> bool:
        """Whether any unit is known; semantic search only joins in then.

        Meaning vectors find a nearest offer for any string at all, "asdfgh"
        included; a query none of whose words anybody ever wrote finds nothing.
        """
        return any(unit.known for unit in self.units)

    @property
    def concepts(self) -> list[str]:
        """Ids of every concept the query names, in order."""
        return list(dict.fromkeys(c for unit in self.units for c in unit.concepts))


def _concept_alternatives(concept_ids: set[str], known: thesaurus.Thesaurus) -> list[Alternative]:
    alternatives: list[Alternative] = []
    facets: dict[str, set[str]] = {"category": set(), "kind": set(), "target_group": set()}
    for concept_id in sorted(concept_ids):
        concept = known.concepts[concept_id]
        alternatives += [
            TermsMatch(SOURCE_LANGUAGE, (term,), CONCEPT_WEIGHT)
            for term in concept.search_terms
            if term
        ]
        # "Fahrradtraining" also finds "Fahrrad-Training".
        for word in concept.search_words:
            parts = tuple(dict.fromkeys(compounds.part_terms(word)))
            if len(parts) > 1:
                alternatives.append(TermsMatch(SOURCE_LANGUAGE, parts, PARTS_WEIGHT))
        facets["category"] |= set(concept.categories)
        facets["kind"] |= set(concept.kinds)
        facets["target_group"] |= set(concept.target_groups)
    alternatives += [FacetMatch(name, tuple(sorted(v))) for name, v in facets.items() if v]
    return alternatives


def _phrase_alternatives(words: list[str], searcher_language: str) -> list[Alternative]:
    """A multi-word phrase as typed: all its words in one field, in any language."""
    alternatives: list[Alternative] = []
    for language in site_languages():
        terms = tuple(dict.fromkeys(analysis.analyse_word(w, language) for w in words))
        weight = language_weight(language, searcher_language) * MATCH_WEIGHTS["exact"]
        alternatives.append(TermsMatch(language, terms, weight))
    return alternatives


def _languages_in_order(searcher_language: str) -> list[str]:
    return list(dict.fromkeys([searcher_language, SOURCE_LANGUAGE, *site_languages()]))


def interpret(text: str, language: str) -> Interpretation:
    """Split ``text`` into units, longest known phrases first, and list each unit's matches."""
    typed = analysis.query_words(text, language)[: MAX_UNITS * thesaurus.MAX_PHRASE_WORDS]
    known = thesaurus.current()
    languages = _languages_in_order(language)
    pieces: list[tuple[list[str], set[str]]] = []
    position = 0
    while position < len(typed) and len(pieces) < MAX_UNITS:
        found: set[str] = set()
        length = 1
        for length in range(min(thesaurus.MAX_PHRASE_WORDS, len(typed) - position), 0, -1):
            phrase = typed[position : position + length]
            for phrase_language in languages:
                found = known.lookup(phrase, phrase_language)
                if found:
                    break
            if found:
                break
        pieces.append((typed[position : position + length], found))
        position += length
    known_terms = vocabulary.current()
    present = _indexed_terms([word for words, _found in pieces for word in words], known_terms)
    units: list[Unit] = []
    for words, found in pieces:
        alternatives: list[Alternative] = []
        if len(words) == 1:
            alternatives.append(WordMatch(words[0]))
            parts = tuple(dict.fromkeys(compounds.part_terms(words[0])))
            if len(parts) > 1:
                alternatives.append(TermsMatch(SOURCE_LANGUAGE, parts, PARTS_WEIGHT))
        else:
            alternatives += _phrase_alternatives(words, language)
        alternatives += _concept_alternatives(found, known)
        written = any(
            (lang, analysis.analyse_word(word, lang)[:100]) in present
            for word in words
            for lang in site_languages()
        )
        units.append(
            Unit(" ".join(words), tuple(alternatives), tuple(sorted(found)), bool(found) or written)
        )
    return Interpretation(tuple(units), known_terms)


def _indexed_terms(words: list[str], known: Vocabulary) -> set[tuple[str, str]]:
    """(language, term) pairs of ``words`` that some indexed offer contains, in any language.

    Asked of the vocabulary of the database's term table, which is written in
    both modes, so both backends agree on which words are known.
    """
    found = set()
    for word in words:
        for language in site_languages():
            term = analysis.analyse_word(word, language)[:100]
            if known.contains(language, term):
                found.add((language, term))
    return found
