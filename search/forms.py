"""Turn request parameters into an :class:`OfferQuery`, with clear errors for bad values.

The result pages and the JSON API share this form, so a parameter means the
same everywhere and is rejected with the same message.
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cms.languages import active_language
from directory.constants.categories import CATEGORIES
from directory.constants.kinds import OfferKind
from directory.constants.languages import SPOKEN_LANGUAGES
from directory.constants.target_groups import TARGET_GROUPS
from directory.constants.weekdays import Weekday
from directory.geo import GeoPoint
from directory.geocoding import resolve_search_place

from .query import OfferQuery

MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000  # deepest result anybody can page to (Elasticsearch's window)
_COORDINATES = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}
WEEKDAY_NAMES = {day.name.lower(): day.value for day in Weekday}


class FlagField(forms.Field):
    """A yes/no filter: 1/0, true/false, yes/no, on/off; anything else is an error."""

    # A text widget: CheckboxInput would turn any value, even "maybe", into True.
    widget = forms.TextInput

    def to_python(self, value) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value or "").strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValidationError(_("Use 1 or 0 (yes or no)."), code="invalid")


class OfferSearchForm(forms.Form):
    """The public search parameters."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    lang = forms.ChoiceField(label=_("Language"), required=False, choices=settings.LANGUAGES)
    near = forms.CharField(
        label=_("Near (town, postcode or coordinates)"), required=False, max_length=100
    )
    radius_km = forms.FloatField(
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
    open_on = forms.CharField(label=_("Open on"), required=False, max_length=10)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("relevance", _("Best match")), ("distance", _("Nearest")), ("title", _("A–Z"))],
    )
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1)
    page_size = forms.IntegerField(
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
        text = self.cleaned_data.get("open_on", "").strip().lower()
        if not text:
            return None
        if text == "today":
            from django.utils import timezone

            return timezone.localdate().weekday()
        if text.isdigit() and 0 <= int(text) <= 6:
            return int(text)
        if text in WEEKDAY_NAMES:
            return WEEKDAY_NAMES[text]
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
            near=self.point,
            radius_km=data.get("radius_km"),
            sort=data.get("sort") or None,
            page=data.get("page") or 1,
            page_size=data.get("page_size") or self.default_page_size,
        )
