"""The search app's hooks: results on the offer list page (directory knows no search), the
thesaurus entries moderators edit, and the insights pages (issue 17)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

from directory.translators import is_moderator

from . import insights_views
from .models import ThesaurusTerm
from .views import offer_list_context


@hooks.register("offer_list_context")
def search_results(request: HttpRequest, page) -> dict:
    """Form, results, filters and map points for ``page`` (an ``OfferIndexPage``)."""
    return offer_list_context(request)


class ThesaurusTermCreateView(CreateView):
    """A new entry, prefilled from ``?language=&phrases=`` (the insights page's "add to
    search words" for words people searched without results)."""

    def get_initial(self) -> dict:
        initial = super().get_initial()
        language = self.request.GET.get("language", "")
        if language in dict(settings.LANGUAGES):
            initial["language"] = language
        phrase = " ".join(self.request.GET.get("phrases", "").split())[:100]
        if phrase:
            initial["phrases"] = phrase
        return initial


class ThesaurusTermViewSet(SnippetViewSet):
    """Words people type for a topic, added by moderators; searches use them at once."""

    model = ThesaurusTerm
    add_view_class = ThesaurusTermCreateView
    icon = "search"
    menu_label = _("Search words")
    menu_order = 240
    add_to_admin_menu = True
    list_display = ["concept", "language", "phrases", "updated_at"]
    list_filter = ["language"]
    search_fields = ["concept", "phrases", "search_words"]
    panels = [
        FieldPanel("concept"),
        FieldPanel("language"),
        FieldPanel("phrases"),
        FieldPanel("search_words"),
    ]


register_snippet(ThesaurusTermViewSet)


@hooks.register("clean_up")
def fold_old_search_log() -> None:
    """The search log's raw rows become daily counts after ``INSIGHTS_RAW_DAYS``."""
    from .insights import aggregate_old_rows

    aggregate_old_rows()


insights_urls = (
    [
        path("", insights_views.overview, name="overview"),
        path("report/", insights_views.printable, name="report"),
        path("<slug:slug>.csv", insights_views.table_csv, name="csv"),
    ],
    "search_insights",
)


@hooks.register("register_admin_urls")
def register_insights_urls():
    return [path("insights/", include(insights_urls))]


class InsightsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return is_moderator(request.user)


@hooks.register("register_admin_menu_item")
def register_insights_menu_item():
    return InsightsMenuItem(
        _("Insights"), reverse("search_insights:overview"), icon_name="table", order=207
    )
