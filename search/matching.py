"""Which indexed terms each unit of a query matches, and how well: shared by both backends.

Typed words are expanded against the vocabulary (``search.vocabulary``), so
both backends look up the same concrete terms — the database in its term
table, Elasticsearch with ``terms`` clauses, which cost a fraction of fuzzy
and prefix queries over sixteen language fields (docs/PERFORMANCE.md, issue 11).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from directory.i18n import site_languages

from .query import MATCH_WEIGHTS, language_weight
from .understanding import FacetMatch, TermsMatch, Unit, WordMatch
from .vocabulary import Vocabulary, expansions


@dataclass
class UnitTerms:
    """What covers one unit: single terms with their best weight (before the field
    weight), several-term alternatives, and facet alternatives."""

    single: dict[tuple[str, str], float] = field(default_factory=dict)  # (language, term)
    several: list[TermsMatch] = field(default_factory=list)
    facets: list[FacetMatch] = field(default_factory=list)

    def weigh(self, language: str, term: str, weight: float) -> None:
        key = (language, term[:100])  # terms are stored cut at 100 characters
        self.single[key] = max(self.single.get(key, 0.0), weight)


def unit_terms(unit: Unit, searcher_language: str, known: Vocabulary) -> UnitTerms:
    """Expand ``unit``'s alternatives into the terms and facets that cover it."""
    found = UnitTerms()
    for alternative in unit.alternatives:
        if isinstance(alternative, WordMatch):
            for language in site_languages():
                matched = expansions(alternative.word, language, known.sorted_terms(language))
                for term, kind in matched.items():
                    weight = language_weight(language, searcher_language) * MATCH_WEIGHTS[kind]
                    found.weigh(language, term, weight)
        elif isinstance(alternative, TermsMatch) and len(alternative.terms) == 1:
            found.weigh(alternative.language, alternative.terms[0], alternative.weight)
        elif isinstance(alternative, TermsMatch):
            found.several.append(alternative)
        elif isinstance(alternative, FacetMatch):
            found.facets.append(alternative)
    return found
