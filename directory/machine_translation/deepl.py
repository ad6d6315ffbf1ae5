"""DeepL through its official client (``deepl``); rich text is sent as HTML."""

from __future__ import annotations

import deepl

from . import TranslationFailed

# DeepL's codes where they differ from the site's; English needs a variant as target.
TARGETS = {"en": "EN-GB", "de": "DE"}


class DeepL:
    name = "deepl"

    def __init__(self, auth_key: str, server_url: str = "") -> None:
        if not auth_key:
            raise TranslationFailed("DEEPL_AUTH_KEY is not set")
        # A refused or exhausted account answers at once; the client's retries
        # would only hold up publishing.
        deepl.http_client.max_network_retries = 0
        self.client = deepl.Translator(
            auth_key, server_url=server_url or None, send_platform_info=False
        )

    def translate(self, texts: list[str], source: str, target: str, *, html: bool) -> list[str]:
        try:
            results = self.client.translate_text(
                texts,
                source_lang=source.upper(),
                target_lang=TARGETS.get(target, target.upper()),
                tag_handling="html" if html else None,
            )
        except deepl.QuotaExceededException as error:
            raise TranslationFailed(f"DeepL: {error}", quota=True) from error
        except deepl.DeepLException as error:
            raise TranslationFailed(f"DeepL: {error}") from error
        return [result.text for result in results]
