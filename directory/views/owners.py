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
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.log_actions import log

from .. import links, moderation, reminders
from ..forms.offer_steps import STEPS
from ..i18n import active_language
from ..models import OfferPage, OrganisationMembership
from ..offer_answers import edit_offer, offer_answers
from ..pending_pictures import keep_pending_picture
from ..ratelimit import rate_limited
from .common import locate_answers, member_organisations, raw_answers


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
    """Edit one of the organisation's offers."""
    offer = _member_offer(request, offer_id)
    return _edit(request, offer, user=request.user)


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
    """The edit link in e-mails to submitters without an account."""
    offer, problem, status = _offer_from_link(token, "edit")
    if offer is None:
        return render(request, "directory/link_problem.html", problem, status=status)
    return _edit(request, offer, user=None)


@never_cache
@rate_limited("confirmation", methods=("GET",))
def owner_still_current(request, token: str):
    """The one-click "still current" link in reminder e-mails."""
    offer, problem, status = _offer_from_link(token, "current")
    if offer is None:
        return render(request, "directory/link_problem.html", problem, status=status)
    reminders.confirm_current(offer)
    return render(request, "directory/my/still_current.html", {"offer": offer})


def _edit(request, offer: OfferPage, *, user):
    """One page with every step of the form, filled with the latest version of the offer."""
    language = active_language()
    members = member_organisations(user) if user is not None else None
    draft = offer.get_latest_revision_as_object()
    stored = offer_answers(draft, language)
    kwargs = {
        "contact": {
            "member_organisations": members
            if members is not None
            else [draft.organisation]
            if draft.organisation
            else []
        },
        "picture": {"has_picture": draft.image_id is not None},
    }
    if request.method == "POST":
        forms = {}
        for name, form_class in STEPS:
            raw = raw_answers(form_class, request.POST, **kwargs.get(name, {}))
            forms[name] = form_class(data=raw, files=request.FILES, **kwargs.get(name, {}))
        valid = all(form.is_valid() for form in forms.values())
        if valid and any(form.is_spam() for form in forms.values()):
            raise Http404
        if valid:
            answers = {}
            for form in forms.values():
                answers.update(form.cleaned_data)
            if _locate(forms["where"], answers, stored["where"]):
                picture = answers.get("picture")
                token = keep_pending_picture(picture) if picture is not None else None
                revision = edit_offer(
                    offer,
                    answers,
                    language,
                    picture_token=token,
                    remove_picture=bool(answers.get("remove_picture")),
                    user=user,
                )
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
    else:
        forms = {
            name: form_class(initial=stored[name], **kwargs.get(name, {}))
            for name, form_class in STEPS
        }
    return render(
        request,
        "directory/my/edit.html",
        {
            "offer": offer,
            "forms": forms,
            "steps": [(n, forms[n]) for n, _f in STEPS],
            "picture_kept": draft.image_id is not None,
        },
    )


def _locate(form, answers: dict, before: dict) -> bool:
    """Locate again if the address changed; False (with an error) if it cannot be found."""
    if not form.needs_place():
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
    point = locate_answers(answers)
    if point is None:
        form.add_error(
            "postcode", _("We could not find this place. Check the postcode and the town.")
        )
        return False
    answers["latitude"], answers["longitude"] = point
    return True
