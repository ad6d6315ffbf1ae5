"""The search app's hooks: results on the offer list page (directory knows no search), and the
thesaurus entries moderators edit."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ThesaurusTerm
from .views import offer_list_context


@hooks.register("offer_list_context")
def search_results(request: HttpRequest, page) -> dict:
    """Form, results, filters and map points for ``page`` (an ``OfferIndexPage``)."""
    return offer_list_context(request)


class ThesaurusTermViewSet(SnippetViewSet):
    """Words people type for a topic, added by moderators; searches use them at once."""

    model = ThesaurusTerm
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
