"""Admin views for offers: the decision dialog, the comparison of two versions, and a new
offer with a suggested title.

All are Wagtail's own views with one addition each; ``OfferPageViewSet`` in
``directory.wagtail_hooks`` uses them for offer pages only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.html import strip_tags
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from wagtail.admin.views.pages.create import CreateView
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.views.pages.revisions import RevisionsCompareView
from wagtail.admin.views.pages.workflow import CollectWorkflowActionDataView, WorkflowActionView

from .. import moderation
from ..i18n import SOURCE_LANGUAGE


class DecisionDialogMixin:
    """The workflow action dialog, telling the moderator which language the e-mail is in and
    what happens to their own words (machine translation or not)."""

    template_name = "directory/admin/decision_dialog.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        languages = moderation.recipient_languages(self.object.specific)
        context["recipient_languages"] = ", ".join(
            str(get_language_info(code)["name_translated"]) for code in languages
        )
        context["translated_languages"] = [code for code in languages if code != SOURCE_LANGUAGE]
        context["machine_translation"] = bool(settings.MACHINE_TRANSLATION)
        context["source_language"] = SOURCE_LANGUAGE
        return context


class OfferWorkflowActionView(DecisionDialogMixin, WorkflowActionView):
    """Deciding from the dashboard or the listing (the dialog posts here)."""


class OfferCollectDecisionView(DecisionDialogMixin, CollectWorkflowActionDataView):
    """Deciding from the editor (the dialog's answers go back to the edit form)."""


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not strip_tags(value).strip()  # rich text such as "<p></p>" too
    if isinstance(value, list | tuple | set | dict):
        return not value
    return False


def empty_on_both_sides(comparison: Any) -> bool:
    """A compared field with nothing on either side (Wagtail counts "" against None as a
    change; most of the eight language versions of a field are empty)."""
    if not (hasattr(comparison, "val_a") and hasattr(comparison, "val_b")):
        return False
    return _empty(comparison.val_a) and _empty(comparison.val_b)


class OfferCreateView(CreateView):
    """A new offer, its title filled in from ``?title=`` (the insights page's "start an
    offer" for words people searched without results). Only a suggestion: the form's
    own checks apply when it is saved."""

    def get(self, request, *args, **kwargs):
        suggested = " ".join(request.GET.get("title", "").split())  # one line, no CR/LF
        if suggested:
            # The German title is the required one, whatever language the admin speaks.
            setattr(self.page, f"title_{SOURCE_LANGUAGE}", suggested[:255])
        return super().get(request, *args, **kwargs)


class OfferEditView(EditView):
    """Wagtail's editor, where a decision that arrives after the review already ended
    (a double click, a second tab, two moderators at once) says so instead of a 500.

    Wagtail checks that the review is still open when the request starts and acts on it
    later; a second decision can end it in between (seen under load in the browser test).
    """

    def perform_workflow_action(self) -> HttpResponse:
        if self.page.current_workflow_task is None:
            messages.warning(
                self.request, _("This review was already decided. Nothing was changed.")
            )
            return redirect("wagtailadmin_pages:edit", self.page.pk)
        return super().perform_workflow_action()


class OfferRevisionsCompareView(RevisionsCompareView):
    """Wagtail's comparison of two versions of an offer, without the fields empty in both."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["comparison"] = [
            comparison
            for comparison in context["comparison"]
            if not empty_on_both_sides(comparison)
        ]
        return context
