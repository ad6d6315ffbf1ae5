"""Django's LocaleMiddleware, except for paths that answer "not found" themselves.

Outside ``i18n_patterns`` a 404 makes LocaleMiddleware try the path again with a
language prefix and redirect there when it resolves, and Wagtail's catch-all page
route resolves nearly every path. For the language-free HSDS API
(``LANGUAGE_REDIRECT_EXEMPT``) that would turn "no such id" into a redirect to an
HTML page; its own JSON 404 must reach the client instead.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware


class LocaleMiddleware(DjangoLocaleMiddleware):
    """LocaleMiddleware without the language redirect for ``LANGUAGE_REDIRECT_EXEMPT`` paths."""

    def process_response(self, request, response):
        """The view's own 404 on an exempt path; Django's handling everywhere else."""
        if response.status_code == 404 and request.path_info.startswith(
            tuple(settings.LANGUAGE_REDIRECT_EXEMPT)
        ):
            return response
        return super().process_response(request, response)
