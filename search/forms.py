"""Turn request parameters into an :class:`OfferQuery`, with clear errors for bad values.

The result pages and the JSON API share this form, so a parameter means the
same everywhere and is rejected with the same message.
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.constants.categories import CATEGORIES
from directory.constants.kinds import OfferKind
from directory.constants.languages import SPOKEN_LANGUAGES
from directory.constants.target_groups import TARGET_GROUPS
from directory.constants.weekdays import DayPart, Weekday
from directory.geo import GeoPoint
from directory.geocoding import resolve_search_place
from directory.i18n import active_language
from directory.validators import strip_invisible, validate_one_line

from .query import OfferQuery

MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000  # deepest result anybody can page to (Elasticsearch's window)
# [0-9], not \d: in Python's re, \d matches every Unicode digit ("٣", "৩" …).
_COORDINATES = re.compile(r"^\s*(-?[0-9]{1,2}(?:\.[0-9]+)?)\s*,\s*(-?[0-9]{1,3}(?:\.[0-9]+)?)\s*\Z")
# Numbers as a machine writes them (an integer may end in ".0", as JSON Schema allows).
# Python's int() and float() also take "٣", "1_0" and " 5"; nobody means those, and
# the OpenAPI document describes plain numbers, so they are refused as wrong values.
_PLAIN_INTEGER = re.compile(r"[+-]?[0-9]+(?:\.0+)?")
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Accepted spellings, any ASCII case; the OpenAPI document is built from the same lists.
FLAG_TRUE, FLAG_FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
WEEKDAY_NAMES = {day.name.lower(): day.value for day in Weekday}
WEEKDAY_WORDS = (*(str(day.value) for day in Weekday), *WEEKDAY_NAMES, "today")


def _ascii_lower(text: str) -> str | None:
    """``text`` in lower case if it is ASCII, else None (no lookalike letters or digits)."""
    return text.lower() if text.isascii() else None


class OneLineTextField(forms.CharField):
    """One line of free text, as the submission forms take it.

    Invisible direction and zero-width characters are removed (a pasted
    Weilheim with U+202B in front still finds Weilheim); control characters and line
    separators, NUL included, are refused with ``validate_one_line``'s message.
    ``max_length`` counts the text as it arrives, so the limit is the one the
    OpenAPI document states.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(strip=False, **kwargs)
        # validate_one_line refuses NUL too, with a message that says what to do.
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def clean(self, value) -> str:
        text = strip_invisible(super().clean(value))
        validate_one_line(text)
        return text.strip()


class PlainIntegerField(forms.IntegerField):
    """An integer written with ASCII digits only, optionally signed."""

    def to_python(self, value) -> int | None:
        if value not in self.empty_values and not _PLAIN_INTEGER.fullmatch(str(value)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class PlainDecimalField(forms.FloatField):
    """A decimal number written with ASCII digits only (``5``, ``2.5``, ``1e1``)."""

    def to_python(self, value) -> float | None:
        if value not in self.empty_values and not _PLAIN_DECIMAL.fullmatch(str(value)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class FlagField(forms.Field):
    """A yes/no filter: 1/0, true/false, yes/no, on/off (any case); anything else is an error."""

    # A text widget: CheckboxInput would turn any value, even "maybe", into True.
    widget = forms.TextInput

    def to_python(self, value) -> bool:
        if isinstance(value, bool):
            return value
        text = _ascii_lower(str(value or ""))
        if text in FLAG_TRUE:
            return True
        if text in FLAG_FALSE or text == "":
            return False
        raise ValidationError(_("Use 1 or 0 (yes or no)."), code="invalid")


class OfferSearchForm(forms.Form):
    """The public search parameters."""

    q = OneLineTextField(label=_("Search"), required=False, max_length=200)
    lang = forms.ChoiceField(label=_("Language"), required=False, choices=settings.LANGUAGES)
    near = OneLineTextField(
        label=_("Near (town, postcode or coordinates)"), required=False, max_length=100
    )
    radius_km = PlainDecimalField(
        label=_("Distance in km"), required=False, min_value=0.1, max_value=300
    )
    category = forms.MultipleChoiceField(
        label=_("Category"),
        required=False,
        choices=[(slug, label) for slug, label, _icon in CATEGORIES],
    )
    kind = forms.MultipleChoiceField(label=_("Kind"), required=False, choices=OfferKind.choices)
    target_group = forms.MultipleChoiceField(
        label=_("For whom"), required=False, choices=TARGET_GROUPS
    )
    spoken_language = forms.MultipleChoiceField(
        label=_("Language spoken"),
        required=False,
        choices=[(code, label) for code, label, _native in SPOKEN_LANGUAGES],
    )
    free = FlagField(label=_("Free of charge"), required=False)
    accessible = FlagField(label=_("Wheelchair accessible"), required=False)
    childcare = FlagField(label=_("Childcare"), required=False)
    open_on = forms.CharField(label=_("Open on"), required=False, max_length=10, strip=False)
    time_of_day = forms.ChoiceField(
        label=_("Time of day"), required=False, choices=[("", ""), *DayPart.choices]
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("relevance", _("Best match")), ("distance", _("Nearest")), ("title", _("A–Z"))],
    )
    page = PlainIntegerField(label=_("Page"), required=False, min_value=1)
    page_size = PlainIntegerField(
        label=_("Results per page"), required=False, min_value=1, max_value=MAX_PAGE_SIZE
    )

    def __init__(self, *args, default_page_size: int = 20, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.default_page_size = default_page_size
        self.point: GeoPoint | None = None

    def clean_near(self) -> str:
        text = self.cleaned_data.get("near", "").strip()
        if not text:
            return ""
        match = _COORDINATES.match(text)
        if match:
            latitude, longitude = float(match.group(1)), float(match.group(2))
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                raise ValidationError(_("These coordinates are outside the map."), code="range")
            self.point = GeoPoint(latitude, longitude)
        else:
            self.point = resolve_search_place(text)
            if self.point is None:
                raise ValidationError(
                    _("We could not find this place. Try a town name or a postcode."),
                    code="unknown_place",
                )
        return text

    def clean_open_on(self) -> int | None:
        text = self.cleaned_data.get("open_on", "")
        if not text:
            return None
        # Exactly the spellings the OpenAPI document lists: not " 1", not "①" or "٣"
        # (str.isdigit() says yes to those, int() then fails).
        word = _ascii_lower(text)
        if word == "today":
            return timezone.localdate().weekday()
        if word in WEEKDAY_WORDS:
            return int(word) if word.isdigit() else WEEKDAY_NAMES[word]
        raise ValidationError(
            _("Give a weekday: 0 (Monday) to 6 (Sunday), its English name, or today."),
            code="invalid",
        )

    def clean(self):
        cleaned = super().clean()
        page = cleaned.get("page") or 1
        size = cleaned.get("page_size") or self.default_page_size
        if page * size > MAX_RESULT_WINDOW:
            self.add_error(
                "page",
                ValidationError(
                    _("This page is too far back. Narrow the search instead."), code="too_deep"
                ),
            )
        if cleaned.get("radius_km") and not cleaned.get("near"):
            self.add_error(
                "near",
                ValidationError(_("Say near which place to search."), code="required"),
            )
        return cleaned

    def to_query(self, language: str | None = None) -> OfferQuery:
        """The query described by the (valid) form."""
        data = self.cleaned_data
        language = data.get("lang") or language or active_language()
        return OfferQuery(
            text=data.get("q") or "",
            language=language,
            categories=tuple(data.get("category") or ()),
            kinds=tuple(data.get("kind") or ()),
            target_groups=tuple(data.get("target_group") or ()),
            spoken_languages=tuple(data.get("spoken_language") or ()),
            free=bool(data.get("free")),
            accessible=bool(data.get("accessible")),
            childcare=bool(data.get("childcare")),
            open_on=data.get("open_on"),
            time_of_day=data.get("time_of_day") or None,
            near=self.point,
            radius_km=data.get("radius_km"),
            sort=data.get("sort") or None,
            page=data.get("page") or 1,
            page_size=data.get("page_size") or self.default_page_size,
        )
