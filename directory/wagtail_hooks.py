"""The moderators' admin: dashboard panels, reports, memberships, failed e-mails, log actions,
the review's action menu and dialogs, and the translators' pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import WorkflowMenuItem
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import converters, translators  # noqa: F401 - converters registers <page_id:…>
from .emails import KINDS
from .models import (
    FailedNotification,
    OfferPage,
    OfferReviewTask,
    OrganisationMembership,
    ProblemReport,
    Translator,
)
from .moderation import moderation_queue
from .views import imports as import_views
from .views import moderation as moderation_views
from .views import translations as translation_views

FAILED_SHOWN = 20  # on the dashboard; the full list is the snippet listing


class ModerationQueuePanel(Component):
    """Dashboard panel: new offers, edits, reports, expiring offers and accounts to confirm."""

    name = "moderation_queue"
    template_name = "directory/admin/moderation_queue.html"
    order = 50

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["queue"] = moderation_queue()
        return context


class FailedNotificationsPanel(Component):
    """Dashboard panel: e-mails that could not be sent and nobody has dealt with yet."""

    name = "failed_notifications"
    template_name = "directory/admin/failed_notifications.html"
    order = 40  # above the queue: someone is waiting for a message that never came

    def __init__(self, failures: list[FailedNotification], total: int):
        self.failures = failures
        self.total = total

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["failures"] = [(failure, KINDS.get(failure.template)) for failure in self.failures]
        context["total"] = self.total
        return context


@hooks.register("construct_homepage_panels")
def add_moderation_queue(request, panels) -> None:
    user = request.user
    if user.is_superuser or user.groups.filter(name="Moderators").exists():
        panels.append(ModerationQueuePanel(request))
        unresolved = FailedNotification.objects.filter(resolved=False).select_related("offer")
        failures = list(unresolved[:FAILED_SHOWN])
        if failures:
            panels.append(FailedNotificationsPanel(failures, unresolved.count()))


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


class FailedNotificationViewSet(SnippetViewSet):
    """E-mails that could not be sent: a moderator reaches the person another way, then ticks."""

    model = FailedNotification
    icon = "mail"
    menu_label = _("Failed e-mails")
    menu_order = 230
    add_to_admin_menu = True
    list_display = ["template", "recipient", "offer", "created_at", "resolved"]
    list_filter = ["resolved", "template"]
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("template", read_only=True),
                FieldPanel("recipient", read_only=True),
                FieldPanel("language", read_only=True),
                FieldPanel("offer", read_only=True),
                FieldPanel("error", read_only=True),
            ],
            heading=_("E-mail"),
        ),
        FieldPanel("resolved"),
    ]


class TranslatorForm(WagtailAdminModelForm):
    """Languages as ticks; saving puts the user into the translators' group."""

    languages = forms.MultipleChoiceField(
        label=_("languages"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        self.fields["languages"].choices = [
            (code, names[code]) for code in translators.translation_languages()
        ]

    def save(self, commit=True):
        translator = super().save(commit=commit)
        if commit:
            group = Group.objects.get(name=translators.TRANSLATORS)
            translator.user.groups.add(group)
        return translator


class TranslatorViewSet(SnippetViewSet):
    """Volunteer translators and their languages (moderators manage them)."""

    model = Translator
    icon = "globe"
    menu_label = _("Translators")
    menu_order = 240
    add_to_admin_menu = True
    list_display = ["user", "languages", "trusted"]
    edit_handler = ObjectList(
        [FieldPanel("user"), FieldPanel("languages"), FieldPanel("trusted")],
        base_form_class=TranslatorForm,
    )


translation_urls = (
    [
        path("", translation_views.overview, name="overview"),
        path("<str:language>/", translation_views.language_queue, name="queue"),
        path("<str:language>/<page_id:page_id>/", translation_views.translate, name="translate"),
    ],
    "directory_translations",
)


@hooks.register("register_admin_urls")
def register_translation_urls():
    return [path("translations/", include(translation_urls))]


class TranslationsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return bool(translators.languages_of(request.user))


@hooks.register("register_admin_menu_item")
def register_translations_menu_item():
    return TranslationsMenuItem(
        _("Translations"), reverse("directory_translations:overview"), icon_name="globe", order=205
    )


import_urls = (
    [
        path("", import_views.upload, name="upload"),
        path("template.<str:file_format>", import_views.template, name="template"),
        path("<int:batch_id>/", import_views.batch, name="batch"),
        path("<int:batch_id>/columns/", import_views.mapping, name="mapping"),
        path("<int:batch_id>/confirm/", import_views.confirm, name="confirm"),
        path("<int:batch_id>/cancel/", import_views.cancel, name="cancel"),
        path("<int:batch_id>/resume/", import_views.resume, name="resume"),
    ],
    "directory_imports",
)


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("import/", include(import_urls))]


class ImportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return translators.is_moderator(request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        _("Import offers"), reverse("directory_imports:upload"), icon_name="upload", order=206
    )


register_snippet(ProblemReportViewSet)
register_snippet(MembershipViewSet)
register_snippet(FailedNotificationViewSet)
register_snippet(TranslatorViewSet)


# --- Offers in review -----------------------------------------------------------------------


class OfferPageViewSet(PageViewSet):
    """Wagtail's page views for offers, with our decision dialog and a comparison that
    leaves out fields empty in both versions."""

    model = OfferPage
    add_view_class = moderation_views.OfferCreateView
    edit_view_class = moderation_views.OfferEditView
    workflow_action_view_class = moderation_views.OfferWorkflowActionView
    collect_workflow_action_data_view_class = moderation_views.OfferCollectDecisionView
    revisions_compare_view_class = moderation_views.OfferRevisionsCompareView
    # Not the offer list's explorer listing: that stays Wagtail's default.
    parent_models = ()


@hooks.register("register_admin_viewset")
def register_offer_page_viewset() -> PageViewSet:
    return OfferPageViewSet("offer_pages")


# Wagtail's own menu items that would go around the review: publishing directly, or
# cancelling / restarting the workflow, leaves the submitter without an e-mail.
BYPASSING_ITEMS = {"action-publish", "action-cancel-workflow", "action-restart-workflow"}


@hooks.register("construct_page_action_menu")
def review_actions_only(menu_items: list, request: HttpRequest, context: dict) -> None:
    """While an offer is in review: "save draft" and the three decisions, with our labels.

    Wagtail appends " and Publish" to the approve action of a workflow's last task,
    which made "Approve and publish and Publish"; our labels already say it.
    """
    page = context.get("page")
    task = page.current_workflow_task if page is not None else None
    if not isinstance(task, OfferReviewTask):
        return
    labels = {name: label for name, label, _modal in task.get_actions(page, request.user)}
    for item in menu_items:
        if isinstance(item, WorkflowMenuItem) and item.name in labels:
            item.label = labels[item.name]
            if item.name == "decline":  # Wagtail gives it the pencil of "request changes"
                item.icon_name = "cross"
    menu_items[:] = [item for item in menu_items if item.name not in BYPASSING_ITEMS]


# --- Log actions ---------------------------------------------------------------------------


class CommentedLogFormatter(LogFormatter):
    """A log entry that shows the moderator's comment under its message, as Wagtail's do."""

    def format_comment(self, log_entry) -> str:
        return log_entry.data.get("comment", "")


class ChangesRequestedFormatter(CommentedLogFormatter):
    """Wagtail's "reject" of our task is a request for changes, never a rejection
    (rejecting for good is ``directory.declined``)."""

    label = _("Changes requested")
    message = _("Changes requested: the submitter can change the offer and send it again")


class ResubmittedFormatter(CommentedLogFormatter):
    """Wagtail's "resume": the submitter sent the offer again after a request for changes."""

    label = _("Resubmitted")
    message = _("Sent again after the requested changes; back with the moderators")


class DeclinedFormatter(CommentedLogFormatter):
    """``directory.declined``: rejected for good, with the reasons the submitter got."""

    label = _("Rejected")
    message = _("Rejected by a moderator")


@hooks.register("register_log_actions", order=1)  # after Wagtail's, whose words it replaces
def replace_workflow_log_actions(actions) -> None:
    for action, formatter in (
        ("wagtail.workflow.reject", ChangesRequestedFormatter),
        ("wagtail.workflow.resume", ResubmittedFormatter),
    ):
        # One entry per action in the history's filter, with our label.
        actions.choices[:] = [choice for choice in actions.choices if choice[0] != action]
        actions.register_action(action)(formatter)


@hooks.register("register_log_actions")
def register_log_actions(actions) -> None:
    actions.register_action(
        "directory.email_confirmed",
        _("E-mail confirmed"),
        _("The submitter confirmed their e-mail address"),
    )
    actions.register_action("directory.declined")(DeclinedFormatter)
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
