"""URL configuration: admin and media without a language prefix, every public page with one."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from search import api as search_api
from search import feeds as search_feeds

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/offers/", search_api.offers, name="api-offers"),
    path("api/v1/suggest/", search_api.suggestions, name="api-suggest"),
    path("api/v1/openapi.json", search_api.openapi, name="api-openapi"),
    path("hsds/", include("search.hsds_urls")),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += i18n_patterns(
    path("search/calendar.ics", search_feeds.calendar, name="search-calendar"),
    path("", include("directory.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
