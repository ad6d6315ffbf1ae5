"""Template helpers used by every public page."""

from django import template
from django.conf import settings
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in every site language: code, native name, URL, active or not."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = context.get("current_language")
    return [
        {"code": code, "name": name, "url": translate_url(path, code), "active": code == current}
        for code, name in settings.LANGUAGES
    ]


@register.filter
def km(value: float | None) -> str:
    """A distance in kilometres with one decimal, in the active locale."""
    from django.utils.formats import number_format

    if value is None:
        return ""
    return number_format(value, decimal_pos=1)


@register.simple_tag
def icon(name: str, label: str = "") -> str:
    """An icon from the sprite; decorative unless ``label`` names it for screen readers."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    # format_html escapes every argument; the markup around them is ours.
    if label:
        return format_html(
            '<svg class="icon" role="img" aria-label="{}" focusable="false"><use href="{}#i-{}">'
            "</use></svg>",
            label,
            static("img/icons.svg"),
            name,
        )
    return format_html(
        '<svg class="icon" aria-hidden="true" focusable="false"><use href="{}#i-{}"></use></svg>',
        static("img/icons.svg"),
        name,
    )


@register.filter
def weekday_name(day: int) -> str:
    """The weekday 0–6 (Monday first) in the active language."""
    from directory.constants.weekdays import Weekday

    return str(Weekday(day).label)


@register.simple_tag(takes_context=True)
def footer_links(context) -> dict:
    """URLs (in the active language) of the pages named in the ``SiteLinks`` setting."""
    from cms.models import SiteLinks

    request = context.get("request")
    if request is None:
        return {}
    links = SiteLinks.for_request(request)
    urls = {}
    for name in ("privacy", "imprint", "contribute"):
        page = getattr(links, f"{name}_page", None)
        if page is not None and page.live:
            urls[f"{name}_url"] = page.get_url(request)
    return urls


@register.simple_tag
def privacy_facts() -> dict:
    """What the privacy page must state, from the settings in force: retention, geocoding
    and the search log."""
    from directory.retention import periods

    return {
        "keep": periods(),
        "geocoder": settings.GEOCODER_DOMAIN if settings.GEOCODER_ENABLED else "",
        "map_tiles": bool(settings.MAP_TILE_URL),
        "insights_raw_days": settings.INSIGHTS_RAW_DAYS,
        "insights_min_days": settings.INSIGHTS_MIN_DAYS,
        "insights_log": settings.INSIGHTS_LOG,
    }
