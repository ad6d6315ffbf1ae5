"""Turn request parameters into an :class:`OfferQuery`, with clear errors for bad values."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from directory.constants.categories import CATEGORIES
from directory.constants.kinds import OfferKind
from directory.constants.languages import SPOKEN_LANGUAGES
from directory.constants.target_groups import TARGET_GROUPS

from .query import OfferQuery

MAX_PAGE_SIZE = 100


class OfferSearchForm(forms.Form):
    """The public search parameters, shared by the result page and the API."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
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
    free = forms.BooleanField(label=_("Free of charge"), required=False)
    accessible = forms.BooleanField(label=_("Wheelchair accessible"), required=False)
    childcare = forms.BooleanField(label=_("Childcare"), required=False)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=10_000)
    page_size = forms.IntegerField(
        label=_("Results per page"), required=False, min_value=1, max_value=MAX_PAGE_SIZE
    )

    def to_query(self, default_page_size: int = 20) -> OfferQuery:
        """The query described by the (valid) form."""
        data = self.cleaned_data
        return OfferQuery(
            text=data.get("q") or "",
            language=(get_language() or "de").split("-")[0],
            categories=tuple(data.get("category") or ()),
            kinds=tuple(data.get("kind") or ()),
            target_groups=tuple(data.get("target_group") or ()),
            spoken_languages=tuple(data.get("spoken_language") or ()),
            free=bool(data.get("free")),
            accessible=bool(data.get("accessible")),
            childcare=bool(data.get("childcare")),
            page=data.get("page") or 1,
            page_size=data.get("page_size") or default_page_size,
        )
