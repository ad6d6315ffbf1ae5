"""Field validators with messages a moderator or submitter can act on.

Each rule is written once here and used by the public forms and the models
alike. Patterns use ``[0-9]``, never ``\\d`` (which also takes "٣" or "①"), and
end in ``\\Z``, never ``$`` (which lets a trailing line break through).
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

# Characters that change how the text around them is displayed without being seen:
# direction embeddings, overrides and isolates ("‮gnp.exe" shows as "exe.png"),
# zero-width space, word joiner and byte-order mark. Not U+200C/U+200D (zero-width
# non-joiner and joiner): Persian words and emoji need them; not U+200E/U+200F/U+061C
# (direction marks), which change no order of letters on their own.
INVISIBLE_CHARACTERS = "\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff"
INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")


def strip_invisible(text: str) -> str:
    """``text`` without the invisible direction and zero-width characters of ``INVISIBLE``."""
    return INVISIBLE.sub("", text)


# One line: no control character at all (CR, LF and tab included), no line separator.
LINE_BREAKING_CHARACTERS = "\x00-\x1f\x7f-\x9f\u2028\u2029"
validate_one_line = RegexValidator(
    f"[{INVISIBLE_CHARACTERS}{LINE_BREAKING_CHARACTERS}]",
    _("Please write this on one line, without line breaks or invisible control characters."),
    code="control_characters",
    inverse_match=True,
)
# Running text may have line breaks and tabs, but no other control character.
validate_text = RegexValidator(
    f"[{INVISIBLE_CHARACTERS}\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]",
    _("Please remove the invisible control characters from this text."),
    code="control_characters",
    inverse_match=True,
)


def title_errors(page) -> dict:
    """One-line errors for a page's title in every language (Wagtail's field has no validators)."""
    from modeltranslation.translator import translator

    errors = {}
    options = translator.get_options_for_model(type(page))
    for name in sorted(field.name for field in options.all_fields.get("title", ())):
        try:
            validate_one_line(getattr(page, name) or "")
        except ValidationError as error:
            errors[name] = error.messages[0]
    return errors


validate_postcode = RegexValidator(
    r"^[0-9]{5}\Z", _("Enter a German postcode of five digits, for example 82362.")
)
validate_phone = RegexValidator(
    r"^\+?[0-9][0-9 ()/\-]{4,29}\Z",
    _("Enter a phone number with digits only, for example 0881 555-0123 or +49 881 5550123."),
)
latitude_validators = [
    MinValueValidator(-90, _("A latitude lies between -90 and 90.")),
    MaxValueValidator(90, _("A latitude lies between -90 and 90.")),
]
longitude_validators = [
    MinValueValidator(-180, _("A longitude lies between -180 and 180.")),
    MaxValueValidator(180, _("A longitude lies between -180 and 180.")),
]
