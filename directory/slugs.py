"""ASCII names for URLs and files made from titles people typed, in any script.

German umlauts and ß follow German spelling (Fußball → fussball, Müll → muell,
not "fuball" or "mull"); every other letter is transliterated (``anyascii``,
which Wagtail itself uses for slugs): Cyrillic and Arabic titles give a readable
name instead of none.
"""

from __future__ import annotations

from anyascii import anyascii
from django.utils.text import slugify

_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)


def ascii_slug(text: str, fallback: str, max_length: int = 60) -> str:
    """A lower-case ASCII slug of ``text`` (at most ``max_length``), else ``fallback``."""
    slug = slugify(anyascii((text or "").translate(_GERMAN)))[:max_length].strip("-")
    return slug or fallback
