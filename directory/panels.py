"""Admin panels that help moderators decide: who submitted an offer, and possible duplicates."""

from __future__ import annotations

from wagtail.admin.panels import Panel


class ReviewNotesPanel(Panel):
    """Shown at the top of the offer editor: the submitter, their language, similar offers,
    and for a resubmission the link to what changed."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "directory/admin/review_notes_panel.html"

        def get_context_data(self, parent_context=None):
            from .models import OfferOwner
            from .moderation import (
                organisations_of_the_same_name,
                possible_duplicates,
                seen_revisions,
            )

            context = super().get_context_data(parent_context)
            page = self.instance
            task_state = page.current_workflow_task_state if page.pk else None
            seen = seen_revisions([page.pk]).get(page.pk) if task_state else None
            # Sent again after a request for changes: compare with what the moderator saw.
            context["resubmission"] = (
                {"page_id": page.pk, "seen": seen, "current": task_state.revision_id}
                if seen
                else None
            )
            context["owner"] = (
                OfferOwner.objects.filter(offer_id=page.pk).first() if page.pk else None
            )
            context["duplicates"] = possible_duplicates(page) if page.pk else []
            context["same_name"] = organisations_of_the_same_name(page) if page.pk else []
            context["open_reports"] = page.reports.filter(resolved=False) if page.pk else []
            return context


class TranslationStatusPanel(Panel):
    """In the offer editor: each text's state in each language (missing, automatic,
    by a person, outdated), with links to the side-by-side translation page."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "directory/admin/translation_status_panel.html"

        def get_context_data(self, parent_context=None):
            from .translation_status import STATUS_LABELS, slots, statuses, target_languages

            context = super().get_context_data(parent_context)
            page = self.instance
            if page.pk is None:
                context["rows"] = []
                return context
            found = statuses(page)
            languages = target_languages(page)
            context["languages"] = languages
            context["page_id"] = page.pk
            context["rows"] = [
                (
                    slot.obj._meta.get_field(slot.field).verbose_name,
                    slot.key,
                    [
                        (
                            language,
                            found[(slot.key, language)],
                            STATUS_LABELS[found[(slot.key, language)]],
                        )
                        for language in languages
                    ],
                )
                for slot in slots(page)
            ]
            return context
