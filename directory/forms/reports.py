"""The "report a problem" form on every offer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..constants.reports import PUBLIC_REASONS
from .fields import PlainTextField, StepForm


class ProblemReportForm(StepForm):
    """What is wrong with an offer; the reader's address only if they want an answer."""

    reason = forms.ChoiceField(
        label=_("What is the problem?"),
        choices=[(reason.value, reason.label) for reason in PUBLIC_REASONS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the problem is.")},
    )
    message = PlainTextField(
        label=_("Tell us more (optional)"), max_length=1000, required=False, rows=4
    )
    email = forms.EmailField(
        label=_("Your e-mail, if you would like an answer (optional)"), required=False
    )
