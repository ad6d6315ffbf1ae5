"""Names of the fixed choices (kinds, formats, categories, languages …) as people write them.

A moderator's spreadsheet says "Beratung", "Counselling service" or "counselling"; a
language column "Arabisch", "العربية" or "ar". :func:`find_choice` knows every value by its
code, its label in every site language and in English, and a few German words beyond the
labels, compared without case, accents or punctuation.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

from django.utils.translation import override

from ..constants.categories import CATEGORIES
from ..constants.formats import OfferFormat
from ..constants.kinds import OfferKind
from ..constants.languages import SPOKEN_LANGUAGES
from ..constants.organisation_types import OrganisationType
from ..constants.target_groups import TARGET_GROUPS
from ..constants.weekdays import Weekday
from ..i18n import site_languages

# German words moderators use for a choice, beyond its label (value → words).
SYNONYMS = {
    "activity": ("Begegnung", "Aktivität"),
    "counselling": ("Beratung",),
    "club_offer": ("Vereinsangebot",),
    "course": ("Kurs",),
    "volunteering": ("Ehrenamt",),
    "in_person": ("vor Ort",),
    "online": ("online",),
    "hybrid": ("hybrid", "vor Ort und online"),
    "verein": ("Verein", "e.V."),
    "wohlfahrtsverband": ("Wohlfahrtsverband",),
    "behoerde": ("Behörde", "Amt"),
    "kirche": ("Kirche",),
    "migrantenorganisation": ("Migrantenorganisation", "MSO"),
    "bildungstraeger": ("Bildungsträger", "VHS"),
    "privatperson": ("Privatperson",),
}
# Each set of choices as (value, lazy label, other names).
Entries = list[tuple[str, object, tuple[str, ...]]]
CHOICES: dict[str, Callable[[], Entries]] = {
    "kind": lambda: [(m.value, m.label, SYNONYMS.get(m.value, ())) for m in OfferKind],
    "format": lambda: [(m.value, m.label, SYNONYMS.get(m.value, ())) for m in OfferFormat],
    "org_type": lambda: [(m.value, m.label, SYNONYMS.get(m.value, ())) for m in OrganisationType],
    "categories": lambda: [(slug, label, ()) for slug, label, _icon in CATEGORIES],
    "target_groups": lambda: [(slug, label, ()) for slug, label in TARGET_GROUPS],
    "spoken_languages": lambda: [(code, name, (own,)) for code, name, own in SPOKEN_LANGUAGES],
    "weekday": lambda: [(str(m.value), m.label, ()) for m in Weekday],
}


def normalise(text: str) -> str:
    """``text`` for comparing names: case, accents, punctuation and "und"/"and" ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Cf"))
    return " ".join(w for w in re.sub(r"[\W_]+", " ", kept).split() if w not in ("und", "and"))


@functools.lru_cache(maxsize=32)
def _lookup(name: str, languages: tuple[str, ...]) -> dict[str, str]:
    entries = CHOICES[name]()
    table: dict[str, str] = {}
    for value, _label, others in entries:
        for word in (value, *others):
            table.setdefault(normalise(word), value)
    for language in languages:
        with override(language):
            for value, label, _others in entries:
                text = str(label)
                # "Persian (Farsi)": also "Persian" and "Farsi" alone.
                parts = re.fullmatch(r"(.+?)\s*\((.+)\)", text)
                for word in (text, *(parts.groups() if parts else ())):
                    table.setdefault(normalise(word), value)
    table.pop("", None)
    return table


def find_choice(name: str, text: str) -> str | None:
    """The value of choice set ``name`` that ``text`` names, in any site language or English."""
    languages = tuple(dict.fromkeys([*site_languages(), "en"]))
    return _lookup(name, languages).get(normalise(text))
