"""Languages of the site and of its content: the one place that knows how translations are stored.

The foundation under all three apps. Content is translated with
django-modeltranslation: each translated field ``x`` has a column per site
language (``x_de``, ``x_ar`` …), listed in the ``<Model>TR`` options of each
app's ``translation.py``. Nothing else lists them, and nothing else spells a
column name: ask :func:`translated_fields`, :func:`column` and :func:`text_in`.
The source language (German in a German district) comes from settings.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from django.conf import settings
from django.utils.translation import get_language
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

SOURCE_LANGUAGE: str = settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def site_languages() -> list[str]:
    """The codes of every site language, the source language first."""
    codes = [code for code, _name in settings.LANGUAGES]
    return [SOURCE_LANGUAGE, *(code for code in codes if code != SOURCE_LANGUAGE)]


def active_language() -> str:
    """The active language code without region (the source language when none is active)."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def translated_fields(model: type) -> tuple[str, ...]:
    """The translated fields of ``model`` (and its translated parents), from modeltranslation."""
    return tuple(translator.get_options_for_model(model).all_fields)


@functools.lru_cache(maxsize=1024)  # asked for every field of every offer indexed or shown
def column(field: str, language: str) -> str:
    """The column that holds ``field`` in ``language`` (``title``, ``ar`` → ``title_ar``)."""
    return build_localized_fieldname(field, language)


class Text(NamedTuple):
    """A translated value and the language it is really in."""

    value: str
    language: str


def own_text(obj: Any, field: str, language: str) -> str:
    """``field`` exactly as written in ``language``: empty when that translation is missing."""
    return (getattr(obj, column(field, language), "") or "").strip()


def text_in(obj: Any, field: str, language: str) -> Text:
    """``field`` in ``language`` if it is written there, else in the source language."""
    value = own_text(obj, field, language)
    if value:
        return Text(value, language)
    return Text(own_text(obj, field, SOURCE_LANGUAGE), SOURCE_LANGUAGE)


def set_text(obj: Any, field: str, language: str, value: str) -> None:
    """Write ``field`` in ``language``."""
    setattr(obj, column(field, language), value)
