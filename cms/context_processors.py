"""Template context shared by every public page."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language, get_language_bidi


def site_languages(request: HttpRequest) -> dict:
    """The site's languages, the active one, and its writing direction."""
    return {
        "site_languages": settings.LANGUAGES,
        "current_language": get_language(),
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
