"""Glue between HTTP requests and the search interface, for the result pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from directory.constants.categories import CATEGORIES
from directory.constants.kinds import OfferKind
from directory.constants.languages import SPOKEN_LANGUAGES
from directory.constants.target_groups import TARGET_GROUPS
from directory.constants.weekdays import DayPart, Weekday

from .forms import MAX_PAGE_SIZE, OfferSearchForm
from .interface import search

RADIUS_CHOICES = (5, 10, 25, 50)
MAP_PAGE_SIZE = MAX_PAGE_SIZE  # the map shows up to this many results at once


def _labels() -> dict[str, dict[str, str]]:
    return {
        "category": {slug: str(label) for slug, label, _icon in CATEGORIES},
        "kind": {value: str(label) for value, label in OfferKind.choices},
        "target_group": {slug: str(label) for slug, label in TARGET_GROUPS},
        "spoken_language": {code: native for code, _label, native in SPOKEN_LANGUAGES},
    }


def filter_groups(form: OfferSearchForm, facets: dict[str, dict[str, int]]) -> list[dict]:
    """Filter chips per facet: value, label, count, chosen; values without results are left out."""
    titles = {
        "category": _("Topic"),
        "kind": _("Kind of offer"),
        "spoken_language": _("Language spoken"),
        "target_group": _("For whom"),
    }
    labels = _labels()
    groups = []
    for name in ("category", "kind", "spoken_language", "target_group"):
        chosen = set(form.cleaned_data.get(name) or ()) if form.is_valid() else set()
        counts = facets.get(name, {})
        chips = [
            {
                "value": value,
                "label": label,
                "count": counts.get(value, 0),
                "chosen": value in chosen,
            }
            for value, label in labels[name].items()
            if counts.get(value) or value in chosen
        ]
        if chips:
            groups.append({"name": name, "title": titles[name], "chips": chips})
    return groups


def offer_list_context(request: HttpRequest) -> dict:
    """Template context for a result page: form, results, filters with counts, map points."""
    # Without the map library (npm was missing at setup) there is no map view.
    map_available = (settings.VENDOR_DIR / "leaflet" / "leaflet.js").is_file()
    map_view = map_available and request.GET.get("view") == "map"
    form = OfferSearchForm(request.GET, default_page_size=MAP_PAGE_SIZE if map_view else 20)
    context = {
        "search_form": form,
        "results": None,
        "map_view": map_view,
        "map_available": map_available,
        "radius_choices": RADIUS_CHOICES,
        "weekdays": Weekday.choices,
        "day_parts": DayPart.choices,
    }
    # A mistake in the panel's fields opens it, so the reader sees the message.
    context["panel_errors"] = bool(form.is_bound and set(form.errors) - {"q", "page"})
    if not form.is_valid():
        return context
    query = form.to_query()
    results = search(query)
    # For the search log (search.insights_middleware): what was asked and how much was found.
    request.gemeinsam_search = (query, results.count)
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    list_query, map_query = query_without_page.copy(), query_without_page.copy()
    list_query.pop("view", None)
    map_query["view"] = "map"
    chosen_flags = [f for f in ("free", "accessible", "childcare") if form.cleaned_data.get(f)]
    groups = filter_groups(form, results.facets)
    context.update(
        results=results,
        query_without_page=query_without_page.urlencode(),
        list_url="?" + list_query.urlencode(),
        map_url="?" + map_query.urlencode(),
        filter_groups=groups,
        chosen_flags=chosen_flags,
        active_filters=sum(c["chosen"] for g in groups for c in g["chips"])
        + len(chosen_flags)
        + (1 if form.cleaned_data.get("open_on") is not None else 0)
        + (1 if form.cleaned_data.get("time_of_day") else 0),
    )
    # What the panel's button counts: the filters, and a place, distance or order chosen.
    context["settings_count"] = context["active_filters"] + sum(
        1 for name in ("near", "radius_km", "sort") if form.cleaned_data.get(name)
    )
    if results.help is not None:
        context["search_help"] = help_links(request, results.help)
    if map_view:
        # Compact: [latitude, longitude, title, path] per offer (its first place).
        # Titles are untrusted text: the template prints this with json_script.
        context["map_points"] = [
            [round(lat, 5), round(lon, 5), hit.offer.title, hit.offer.url()]
            for hit in results.hits
            for lat, lon in _map_point(hit)
        ]
    return context


def help_links(request: HttpRequest, found) -> dict:
    """Links for the help shown when nothing was found (``search.no_results``)."""
    text = request.GET.get("q", "")
    corrected = request.GET.copy()
    corrected.pop("page", None)
    if found.did_you_mean:
        corrected["q"] = found.did_you_mean
    return {
        "help": found,
        "did_you_mean_url": "?" + corrected.urlencode(),
        "without_filters_url": "?" + QueryDict.fromkeys(["q"], text).urlencode() if text else "?",
        "topic_urls": [
            ("?" + QueryDict.fromkeys(["category"], topic.category).urlencode(), topic.label)
            for topic in found.topics
        ],
    }


def _map_point(hit) -> list[tuple[float, float]]:
    """Where the map puts an offer: the place its card names, if that has a point."""
    if hit.place is not None and hit.place.has_point:
        return [(hit.place.latitude, hit.place.longitude)]
    return hit.offer.points[:1]
