"""Who contributes offers and who keeps them current: owners, members, reports, the review task.

Contributions come from two kinds of people. Anyone may submit an offer
without an account; their e-mail address is kept as the offer's *owner*
(private, never shown or indexed). Associations (Vereine, services) have
accounts tied to their organisation through a *membership* that a moderator
confirms. Every submission and every edit passes the *offer review* task of
a Wagtail workflow before it is public, unless its organisation is trusted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask

from ..constants.reports import ReportReason
from ..i18n import SOURCE_LANGUAGE
from .offers import OfferPage
from .organisations import OrganisationPage

LANGUAGE_CHOICES = settings.LANGUAGES


class OfferOwner(models.Model):
    """The person who submitted an offer without an account, and how to reach them.

    ``confirmed_at`` is set when they followed the link in the confirmation
    e-mail; only then does the submission reach the moderators.
    """

    offer = models.OneToOneField(
        OfferPage, on_delete=models.CASCADE, related_name="submitter", verbose_name=_("offer")
    )
    email = models.EmailField(_("e-mail of the submitter"))
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    confirmed_at = models.DateTimeField(_("e-mail confirmed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted on"), auto_now_add=True)

    class Meta:
        verbose_name = _("offer owner")
        verbose_name_plural = _("offer owners")

    def __str__(self) -> str:
        return f"{self.email} ({self.offer_id})"


class OfferReminder(models.Model):
    """One "is your offer still current?" e-mail (or the attempt, when nobody could be reached).

    The grace period before an unconfirmed offer goes offline counts from the
    first reminder sent after its last confirmation.
    """

    offer = models.ForeignKey(
        OfferPage, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("offer")
    )
    sent_at = models.DateTimeField(_("sent on"))
    recipients = models.TextField(_("sent to"), blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        get_latest_by = "sent_at"

    def __str__(self) -> str:
        return f"{self.offer_id} {self.sent_at:%Y-%m-%d}"


class OrganisationMembership(models.Model):
    """An account that may post and edit the offers of one organisation.

    Self-registered accounts wait until a moderator ticks ``approved`` (and,
    for a new organisation, links the organisation page).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        OrganisationPage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    proposed_organisation = models.CharField(
        _("organisation named at registration"),
        max_length=200,
        blank=True,
        help_text=_("If the organisation is not in the directory yet: create it, then link it."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=LANGUAGE_CHOICES, default=SOURCE_LANGUAGE
    )
    approved = models.BooleanField(
        _("approved"),
        default=False,
        help_text=_("A moderator checked that this person speaks for the organisation."),
    )
    created_at = models.DateTimeField(_("registered on"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_organisation"
            )
        ]

    def __str__(self) -> str:
        organisation = self.organisation.title if self.organisation else self.proposed_organisation
        return f"{self.user.get_username()} – {organisation}"


class ProblemReport(models.Model):
    """A reader's report that an offer is wrong, outdated or inappropriate.

    The reminder command files one too (``unconfirmed``) when it takes an offer offline.
    """

    offer = models.ForeignKey(
        OfferPage, on_delete=models.CASCADE, related_name="reports", verbose_name=_("offer")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    message = models.TextField(_("message"), max_length=1000, blank=True)
    email = models.EmailField(_("e-mail for questions"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=LANGUAGE_CHOICES, default=SOURCE_LANGUAGE
    )
    created_at = models.DateTimeField(_("reported on"), auto_now_add=True)
    resolved = models.BooleanField(_("dealt with"), default=False)
    moderator_note = models.TextField(_("note of the moderator"), blank=True)

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        ordering = ["resolved", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.offer.title}"


class OfferReviewTask(AbstractGroupApprovalTask):
    """Wagtail workflow task: a moderator approves, asks for changes, or rejects.

    Three actions, each with a dialog: approving takes an optional note (there is no
    separate "approve with comment"), asking for changes and rejecting need a reason —
    ticked from ready-made ones, written, or both. Every decision is e-mailed to the
    submitter in the language they used (see ``directory.moderation``).
    """

    def get_actions(self, obj, user):
        if not (user.is_superuser or self._user_in_groups(user)):
            return []
        # Wagtail adds " and Publish" to approve labels of a workflow's last task;
        # directory.wagtail_hooks puts these labels back.
        return [
            ("approve", _("Approve and publish"), True),
            ("reject", _("Request changes"), True),
            ("decline", _("Reject"), True),
        ]

    def get_form_for_action(self, action):
        from ..forms.moderation import ChangeRequestForm, DeclineForm, OptionalCommentForm

        return {"reject": ChangeRequestForm, "decline": DeclineForm}.get(
            action, OptionalCommentForm
        )

    def on_action(self, task_state, user, action_name, **kwargs):
        from ..moderation import decide

        decide(self, task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("Moderators approve, ask for changes or reject, with a reason the submitter gets")

    class Meta:
        verbose_name = _("offer review")
        verbose_name_plural = _("offer reviews")
