"""The base of every page type: a page that exists in every site language.

Below all three apps (the site shell's home and standard pages build on it too).
"""

from django.conf import settings
from django.utils import translation
from wagtail.models import Page


class MultilingualPage(Page):
    """A page that exists in every site language: its sitemap entry lists all of them."""

    class Meta:
        abstract = True

    def get_sitemap_urls(self, request=None) -> list[dict]:
        lastmod = self.last_published_at or self.latest_revision_created_at
        locations = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                locations[code] = self.get_full_url(request)
        alternates = [{"lang_code": code, "location": url} for code, url in locations.items()]
        return [
            {"location": url, "lastmod": lastmod, "alternates": alternates}
            for url in locations.values()
        ]
