"""Forms moderators fill in when they decide on a submission."""

from django import forms
from django.utils.translation import gettext_lazy as _


class OptionalCommentForm(forms.Form):
    """An approval, with a note for the submitter if the moderator wants one."""

    comment = forms.CharField(
        label=_("Note for the submitter (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 3}),
    )


class DecisionForm(forms.Form):
    """Asking for changes or rejecting: the submitter must learn why."""

    comment = forms.CharField(
        label=_("Reason, for the submitter"),
        max_length=2000,
        widget=forms.Textarea({"rows": 4}),
        error_messages={"required": _("Write the reason; the submitter gets it by e-mail.")},
    )
