"""The reader's language, as the site's language codes name it."""

from django.conf import settings
from django.utils.translation import get_language


def active_language() -> str:
    """The active language code without region ("de" when none is active)."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]
