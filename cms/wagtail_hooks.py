"""The moderators' admin: the queue on the dashboard, reports and memberships, our log actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from directory.models import OrganisationMembership, ProblemReport
from directory.moderation import moderation_queue


class ModerationQueuePanel(Component):
    """Dashboard panel: new offers, edits, reports, expiring offers and accounts to confirm."""

    name = "moderation_queue"
    template_name = "cms/admin/moderation_queue.html"
    order = 50

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["queue"] = moderation_queue()
        return context


@hooks.register("construct_homepage_panels")
def add_moderation_queue(request, panels) -> None:
    user = request.user
    if user.is_superuser or user.groups.filter(name="Moderators").exists():
        panels.append(ModerationQueuePanel(request))


class ProblemReportViewSet(SnippetViewSet):
    """Reports from readers (and from the reminder command), to be dealt with."""

    model = ProblemReport
    icon = "warning"
    menu_label = _("Problem reports")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["offer", "reason", "created_at", "resolved"]
    list_filter = ["resolved", "reason"]
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("offer", read_only=True),
                FieldPanel("reason", read_only=True),
                FieldPanel("message", read_only=True),
                FieldPanel("email", read_only=True),
            ],
            heading=_("Report"),
        ),
        FieldRowPanel([FieldPanel("resolved"), FieldPanel("moderator_note")]),
    ]


class MembershipViewSet(SnippetViewSet):
    """Accounts of associations: a moderator links the organisation and approves."""

    model = OrganisationMembership
    icon = "group"
    menu_label = _("Memberships")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["user", "organisation", "proposed_organisation", "approved", "created_at"]
    list_filter = ["approved"]
    panels = [
        FieldPanel("user", read_only=True),
        FieldPanel("proposed_organisation", read_only=True),
        FieldPanel("organisation"),
        FieldPanel("language"),
        FieldPanel("approved"),
    ]


register_snippet(ProblemReportViewSet)
register_snippet(MembershipViewSet)


@hooks.register("register_log_actions")
def register_log_actions(actions) -> None:
    actions.register_action(
        "directory.email_confirmed",
        _("E-mail confirmed"),
        _("The submitter confirmed their e-mail address"),
    )
    actions.register_action("directory.declined", _("Rejected"), _("Rejected by a moderator"))
    actions.register_action(
        "directory.reported", _("Problem reported"), _("A reader reported a problem")
    )
    actions.register_action(
        "directory.retired", _("Taken offline"), _("Taken offline: not confirmed in time")
    )
    actions.register_action(
        "directory.confirmed_current", _("Confirmed as current"), _("Confirmed as still current")
    )
    actions.register_action(
        "directory.trusted_publish",
        _("Published by trusted organisation"),
        _("Published without review (trusted organisation)"),
    )
    actions.register_action(
        "directory.member_registered",
        _("Member registered"),
        _("A member registered for this organisation"),
    )
