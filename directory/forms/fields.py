"""Fields and the base form of all public forms: plain text only, a honeypot, no browser checks."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..validators import (
    strip_invisible,
    validate_one_line,
    validate_text,
)

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


def validate_plain_text(value: str) -> None:
    """Plain fields take text only: an HTML tag is refused with a clear message."""
    if value and _TAG.search(value):
        raise ValidationError(
            _("Please write plain text without HTML tags such as <b> or <a>."), code="html"
        )


class PlainCharField(forms.CharField):
    """A one-line text field: strips spaces and invisible direction characters, refuses HTML.

    Control characters (CR and LF included) are refused: a title ends up in
    e-mail subjects and calendar files, where a line break would start a new header.
    """

    default_validators = [validate_plain_text, validate_one_line]

    def to_python(self, value) -> str:
        return strip_invisible(super().to_python(value))


class PlainTextField(PlainCharField):
    """Running text in a textarea: line breaks allowed, other control characters refused."""

    default_validators = [validate_plain_text, validate_text]

    def __init__(self, *, rows: int = 4, **kwargs) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)


class StepForm(forms.Form):
    """Common behaviour: a honeypot field that people never see, and no browser validation.

    ``homepage`` is hidden from people (and from screen readers); bots that fill
    every field fill it too, and the view then discards the submission.
    """

    homepage = forms.CharField(required=False, label=_("Leave this field empty"))

    title_text = ""  # the question shown as the page heading

    def is_spam(self) -> bool:
        return bool(self.data.get("homepage", "").strip())

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != "homepage"]
