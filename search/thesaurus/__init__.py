"""The topic thesaurus: what people type, in every site language, mapped to German search words.

A *concept* (``german-course``, ``debt-counselling`` …) has phrases per
language ("کلاس آلمانی", "curs de germană", "Deutschkurs" …), German search
words an offer on the topic contains, and optionally the categories and
target groups that are wholly on topic. Sources, merged:

- the reviewed data files ``data/*.toml`` (one table per concept);
- the names of categories, kinds and target groups in every site language,
  so "Sport", "رياضة" or "Beratung" find their category;
- ``ThesaurusTerm`` rows that moderators add in the admin. The merged
  thesaurus is rebuilt when those rows change (checked on every search: one
  small query), so an edit takes effect without a restart.

Phrases are compared as analysed terms (``search.analysis``) of their own
language, so inflected forms and letter variants match alike.
"""

from __future__ import annotations

import re
import threading
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.db.models import Count, Max
from django.utils import translation

from directory.constants.categories import CATEGORIES
from directory.constants.kinds import OfferKind
from directory.constants.target_groups import TARGET_GROUPS
from directory.i18n import SOURCE_LANGUAGE, site_languages

from .. import analysis

DATA = Path(__file__).parent / "data"
MAX_PHRASE_WORDS = 4
_LABEL_PARTS = re.compile(r"\s*[&·/,]\s*")


@dataclass
class Concept:
    """One topic and how to find it."""

    id: str
    search_words: list[str] = field(default_factory=list)  # German, as written
    categories: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    phrases: dict[str, list[str]] = field(default_factory=dict)  # language -> as written

    @property
    def search_terms(self) -> list[str]:
        """The German search words as analysed terms (what the index stores)."""
        return list(
            dict.fromkeys(
                analysis.analyse_word(w.casefold(), SOURCE_LANGUAGE) for w in self.search_words
            )
        )

    def label(self, language: str) -> str:
        """A name for the concept in ``language`` (its first phrase there, else German)."""
        for candidate in (language, SOURCE_LANGUAGE, "en"):
            if self.phrases.get(candidate):
                return self.phrases[candidate][0]
        return self.id


@dataclass
class Thesaurus:
    """All concepts, and an index from analysed phrase to concept ids per language."""

    concepts: dict[str, Concept]
    index: dict[str, dict[tuple[str, ...], set[str]]]  # language -> phrase key -> concept ids

    def lookup(self, words: list[str], language: str) -> set[str]:
        """Concepts whose phrase in ``language`` is exactly ``words`` (as typed, lower-cased)."""
        key = phrase_key(" ".join(words), language)
        return set(self.index.get(language, {}).get(key, ())) if key else set()


def phrase_key(text: str, language: str) -> tuple[str, ...]:
    """A phrase as the analysed terms of its words, stop words left out."""
    found = analysis.words(text)
    kept = [w for w in found if not analysis.is_stopword(w, language)] or found
    return tuple(analysis.analyse_word(w, language) for w in kept)


# --- Sources ------------------------------------------------------------------


@lru_cache(maxsize=1)
def file_concepts() -> dict[str, Concept]:
    """The reviewed concepts of ``data/*.toml``."""
    concepts: dict[str, Concept] = {}
    for path in sorted(DATA.glob("*.toml")):
        with path.open("rb") as handle:
            for concept_id, table in tomllib.load(handle).items():
                concept = concepts.setdefault(concept_id, Concept(concept_id))
                concept.search_words += table.get("search", [])
                concept.categories += table.get("categories", [])
                concept.target_groups += table.get("target_groups", [])
                concept.kinds += table.get("kinds", [])
                for language in site_languages():
                    concept.phrases.setdefault(language, []).extend(table.get(language, []))
    return concepts


def _label_phrases(label) -> dict[str, list[str]]:
    phrases = {}
    for language in site_languages():
        with translation.override(language):
            text = str(label)
        phrases[language] = [text, *(p for p in _LABEL_PARTS.split(text) if p and p != text)]
    return phrases


def taxonomy_concepts() -> dict[str, Concept]:
    """Category, kind and target-group names in every site language, as concepts."""
    concepts = {}
    for slug, label, _icon in CATEGORIES:
        concepts[f"category:{slug}"] = Concept(
            f"category:{slug}", categories=[slug], phrases=_label_phrases(label)
        )
    for value, label in OfferKind.choices:
        concepts[f"kind:{value}"] = Concept(
            f"kind:{value}", kinds=[value], phrases=_label_phrases(label)
        )
    for slug, label in TARGET_GROUPS:
        if slug != "everyone":
            concepts[f"group:{slug}"] = Concept(
                f"group:{slug}", target_groups=[slug], phrases=_label_phrases(label)
            )
    return concepts


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def build(extra_rows=()) -> Thesaurus:
    """The merged thesaurus: data files, taxonomy names and moderators' entries."""
    concepts: dict[str, Concept] = {}
    for source in (file_concepts(), taxonomy_concepts()):
        for concept_id, concept in source.items():
            concepts[concept_id] = Concept(
                concept_id,
                list(concept.search_words),
                list(concept.categories),
                list(concept.kinds),
                list(concept.target_groups),
                {lang: list(p) for lang, p in concept.phrases.items()},
            )
    for row in extra_rows:
        concept = concepts.setdefault(row.concept, Concept(row.concept))
        concept.phrases.setdefault(row.language, []).extend(_lines(row.phrases))
        concept.search_words += _lines(row.search_words)
    index: dict[str, dict[tuple[str, ...], set[str]]] = defaultdict(lambda: defaultdict(set))
    for concept in concepts.values():
        if not (
            concept.search_words or concept.categories or concept.kinds or concept.target_groups
        ):
            continue  # a new concept without German words would expand to nothing
        for language, phrases in concept.phrases.items():
            for phrase in phrases:
                key = phrase_key(phrase, language)
                if key and len(key) <= MAX_PHRASE_WORDS:
                    index[language][key].add(concept.id)
    return Thesaurus(concepts, {lang: dict(keys) for lang, keys in index.items()})


# --- The current thesaurus ------------------------------------------------------

_current: tuple[tuple, Thesaurus] | None = None
_lock = threading.Lock()


def current() -> Thesaurus:
    """The merged thesaurus, rebuilt when a moderator's entry was added, changed or removed."""
    global _current
    from ..models import ThesaurusTerm

    stamp = tuple(ThesaurusTerm.objects.aggregate(n=Count("pk"), t=Max("updated_at")).values())
    with _lock:
        if _current is None or _current[0] != stamp:
            _current = (stamp, build(list(ThesaurusTerm.objects.all())))
        return _current[1]
