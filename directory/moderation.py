"""Moderation: the review workflow, decisions and their e-mails, duplicates, the moderators' queue.

Every offer enters Wagtail's workflow "Angebotsprüfung" (offer review), whose one
task (``OfferReviewTask``) belongs to the *Moderators* group that Wagtail
creates. A page in review stays unpublished (or keeps its live version);
only an approval publishes. Wagtail writes each step to its audit log; our
own actions (reports, confirmations, taking offers offline) are logged
there too. An offer sent back with changes resumes its review, so the queue
marks it as resubmitted and compares it with the version the moderator saw.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rapidfuzz import fuzz
from wagtail.log_actions import log
from wagtail.models import Page, TaskState, Workflow, WorkflowPage, WorkflowState, WorkflowTask

from . import background, emails, links, moderator_notes
from .gazetteer import normalise
from .i18n import SOURCE_LANGUAGE, text_in
from .models import (
    OfferOwner,
    OfferPage,
    OfferReviewTask,
    OrganisationMembership,
    OrganisationPage,
    ProblemReport,
)

logger = logging.getLogger("gemeinsam.moderation")

# The workflow's and the task's names are data the admin shows in the history, so they are
# in the district's working language like the rest of the moderators' admin. The workflow
# is found by its task's type, never by name; installations from before were renamed.
WORKFLOW_NAME = "Angebotsprüfung"
TASK_NAME = "Prüfung durch die Moderation"
FORMER_WORKFLOW_NAME = "Offer review"
MODERATORS = "Moderators"
# Two offers are likely the same when their normalised titles score this much or more by
# DUPLICATE_SCORER and they share a town or an organisation (also the importer's rule).
DUPLICATE_SCORE = 85
DUPLICATE_SCORER = fuzz.token_set_ratio


# --- The workflow ------------------------------------------------------------------------


def review_workflow() -> Workflow:
    """The review workflow, created on first use and set for the whole page tree."""
    workflow = (
        Workflow.objects.filter(
            active=True, workflow_tasks__task__in=OfferReviewTask.objects.values("pk")
        )
        .order_by("pk")
        .first()
    )
    if workflow is None:
        with transaction.atomic():
            moderators, _created = Group.objects.get_or_create(name=MODERATORS)
            task = OfferReviewTask.objects.create(name=TASK_NAME)
            task.groups.set([moderators])
            workflow = Workflow.objects.create(name=WORKFLOW_NAME)
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    elif workflow.name == FORMER_WORKFLOW_NAME:
        workflow.name = WORKFLOW_NAME
        workflow.save(update_fields=["name"])
    # Only the id: during migrate the translated title columns may not exist yet.
    root_id = Page.objects.filter(depth=1).order_by("path").values_list("pk", flat=True).first()
    if root_id is not None:
        WorkflowPage.objects.update_or_create(page_id=root_id, defaults={"workflow": workflow})
    return workflow


def install_workflow(sender, **kwargs) -> None:
    """post_migrate: the review workflow, and what moderators may do with reports and members."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission

    review_workflow()
    # Our handler may run before Django's own for this app: make the permissions first.
    create_permissions(sender, verbosity=0)
    moderators = Group.objects.get(name=MODERATORS)
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="directory",
            codename__in=[
                "view_problemreport",
                "change_problemreport",
                "view_organisationmembership",
                "change_organisationmembership",
                "view_failednotification",
                "change_failednotification",
            ],
        )
    )


def in_review(page: Page) -> WorkflowState | None:
    """The page's unfinished workflow (in review or waiting for changes), if any."""
    return WorkflowState.objects.active().for_instance(page).first()


@transaction.atomic
def submit_for_review(page: OfferPage, user=None) -> WorkflowState:
    """Send the page's latest revision to the moderators.

    After a request for changes the same review resumes (Wagtail logs a resubmission and
    the rejected task state keeps the version the moderator saw); a review still under way
    restarts with the new version.
    """
    state = in_review(page)
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
        return state
    if state is not None:
        state.cancel(user=user)
    return review_workflow().start(page, user)


def member_can_publish(page: OfferPage, user) -> bool:
    """Edits by members of a trusted organisation skip the review (they are still logged)."""
    organisation = page.organisation
    return bool(
        user is not None
        and organisation is not None
        and organisation.trusted
        and OrganisationMembership.objects.filter(
            user=user, organisation=organisation, approved=True
        ).exists()
    )


# --- Decisions -----------------------------------------------------------------------------


def decide(
    task: OfferReviewTask,
    task_state: TaskState,
    user,
    action: str,
    comment: str = "",
    reasons: list[str] | tuple[str, ...] = (),
    **kwargs,
) -> None:
    """Carry out a moderator's decision and e-mail the submitter about it.

    ``approve`` publishes (Wagtail does that when the workflow finishes);
    ``reject`` asks for changes: the submitter gets the reasons and an edit link;
    ``decline`` rejects for good: the review is closed and nothing is published.
    ``reasons`` are codes of ready-made reasons (``constants.change_reasons``).
    """
    page = task_state.workflow_state.content_object.specific
    comment = (comment or "").strip()
    reasons = moderator_notes.valid_reasons(action, reasons)
    recorded = moderator_notes.history_text(reasons, comment)
    if action == "approve":
        task_state.approve(user=user, comment=recorded)
        _publish_new_organisation(page, user)
    elif action == "reject":
        task_state.reject(user=user, comment=recorded)
    elif action == "decline":
        # Wagtail's reject means "needs changes" and is logged as a change request; a
        # rejection for good ends the review instead and is logged as ours.
        workflow_state = task_state.workflow_state
        workflow_state.cancel(user=user)
        TaskState.objects.filter(pk=task_state.pk).update(comment=recorded)
        log(instance=page, action="directory.declined", user=user, data={"comment": recorded})
    else:
        return
    page_id = page.pk
    # A machine translation of the note may take seconds: then the e-mail goes in the
    # background, so the moderator's click never waits for the provider.
    inline = not settings.MACHINE_TRANSLATION or not comment or settings.MACHINE_TRANSLATION_INLINE
    transaction.on_commit(
        lambda: background.run(
            "decision_mail", notify_decision, page_id, action, comment, reasons, inline=inline
        )
    )


def _publish_new_organisation(page: OfferPage, user) -> None:
    """An offer approved with an organisation that came with it: publish that page too."""
    organisation = page.specific.organisation
    if organisation is not None and not organisation.live:
        revision = organisation.get_latest_revision() or organisation.save_revision(user=user)
        revision.publish(user=user, skip_permission_checks=True)


def recipients(page: OfferPage) -> list[tuple[str, str]]:
    """Who hears about an offer: its owner (no account), else its organisation's members.

    Each entry is (address, language). An offer that has neither falls back to
    the organisation's public address in German.
    """
    owner = OfferOwner.objects.filter(offer=page).first()
    if owner is not None:
        return [(owner.email, owner.language)]
    members = OrganisationMembership.objects.filter(
        organisation_id=page.organisation_id, approved=True, user__is_active=True
    ).select_related("user")
    found = [(m.user.email, m.language) for m in members if m.user.email]
    if not found and page.organisation and page.organisation.email:
        found = [(page.organisation.email, SOURCE_LANGUAGE)]
    return found


def recipient_languages(page: OfferPage) -> list[str]:
    """The languages the people told about a decision read, each once, in recipients' order."""
    return list(dict.fromkeys(language for _address, language in recipients(page)))


def notify_decision(
    page_id: int, action: str, comment: str, reasons: list[str] | tuple[str, ...] = ()
) -> None:
    """E-mail each recipient the decision, in their language, with a link to act on it.

    Ticked reasons are rendered in the recipient's language; the moderator's note goes
    as written, with a machine translation beside it when a provider is configured.
    """
    page = OfferPage.objects.get(pk=page_id)
    template = {
        "approve": "decision_approved",
        "reject": "decision_changes",
        "decline": "decision_declined",
    }[action]
    translations: dict[str, str] = {}
    for address, language in recipients(page):
        if language not in translations:
            translations[language] = moderator_notes.translated_note(comment, language)
        context = {
            "title": _title_in(page, language),
            "comment": comment,
            "comment_translation": translations[language],
            "comment_language": SOURCE_LANGUAGE,
            "reasons": moderator_notes.reason_texts(reasons),
            "offer_url": emails.absolute_url(_url_in(page, language)) if page.live else "",
            "edit_url": emails.absolute_url(links.link_path("edit", page.pk, language, address)),
        }
        emails.send(template, address, language, context, offer=page)


def _title_in(page: OfferPage, language: str) -> str:
    return text_in(page, "title", language).value or page.title


def _url_in(page: OfferPage, language: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return page.get_url() or ""


# --- Duplicates -----------------------------------------------------------------------------


def organisations_of_the_same_name(page: OfferPage) -> list[OrganisationPage]:
    """Published organisations named like the unpublished one a submission brought along."""
    organisation = page.organisation
    if organisation is None or organisation.live:
        return []
    return list(
        OrganisationPage.objects.live()
        .filter(title_de__iexact=organisation.title_de.strip())
        .exclude(pk=organisation.pk)
    )


def possible_duplicates(page: OfferPage, limit: int = 5) -> list[OfferPage]:
    """Other offers with a similar title in the same town or from the same organisation."""
    draft = page.get_latest_revision_as_object() if page.pk else page
    title = normalise(draft.title_de or draft.title or "")
    towns = {normalise(place.town) for place in draft.locations.all() if place.town}
    candidates = OfferPage.objects.exclude(pk=page.pk)
    near = Q()
    if draft.organisation_id:
        near |= Q(organisation_id=draft.organisation_id)
    for town in {place.town for place in draft.locations.all() if place.town}:
        near |= Q(locations__town__iexact=town)
    if not near:
        return []
    scored = []
    for other in candidates.filter(near).distinct().prefetch_related("locations"):
        same_place = other.organisation_id == draft.organisation_id or towns & {
            normalise(p.town) for p in other.locations.all()
        }
        score = DUPLICATE_SCORER(title, normalise(other.title_de or other.title))
        if same_place and score >= DUPLICATE_SCORE:
            scored.append((score, other))
    scored.sort(key=lambda pair: -pair[0])
    return [other for _score, other in scored[:limit]]


# --- The moderators' queue ------------------------------------------------------------------


@dataclass
class QueueItem:
    """One thing waiting for a moderator.

    A resubmission (back after a request for changes) has ``seen_revision_id``: the
    version the moderator decided on, to compare with ``revision_id``, the one in review.
    """

    page: OfferPage
    since: dt.datetime | None = None
    duplicates: list[OfferPage] = field(default_factory=list)
    note: str = ""
    revision_id: int | None = None
    seen_revision_id: int | None = None

    @property
    def resubmitted(self) -> bool:
        return self.seen_revision_id is not None


def seen_revisions(page_ids: list[int]) -> dict[int, int]:
    """Offer id → the revision a moderator asked to change, for offers whose latest decision
    was a request for changes (declines end a review as cancelled, approvals are approved)."""
    decided = (
        TaskState.objects.filter(
            workflow_state__base_content_type__model="page",
            workflow_state__object_id__in=[str(pk) for pk in page_ids],
            status__in=[TaskState.STATUS_APPROVED, TaskState.STATUS_REJECTED],
        )
        .order_by("finished_at", "pk")
        .values_list("workflow_state__object_id", "status", "revision_id")
    )
    latest = {int(object_id): (status, revision) for object_id, status, revision in decided}
    return {
        page_id: revision
        for page_id, (status, revision) in latest.items()
        if status == TaskState.STATUS_REJECTED
    }


@dataclass
class ModerationQueue:
    """What the dashboard shows: new offers, edits, reports, expiring offers, new accounts."""

    new: list[QueueItem]
    edits: list[QueueItem]
    reports: list[ProblemReport]
    expiring: list[QueueItem]
    memberships: list[OrganisationMembership]

    @property
    def total(self) -> int:
        return len(self.new) + len(self.edits) + len(self.reports) + len(self.memberships)


def moderation_queue(today: dt.date | None = None) -> ModerationQueue:
    """Everything that waits for a moderator, oldest first."""
    today = today or timezone.localdate()
    states = (
        WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS)
        .filter(base_content_type__model="page")
        .select_related("current_task_state")
    )
    by_page = {int(s.object_id): s for s in states}
    pages = OfferPage.objects.filter(pk__in=by_page).select_related("organisation")
    seen = seen_revisions(list(by_page))
    items = []
    for page in pages:
        task_state = by_page[page.pk].current_task_state
        items.append(
            QueueItem(
                page=page,
                # When it came (back) to the moderators: a resubmission waits from then on.
                since=task_state.started_at if task_state else by_page[page.pk].created_at,
                duplicates=possible_duplicates(page),
                revision_id=task_state.revision_id if task_state else None,
                seen_revision_id=seen.get(page.pk),
            )
        )
    items.sort(key=lambda item: item.since)
    new = [item for item in items if not item.page.first_published_at]
    edits = [item for item in items if item.page.first_published_at]
    reports = list(
        ProblemReport.objects.filter(resolved=False).select_related("offer").order_by("created_at")
    )
    soon = today + dt.timedelta(days=settings.OFFER_EXPIRY_NOTICE_DAYS)
    stale_before = today - dt.timedelta(days=30 * settings.OFFER_CONFIRM_AFTER_MONTHS)
    expiring = [
        QueueItem(
            page=page,
            note="until" if page.valid_until and page.valid_until <= soon else "unconfirmed",
        )
        for page in OfferPage.objects.public_current(today)
        .filter(Q(valid_until__lte=soon) | Q(last_confirmed__lt=stale_before))
        .order_by("valid_until", "last_confirmed")[:50]
    ]
    memberships = list(
        OrganisationMembership.objects.filter(approved=False)
        .select_related("user", "organisation")
        .order_by("created_at")
    )
    return ModerationQueue(new, edits, reports, expiring, memberships)
