"""The public "add an offer" form: one topic per step, answers kept in the session, then review.

Nothing is created until the last step is sent. An anonymous submitter then
confirms their e-mail address through a signed link; only that sends the
offer to the moderators. A member of an organisation skips that link (their
address is known), and a trusted organisation's offer is published at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail.log_actions import log

from .. import emails, links, moderation
from ..forms.offer_steps import STEP_NAMES
from ..i18n import active_language
from ..models import OfferOwner, OfferPage, OrganisationPage
from ..offer_answers import create_offer, organisation_for
from ..ratelimit import check, rate_limited, too_many
from . import steps
from .common import member_organisations

SESSION_KEY = "offer_submission"


def _url(name: str) -> str:
    if name == "picture-thumbnail":
        return reverse("submission-picture")
    return reverse("submission-step", kwargs={"step": name})


def _flow(request) -> steps.Flow:
    members = member_organisations(request.user)
    defaults = {}
    if members:
        # A member's offer is usually reached like the organisation: start from its contact.
        first = members[0]
        defaults = {"contact_phone": first.phone, "contact_email": first.email}
        defaults["website"] = first.website
        defaults = {name: value for name, value in defaults.items() if value}
    return steps.Flow(
        session_key=SESSION_KEY,
        url=_url,
        member_organisations=members,
        contact_defaults=defaults,
    )


def start(request):
    """The entry point: forget a finished submission and begin with the first step."""
    return redirect(_url(STEP_NAMES[0]))


@never_cache
@require_http_methods(["GET", "POST"])
def step(request, step: str):
    """One step of the form (``steps.show_step``), or the check page."""
    if step == "review":
        return review(request)
    return steps.show_step(request, _flow(request), step)


@never_cache
def picture(request):
    """The thumbnail of the picture waiting in this session's submission."""
    return steps.picture_thumbnail(request, _flow(request))


@never_cache
@require_http_methods(["GET", "POST"])
def review(request):
    """Check the answers, then send: the offer is created as an unpublished draft."""
    flow = _flow(request)
    state = flow.state(request)
    forms, invalid = steps.checked_answers(flow, state)
    if invalid is not None:
        if request.method == "POST" or state["answers"]:
            messages.error(request, _("Some answers are missing. Please complete this step."))
        return redirect(_url(invalid))
    context = steps.review_context(flow, state, forms)
    if request.method == "POST":
        if state.get("spam") or request.POST.get("homepage"):
            flow.forget(request)
            return redirect("submission-sent")
        wait = check(request, "submission")
        if wait is not None:
            return too_many(request, wait)
        offer = _create(request, context["answers"], flow.member_organisations, state)
        flow.forget(request)
        if flow.member_organisations is not None:
            return redirect("my-offers")
        request.session["submitted_to"] = OfferOwner.objects.get(offer=offer).email
        return redirect("submission-sent")
    return render(request, "directory/submit/review.html", context)


@transaction.atomic
def _create(request, answers: dict, members, state: dict) -> OfferPage:
    language = active_language()
    if members is not None:
        organisation = next(o for o in members if o.pk == answers["organisation"])
        offer = create_offer(
            answers,
            language,
            organisation=organisation,
            picture_token=state.get("picture"),
            user=request.user,
        )
        if moderation.member_can_publish(offer, request.user):
            offer.get_latest_revision().publish(user=request.user, skip_permission_checks=True)
            messages.success(request, _("Your offer is published."))
        else:
            moderation.submit_for_review(offer, request.user)
            messages.success(request, _("Thank you. A moderator will check your offer soon."))
        return offer
    organisation: OrganisationPage = organisation_for(
        answers["organisation_name"], answers["org_type"], language
    )
    offer = create_offer(
        answers,
        language,
        organisation=organisation,
        picture_token=state.get("picture"),
        owner_email=answers["submitter_email"],
    )
    address = answers["submitter_email"]
    path = links.link_path("confirm", offer.pk, language, address)
    transaction.on_commit(
        lambda: emails.send(
            "confirm_submission",
            address,
            language,
            {
                "title": answers["title"],
                "confirm_url": emails.absolute_url(path),
                "days": links.LIFETIMES["confirm"].days,
            },
            offer=offer,
        )
    )
    return offer


def sent(request):
    """After sending: look in your mailbox."""
    return render(
        request,
        "directory/submit/sent.html",
        {
            "address": request.session.get("submitted_to", ""),
            "days": links.LIFETIMES["confirm"].days,
        },
    )


@never_cache
@rate_limited("confirmation", methods=("GET",))
def confirm(request, token: str):
    """The link in the confirmation e-mail: the submission goes to the moderators."""
    try:
        offer_id, recipient = links.read_token(token, "confirm")
    except links.LinkExpired:
        return render(request, "directory/link_problem.html", {"expired": True}, status=410)
    except links.LinkInvalid:
        return render(request, "directory/link_problem.html", {"expired": False}, status=400)
    owner = OfferOwner.objects.filter(offer_id=offer_id).select_related("offer").first()
    if owner is None or owner.email.strip().lower() != recipient:
        return render(request, "directory/link_problem.html", {"expired": False}, status=404)
    if owner.confirmed_at is None:
        with transaction.atomic():
            owner.confirmed_at = timezone.now()
            owner.save(update_fields=["confirmed_at"])
            offer = owner.offer.specific
            log(instance=offer, action="directory.email_confirmed")
            moderation.submit_for_review(offer)
    return render(request, "directory/submit/confirmed.html", {"offer": owner.offer})
