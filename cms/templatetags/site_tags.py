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
