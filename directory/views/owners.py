"""Keeping offers current: "my offers" for members, signed links for submitters without account.

A member sees and edits only the offers of the organisations their approved
memberships name; any other offer is a 404, whether it exists or not. An
edit becomes a new revision that goes to the moderators while the live
version stays visible, unless the organisation is trusted.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.log_actions import log

from .. import links, moderation, reminders
from ..constants.formats import OfferFormat
from ..i18n import active_language
from ..models import OfferPage, OrganisationMembership
from ..offer_answers import edit_offer, offer_answers
from ..ratelimit import rate_limited
from . import steps
from .common import locate_answers, member_organisations


def _status(offer: OfferPage) -> str:
    state = moderation.in_review(offer)
    if state is not None:
        status = "changes" if state.status == state.STATUS_NEEDS_CHANGES else "review"
        # An edit of a published offer: the published version stays visible meanwhile.
        return f"{status}_live" if offer.live else status
    if offer.live:
        return "live_draft" if offer.has_unpublished_changes else "live"
    return "offline" if offer.first_published_at else "draft"


@login_required
def my_offers(request):
    """The offers of the member's organisations, with their state."""
    organisations = member_organisations(request.user) or []
    pending = OrganisationMembership.objects.filter(user=request.user, approved=False)
    offers = (
        OfferPage.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("title")
    )
    return render(
        request,
        "directory/my/offers.html",
        {
            "organisations": organisations,
            "pending": pending,
            "offers": [(offer, _status(offer)) for offer in offers],
        },
    )


def _member_offer(request, offer_id: int) -> OfferPage:
    organisations = member_organisations(request.user) or []
    offer = OfferPage.objects.filter(pk=offer_id, organisation__in=organisations).first()
    if offer is None:
        raise Http404
    return offer


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def member_edit(request, offer_id: int):
    """Edit one of the organisation's offers: the check page, each step a link away."""
    offer = _member_offer(request, offer_id)
    flow = _edit_flow(request, offer, user=request.user, link={"offer_id": offer.pk})
    return _edit_review(request, offer, flow, user=request.user)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def member_edit_step(request, offer_id: int, step: str):
    """One step of a member's edit; it returns to the check page."""
    offer = _member_offer(request, offer_id)
    flow = _edit_flow(request, offer, user=request.user, link={"offer_id": offer.pk})
    if step == "review":
        return redirect(flow.url("review"))
    return steps.show_step(request, flow, step)


@login_required
@never_cache
def member_edit_picture(request, offer_id: int):
    offer = _member_offer(request, offer_id)
    flow = _edit_flow(request, offer, user=request.user, link={"offer_id": offer.pk})
    return steps.picture_thumbnail(request, flow)


@login_required
@require_POST
def member_still_current(request, offer_id: int):
    """The "still current" button in "my offers" (published offers only)."""
    offer = _member_offer(request, offer_id)
    if not offer.live:
        messages.error(request, _("Only a published offer can be confirmed as current."))
        return redirect("my-offers")
    reminders.confirm_current(offer, user=request.user)
    messages.success(request, _("Thank you. The offer is marked as current."))
    return redirect("my-offers")


def _offer_from_link(token: str, purpose: str):
    try:
        offer_id, recipient = links.read_token(token, purpose)
    except links.LinkExpired:
        return None, {"expired": True}, 410
    except links.LinkInvalid:
        return None, {"expired": False}, 400
    offer = OfferPage.objects.filter(pk=offer_id).first()
    if offer is None:
        return None, {"expired": False}, 404
    # The link works only while its recipient may still act for the offer: a revoked
    # membership, or an owner replaced by a moderator, ends it.
    allowed = {address.strip().lower() for address, _language in moderation.recipients(offer)}
    if recipient not in allowed:
        return None, {"expired": False, "revoked": True}, 403
    return offer, None, 200


@never_cache
@rate_limited("confirmation", methods=("GET", "POST"))
@require_http_methods(["GET", "POST"])
def owner_edit(request, token: str):
    """The edit link in e-mails to submitters without an account: the check page."""
    offer, problem, status = _offer_from_link(token, "edit")
    if offer is None:
        return render(request, "directory/link_problem.html", problem, status=status)
    flow = _edit_flow(request, offer, user=None, link={"token": token})
    return _edit_review(request, offer, flow, user=None)


@never_cache
@require_http_methods(["GET", "POST"])
def owner_edit_step(request, token: str, step: str):
    """One step of an edit through the link; it returns to the check page."""
    offer, problem, status = _offer_from_link(token, "edit")
    if offer is None:
        return render(request, "directory/link_problem.html", problem, status=status)
    flow = _edit_flow(request, offer, user=None, link={"token": token})
    if step == "review":
        return redirect(flow.url("review"))
    return steps.show_step(request, flow, step)


@never_cache
def owner_edit_picture(request, token: str):
    offer, _problem, _status = _offer_from_link(token, "edit")
    if offer is None:
        raise Http404
    flow = _edit_flow(request, offer, user=None, link={"token": token})
    return steps.picture_thumbnail(request, flow)


@never_cache
@rate_limited("confirmation", methods=("GET",))
def owner_still_current(request, token: str):
    """The one-click "still current" link in reminder e-mails."""
    offer, problem, status = _offer_from_link(token, "current")
    if offer is None:
        return render(request, "directory/link_problem.html", problem, status=status)
    reminders.confirm_current(offer)
    return render(request, "directory/my/still_current.html", {"offer": offer})


def _edit_flow(request, offer: OfferPage, *, user, link: dict) -> steps.Flow:
    """The steps of an edit, starting from the offer's latest version in the reader's language.

    The answers live in the session under the offer and its latest revision, so an
    edit begun before a moderator's change starts afresh instead of undoing it.
    """
    draft = offer.get_latest_revision_as_object()
    members = member_organisations(user) if user is not None else None
    if members is None:
        members = [draft.organisation] if draft.organisation else []
    prefix = "member-edit" if "offer_id" in link else "owner-edit"

    def url(name: str) -> str:
        if name == "review":
            return reverse(prefix, kwargs=link)
        if name == "picture-thumbnail":
            return reverse(f"{prefix}-picture", kwargs=link)
        return reverse(f"{prefix}-step", kwargs={**link, "step": name})

    picture = ""
    if draft.image is not None:
        picture = draft.image.get_rendition("max-320x240").url
    return steps.Flow(
        session_key=f"offer_edit:{offer.pk}:{offer.latest_revision_id}",
        url=url,
        member_organisations=members,
        initial=offer_answers(draft, active_language()),
        saved_picture_url=picture,
        back_to_review=True,
    )


def _edit_review(request, offer: OfferPage, flow: steps.Flow, *, user):
    """The check page of an edit: every answer with a link to change it, then send."""
    state = flow.state(request)
    forms, invalid = steps.checked_answers(flow, state)
    context = {"offer": offer, **steps.review_context(flow, state, forms)}
    if request.method == "GET":
        return render(request, "directory/submit/review.html", context)
    if invalid is not None:
        messages.error(request, _("Some answers are missing. Please complete this step."))
        return redirect(flow.url(invalid))
    if state.get("spam") or request.POST.get("homepage"):
        raise Http404
    answers = context["answers"]
    before = flow.initial["where"] if flow.initial else {}
    if not _locate(answers, before):
        messages.error(request, _("We could not find this place. Check the postcode and the town."))
        return redirect(flow.url("where"))
    revision = edit_offer(
        offer,
        answers,
        active_language(),
        picture_token=state.get("picture"),
        remove_picture=bool(answers.get("remove_picture")),
        user=user,
    )
    flow.forget(request)
    if user is not None and moderation.member_can_publish(offer, user):
        revision.publish(user=user, skip_permission_checks=True)
        log(instance=offer, action="directory.trusted_publish", user=user)
        messages.success(request, _("Your changes are published."))
    else:
        moderation.submit_for_review(offer, user)
        messages.success(
            request,
            _(
                "Thank you. A moderator will check your changes; until then the "
                "offer stays as it was."
            ),
        )
    if user is not None:
        return redirect("my-offers")
    return render(request, "directory/my/edit_saved.html", {"offer": offer})


def _locate(answers: dict, before: dict) -> bool:
    """Locate again if the address changed (the where step normally did); False if not found."""
    if answers.get("format") == OfferFormat.ONLINE:
        answers["latitude"] = answers["longitude"] = None
        return True
    same = all(
        str(answers.get(k) or "") == str(before.get(k) or "")
        for k in ("street", "postcode", "town")
    )
    if same and before.get("latitude"):
        answers["latitude"], answers["longitude"] = (
            float(before["latitude"]),
            float(before["longitude"]),
        )
        return True
    if answers.get("latitude") is not None:
        return True  # located by the where step of this edit
    point = locate_answers(answers)
    if point is None:
        return False
    answers["latitude"], answers["longitude"] = point
    return True
