"""LibreTranslate through its Python client (``libretranslatepy``).

The client sends plain text, one text per request; rich text is translated
paragraph by paragraph as plain text and rebuilt, so a description keeps its
paragraphs and list items (not bold or links).
"""

from __future__ import annotations

import json
from urllib.error import HTTPError, URLError

from libretranslatepy import LibreTranslateAPI

from ..plain_text import rich_text_to_text, text_to_rich_text
from . import TranslationFailed

TIMEOUT = 20  # seconds per text; a self-hosted server on small hardware is slow


class LibreTranslate:
    name = "libretranslate"

    def __init__(self, url: str, api_key: str = "") -> None:
        if not url:
            raise TranslationFailed("LIBRETRANSLATE_URL is not set")
        self.client = LibreTranslateAPI(url, api_key or None)

    def translate(self, texts: list[str], source: str, target: str, *, html: bool) -> list[str]:
        return [self._one(text, source, target, html) for text in texts]

    def _one(self, text: str, source: str, target: str, html: bool) -> str:
        plain = rich_text_to_text(text) if html else text
        try:
            translated = self.client.translate(plain, source, target, timeout=TIMEOUT)
        except HTTPError as error:
            raise _failure(error) from error
        except (URLError, OSError, ValueError, KeyError) as error:
            raise TranslationFailed(f"LibreTranslate: {error}") from error
        return text_to_rich_text(translated) if html else translated


def _failure(error: HTTPError) -> TranslationFailed:
    """LibreTranslate answers errors as {"error": "..."}; 429 is its rate or quota limit."""
    try:
        message = json.loads(error.read().decode() or "{}").get("error", "")
    except (ValueError, OSError):
        message = ""
    reason = f"LibreTranslate {error.code}: {message or error.reason}"
    return TranslationFailed(reason, quota=error.code == 429)
