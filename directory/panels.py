"""Admin panels that help moderators decide: who submitted an offer, and possible duplicates."""

from __future__ import annotations

from wagtail.admin.panels import Panel


class ReviewNotesPanel(Panel):
    """Shown at the top of the offer editor: the submitter, their language, similar offers."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "directory/admin/review_notes_panel.html"

        def get_context_data(self, parent_context=None):
            from .models import OfferOwner
            from .moderation import organisations_of_the_same_name, possible_duplicates

            context = super().get_context_data(parent_context)
            page = self.instance
            context["owner"] = (
                OfferOwner.objects.filter(offer_id=page.pk).first() if page.pk else None
            )
            context["duplicates"] = possible_duplicates(page) if page.pk else []
            context["same_name"] = organisations_of_the_same_name(page) if page.pk else []
            context["open_reports"] = page.reports.filter(resolved=False) if page.pk else []
            return context
