"""The public "add an offer" form: one topic per step, answers kept in the session, then review.

Nothing is created until the last step is sent. An anonymous submitter then
confirms their e-mail address through a signed link; only that sends the
offer to the moderators. A member of an organisation skips that link (their
address is known), and a trusted organisation's offer is published at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail.log_actions import log

from .. import emails, links, moderation
from ..forms.offer_steps import STEP_NAMES, STEP_TITLES, STEPS
from ..i18n import active_language
from ..models import OfferOwner, OfferPage, OrganisationPage
from ..offer_answers import (
    bind_steps,
    create_offer,
    first_invalid_step,
    merged_answers,
    organisation_for,
)
from ..pending_pictures import discard_pending_picture, keep_pending_picture, pending_picture
from ..ratelimit import check, rate_limited, too_many
from .common import locate_answers, map_preview, member_organisations, raw_answers

SESSION_KEY = "offer_submission"
FORMS = dict(STEPS)


def _state(request) -> dict:
    """The answers so far. Only ``_save`` puts them in the session, after a POST was read.

    A GET must not create a session: every cookieless visit would add a row.
    """
    return request.session.get(SESSION_KEY) or {
        "answers": {},
        "picture": None,
        "spam": False,
        "point_key": "",
    }


def _save(request, state: dict) -> None:
    request.session[SESSION_KEY] = state
    request.session.modified = True


def _neighbour(step: str, offset: int) -> str:
    index = STEP_NAMES.index(step) + offset
    return STEP_NAMES[max(0, min(index, len(STEP_NAMES) - 1))]


def _step_url(step: str) -> str:
    return reverse("submission-step", kwargs={"step": step})


def _form_kwargs(step: str, request, state: dict) -> dict:
    if step == "contact":
        return {"member_organisations": member_organisations(request.user)}
    if step == "picture":
        return {"has_picture": pending_picture(state.get("picture")) is not None}
    return {}


def _address_key(raw: dict) -> str:
    return "|".join(str(raw.get(k, "")).strip().lower() for k in ("street", "postcode", "town"))


def start(request):
    """The entry point: forget a finished submission and begin with the first step."""
    return redirect(_step_url(STEP_NAMES[0]))


@never_cache
@require_http_methods(["GET", "POST"])
def step(request, step: str):
    """One step of the form; POST stores what was typed, even when it is not valid yet."""
    if step == "review":
        return review(request)
    if step not in FORMS:
        raise Http404
    if request.method == "POST":
        wait = check(request, "submission_step")
        if wait is not None:
            return too_many(request, wait)
    state = _state(request)
    form_class = FORMS[step]
    kwargs = _form_kwargs(step, request, state)
    preview = None
    if request.method == "POST":
        raw = raw_answers(form_class, request.POST, **kwargs)
        state["answers"][step] = raw
        _save(request, state)
        if "back" in request.POST:
            return redirect(_step_url(_neighbour(step, -1)))
        form = form_class(data=raw, files=request.FILES, **kwargs)
        if form.is_valid():
            if form.is_spam():
                state["spam"] = True
            if step == "picture":
                _keep_picture(state, form)
            if step == "where" and form.needs_place():
                key = _address_key(raw)
                point = state.get("point") if state.get("point_key") == key else None
                if "confirm" not in request.POST or point is None:
                    point = locate_answers(raw)
                    confirmed = False
                else:
                    confirmed = True
                if point is None:
                    form.add_error(
                        "postcode",
                        _("We could not find this place. Check the postcode and the town."),
                    )
                else:
                    # Coordinates come from our lookup only, never from the posted form.
                    raw["latitude"], raw["longitude"] = (f"{point[0]:.6f}", f"{point[1]:.6f}")
                    state["point"], state["point_key"] = list(point), key
                    _save(request, state)
                    if confirmed:
                        return redirect(_next(request, step))
                    preview = map_preview(*point)
                    form = form_class(data=raw, **kwargs)
            elif step == "where":
                raw.pop("latitude", None)
                raw.pop("longitude", None)
                _save(request, state)
            if not form.errors and preview is None:
                _save(request, state)
                return redirect(_next(request, step))
    else:
        stored = state["answers"].get(step)
        form = form_class(initial=stored, **kwargs) if stored is not None else form_class(**kwargs)
        if step == "where" and stored and stored.get("latitude"):
            preview = map_preview(float(stored["latitude"]), float(stored["longitude"]))
    return render(
        request,
        "directory/submit/step.html",
        {
            "form": form,
            "step": step,
            "step_title": STEP_TITLES[step],
            "step_number": STEP_NAMES.index(step) + 1,
            "step_count": len(STEP_NAMES),
            "previous_step": _neighbour(step, -1) if step != STEP_NAMES[0] else None,
            "preview": preview,
            "picture_kept": step == "picture" and kwargs.get("has_picture"),
            "member": kwargs.get("member_organisations") is not None
            or member_organisations(request.user) is not None,
        },
        status=200,
    )


def _next(request, step: str) -> str:
    if request.POST.get("return") == "review":
        return _step_url("review")
    return _step_url(_neighbour(step, 1))


def _keep_picture(state: dict, form) -> None:
    picture = form.cleaned_data.get("picture")
    if picture is not None:
        discard_pending_picture(state.get("picture"))
        state["picture"] = keep_pending_picture(picture)
    elif form.cleaned_data.get("remove_picture"):
        discard_pending_picture(state.get("picture"))
        state["picture"] = None


@never_cache
@require_http_methods(["GET", "POST"])
def review(request):
    """Check the answers, then send: the offer is created as an unpublished draft."""
    state = _state(request)
    members = member_organisations(request.user)
    has_picture = pending_picture(state.get("picture")) is not None
    forms = bind_steps(state["answers"], member_organisations=members, has_picture=has_picture)
    invalid = first_invalid_step(forms)
    if invalid is not None:
        if request.method == "POST" or state["answers"]:
            messages.error(request, _("Some answers are missing. Please complete this step."))
        return redirect(_step_url(invalid))
    answers = merged_answers(forms)
    if request.method == "POST":
        if state.get("spam") or request.POST.get("homepage"):
            request.session.pop(SESSION_KEY, None)
            return redirect("submission-sent")
        wait = check(request, "submission")
        if wait is not None:
            return too_many(request, wait)
        offer = _create(request, answers, members, state)
        request.session.pop(SESSION_KEY, None)
        if members is not None:
            return redirect("my-offers")
        request.session["submitted_to"] = OfferOwner.objects.get(offer=offer).email
        return redirect("submission-sent")
    return render(
        request,
        "directory/submit/review.html",
        {
            "forms": forms,
            "answers": answers,
            "steps": [(name, STEP_TITLES[name], forms[name]) for name, _form in STEPS],
            "step_number": len(STEP_NAMES),
            "step_count": len(STEP_NAMES),
            "step_title": STEP_TITLES["review"],
            "picture_kept": has_picture,
            "preview": map_preview(answers["latitude"], answers["longitude"])
            if answers.get("latitude") is not None
            else None,
            "member": members is not None,
        },
    )


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
