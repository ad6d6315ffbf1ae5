"""What every HSDS object is built with: the language, the site's address, the taxonomy;
and the small rules all of them share (empty values left out, timestamps, translations)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..i18n import site_languages
from .loading import offer_list_path
from .taxonomy import Taxonomy, Term, term_dict


@dataclass(frozen=True)
class Context:
    """What every object needs: the language, the site's address and the taxonomy."""

    language: str
    base_url: str  # scheme and host, no trailing slash
    offer_list_path: str
    taxonomy: Taxonomy
    # Term objects by code: the same few dozen are nested in every service's attributes.
    _terms: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)

    def term(self, term: Term) -> dict[str, Any]:
        """The ``taxonomy_term`` object of ``term`` in this context's language."""
        if term.code not in self._terms:
            self._terms[term.code] = term_dict(term, self.language, self.offer_list_url)
        return self._terms[term.code]

    def url(self, path: str, language: str | None = None) -> str:
        """The absolute URL of a page path, in ``language`` (the context's)."""
        return f"{self.base_url}/{language or self.language}/{path}"

    @property
    def offer_list_url(self) -> str:
        """The offer list page in this context's language ("" without one)."""
        return self.url(self.offer_list_path) if self.offer_list_path else ""


def make_context(language: str, base_url: str) -> Context:
    """A context for ``language`` on the site at ``base_url`` (three small queries)."""
    return Context(language, base_url.rstrip("/"), offer_list_path(), Taxonomy())


def compact(values: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """``values`` without empty entries, except the keys in ``keep``."""
    return {k: v for k, v in values.items() if k in keep or v not in (None, "", {}, [])}


def utc_timestamp(moment: dt.datetime | None) -> str | None:
    """An aware datetime as RFC 3339 in UTC ("2024-05-01T08:30:00Z")."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def translations(fields: dict[str, Callable[[str], str]]) -> dict[str, dict[str, str]]:
    """``{language: {field: text}}`` for ``fields`` (name → text in a language)."""
    found = {}
    for language in site_languages():
        texts = {name: text for name, read in fields.items() if (text := read(language))}
        if texts:
            found[language] = texts
    return found
