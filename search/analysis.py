"""Text analysis shared by both search backends.

Offers and queries are turned into *terms* here, in Python, so the database
backend and Elasticsearch match exactly the same words: Unicode word
tokens, lower-cased, normalised per script (Arabic and Persian letter forms),
stemmed with the Snowball stemmer of the text's language (a light suffix
stripper for Ukrainian, which Snowball lacks), then folded (ä/ae, ö/oe, ü/ue,
ß/ss and other diacritics). Elasticsearch may add its own language analysers
on top where the cluster has them (see ``search.elastic_index``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from functools import lru_cache

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

# Snowball stemmers for the site's languages; None means "no stemming".
SNOWBALL = {
    "de": "german",
    "en": "english",
    "ar": "arabic",
    "ru": "russian",
    "tr": "turkish",
    "fa": "persian",
    "ro": "romanian",
}

# The commonest function words: left out of the index and of queries, so that
# "Deutschkurs für Frauen" also finds an offer that never says "für".
STOPWORDS = {
    "de": set(
        "aber als am an auch auf aus bei bin bis da das dem den der des die dies du ein eine einem "
        "einen einer es für hat ich ihr im in ins ist ja mit nach nicht noch nur oder sie sind so "
        "um und uns vom von vor war was wie wir zu zum zur".split()
    ),
    "en": set(
        "a an and are as at be by for from has have in is it of on or that the this to was with "
        "you your".split()
    ),
    "ar": set("في من على إلى الى عن مع أو او و ثم هذا هذه ذلك التي الذي".split()),
    # ها / های: the plural ending, often typed as a word of its own ("نامه های").
    "fa": set("و در به از که با را این آن برای یا تا ها های".split()),
    "uk": set("і й та в у на з із до для по за від що це як або".split()),
    "ru": set("и в во на с со к ко по за от для что это как или не".split()),
    "tr": set("ve ile bir bu da de için ya veya ama gibi".split()),
    "ro": set("și si în in la cu de din pe pentru sau un o este".split()),
}
WORD_PATTERN = re.compile(r"\w+", re.UNICODE)
_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی", "ة": "ه", "\u200c": ""})
_GERMAN_FOLD = str.maketrans({"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue"})
# Common Ukrainian inflection endings (adjective, noun, verb), longest first.
_UKRAINIAN_SUFFIXES = sorted(
    {
        *("ого", "ому", "ими", "ій", "ий", "ої", "ою", "ім", "их", "іх"),
        *("ами", "ями", "ові", "еві", "ях", "ах", "ів", "їв", "ом", "ем", "ею", "ей"),
        *("ться", "ти", "ла", "ли", "ло", "ть"),
        *("а", "я", "о", "е", "і", "и", "у", "ю", "ь", "ї", "є"),
    },
    key=len,
    reverse=True,
)


@lru_cache(maxsize=16)
def _stemmer(language: str) -> Stemmer.Stemmer | None:
    algorithm = SNOWBALL.get(language)
    return Stemmer.Stemmer(algorithm) if algorithm else None


def _stem_ukrainian(word: str) -> str:
    """A light Ukrainian stemmer: strip one common inflectional suffix, keep 3+ letters."""
    for suffix in _UKRAINIAN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def fold(text: str) -> str:
    """Lower-case and strip diacritics, with the German umlaut rules (ü → ue, ß → ss)."""
    text = text.casefold().translate(_GERMAN_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _strip_arabic_marks(word: str) -> str:
    return _ARABIC_DIACRITICS.sub("", word)


def normalise_script(word: str, language: str) -> str:
    """Unify letter forms that people type interchangeably in Arabic and Persian."""
    if language in ("ar", "fa") or _looks_arabic(word):
        word = _strip_arabic_marks(word)
        word = word.translate(_PERSIAN_LETTERS if language == "fa" else _ARABIC_LETTERS)
    return word


def _looks_arabic(word: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in word)


def words(text: str) -> list[str]:
    """The word tokens of ``text`` (letters and digits), lower-cased."""
    return [w.casefold() for w in WORD_PATTERN.findall(text or "")]


_ARABIC_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")


def _strip_arabic_article(word: str) -> str:
    # The Snowball stemmer leaves the article on short words ("اللغة" but "لغة").
    for article in _ARABIC_ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 3:
            return word[len(article) :]
    return word


@functools.lru_cache(maxsize=65536)  # every search analyses each word in 8 languages
def analyse_word(word: str, language: str) -> str:
    """One lower-cased word → its term in ``language``."""
    word = _strip_arabic_marks(word)
    if language == "ar":
        word = _strip_arabic_article(word)
    elif language in ("de", "en"):
        word = fold(word)  # "café" and "cafe" reach the stemmer alike (Turkish needs ç, ş …)
    if language == "uk":
        word = _stem_ukrainian(word)
    else:
        stemmer = _stemmer(language)
        if stemmer is not None:
            word = stemmer.stemWord(word)
    # Letter forms are unified after stemming: the Snowball stemmers expect the written forms.
    return fold(normalise_script(word, language))


@lru_cache(maxsize=32)
def _folded_stopwords(language: str) -> frozenset[str]:
    # Folded, so "fuer" is as much a stop word as "für".
    return frozenset(fold(w) for w in STOPWORDS.get(language, ()))


@functools.lru_cache(maxsize=65536)  # asked for every word of every text indexed
def is_stopword(word: str, language: str) -> bool:
    """Whether ``word`` is one of ``language``'s commonest function words."""
    return fold(word) in _folded_stopwords(language)


def terms(text: str, language: str) -> list[str]:
    """All terms of ``text`` written in ``language``, in order, stop words left out."""
    return [analyse_word(w, language) for w in words(text) if not is_stopword(w, language)]


def query_words(text: str, language: str) -> list[str]:
    """The distinct words of a query that must match: stop words of the searcher's
    language and of German are dropped, unless nothing else is left."""
    found = list(dict.fromkeys(words(text)))
    kept = [w for w in found if not (is_stopword(w, language) or is_stopword(w, "de"))]
    return kept or found


@functools.lru_cache(maxsize=65536)
def prefix_term(word: str, language: str) -> str:
    """A partly typed word for prefix matching: normalised and folded, not stemmed."""
    return fold(normalise_script(word.casefold(), language))


def fuzziness(term: str) -> int:
    """Allowed edits for a term, as Elasticsearch AUTO: 0 up to 2 letters, 1 up to 5, else 2."""
    if len(term) <= 2:
        return 0
    return 1 if len(term) <= 5 else 2


def within_edits(term: str, candidates: list[str], allowed: int) -> list[str]:
    """The candidates at most ``allowed`` edits from ``term`` (adjacent swaps count once,
    the "optimal string alignment" distance Lucene's fuzzy query uses)."""
    return [
        candidate
        for candidate, _distance, _index in process.extract(
            term, candidates, scorer=OSA.distance, score_cutoff=allowed, limit=None
        )
    ]
