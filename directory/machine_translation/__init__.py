"""Machine translation behind one small interface; the provider is chosen by settings.

``MACHINE_TRANSLATION`` names it: empty (the default: no machine translation),
``libretranslate`` (open source and self-hostable: a district's own server keeps
every text in the district) or ``deepl``. Each provider turns a list of texts in
one language into another, plain or HTML, and raises :class:`TranslationFailed`
for anything that goes wrong — the caller records it and carries on.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class TranslationFailed(Exception):
    """The provider did not translate: unreachable, refused, or out of quota."""

    def __init__(self, reason: str, *, quota: bool = False) -> None:
        super().__init__(reason)
        self.quota = quota


class Translator(Protocol):
    name: str

    def translate(self, texts: list[str], source: str, target: str, *, html: bool) -> list[str]:
        """``texts`` (in ``source``) in ``target``, in the same order."""


PROVIDERS = {
    "": _("none"),
    "libretranslate": "LibreTranslate",
    "deepl": "DeepL",
}


def provider() -> Translator | None:
    """The configured provider, or None when machine translation is off."""
    name = settings.MACHINE_TRANSLATION
    if name == "libretranslate":
        from .libretranslate import LibreTranslate

        return LibreTranslate(settings.LIBRETRANSLATE_URL, settings.LIBRETRANSLATE_API_KEY)
    if name == "deepl":
        from .deepl import DeepL

        return DeepL(settings.DEEPL_AUTH_KEY, settings.DEEPL_SERVER_URL)
    return None
