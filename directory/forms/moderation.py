"""Forms moderators fill in when they decide on a submission (the workflow action dialog).

Wagtail builds the dialog's form from ``OfferReviewTask.get_form_for_action`` without
arguments, so each action has its own form class; the page-specific part of the
dialog (the submitter's language) comes from ``directory.views.moderation``.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..moderator_notes import NOTE_MAX_LENGTH, reason_choices
from ..validators import validate_text


class OptionalCommentForm(forms.Form):
    """An approval, with a note for the submitter if the moderator wants one."""

    comment = forms.CharField(
        label=_("Note for the submitter (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea({"rows": 3}),
    )


class DecisionForm(forms.Form):
    """Asking for changes or rejecting: the submitter must learn why, by ticked reasons
    (sent in their language) or the moderator's own words, or both."""

    action = ""  # the workflow action whose reasons are offered

    reasons = forms.MultipleChoiceField(
        label=_("Reasons (the submitter gets them in their language)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )
    comment = forms.CharField(
        label=_("Your own words (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea({"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reasons"].choices = reason_choices(self.action)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("reasons") and not (cleaned.get("comment") or "").strip():
            self.add_error(
                "comment", _("Tick a reason or write one; the submitter gets it by e-mail.")
            )
        return cleaned


class ChangeRequestForm(DecisionForm):
    """Asking for changes: what the submitter should fix."""

    action = "reject"


class DeclineForm(DecisionForm):
    """Rejecting for good: why the offer cannot be shown."""

    action = "decline"
