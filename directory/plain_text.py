"""Plain text typed into forms, to and from the limited rich text of offer descriptions."""

from __future__ import annotations

import html
import re

from django.utils.html import strip_tags


def text_to_rich_text(text: str) -> str:
    """Plain text to the small rich-text subset: escaped paragraphs, single line breaks kept."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "".join(
        "<p>" + "<br/>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def rich_text_to_text(value: str) -> str:
    """Rich text back to plain text for editing: paragraphs become blank lines."""
    value = re.sub(r"<br\s*/?>", "\n", value or "")
    value = re.sub(r"</(p|li|h\d)>", "\n\n", value)
    return html.unescape(strip_tags(value)).strip()
