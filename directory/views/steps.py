"""Walking through the offer's steps, then checking the answers: shared by the public
submission and by editing an offer (members and submitters with an edit link).

A ``Flow`` says where its answers live in the session, where its pages are and
where an edit starts from; ``show_step`` and ``review_context`` do the rest, so
both ways through the form behave alike: one topic per page, what was typed is
kept even when it is not valid yet, and the place is shown for a check.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..district_map import district_map
from ..forms.offer_steps import STEP_NAMES, STEP_TITLES, STEPS
from ..offer_answers import bind_steps, first_invalid_step, merged_answers
from ..pending_pictures import (
    discard_pending_picture,
    keep_pending_picture,
    pending_picture,
    pending_storage,
)
from ..ratelimit import check, too_many
from .common import locate_answers, map_preview, raw_answers

FORMS = dict(STEPS)


def address_key(raw: dict) -> str:
    """The typed address, to tell whether the located point still belongs to it."""
    return "|".join(str(raw.get(k, "")).strip().lower() for k in ("street", "postcode", "town"))


@dataclass
class Flow:
    """One way through the steps.

    ``url(name)`` gives the page of a step, of "review" and of "picture-thumbnail" (the
    pending picture's thumbnail). An edit starts from ``initial`` (the offer's
    answers) and ``saved_picture`` (the offer has a picture); every change of a
    step returns to the check page (``back_to_review``).
    """

    session_key: str
    url: Callable[[str], str]
    member_organisations: list | None = None
    initial: dict[str, dict[str, Any]] | None = None
    saved_picture_url: str = ""
    back_to_review: bool = False
    contact_defaults: dict[str, str] = field(default_factory=dict)

    def state(self, request) -> dict:
        """The answers so far. Only ``save`` puts them in the session, after a POST was read.

        A GET must not create a session: every cookieless visit would add a row.
        """
        stored = request.session.get(self.session_key)
        if stored:
            return stored
        answers = {name: dict(values) for name, values in (self.initial or {}).items()}
        where = answers.get("where", {})
        point = None
        if where.get("latitude") and where.get("longitude"):
            point = [float(where["latitude"]), float(where["longitude"])]
        return {
            "answers": answers,
            "picture": None,
            "spam": False,
            "point": point,
            "point_key": address_key(where) if point else "",
        }

    def save(self, request, state: dict) -> None:
        request.session[self.session_key] = state
        request.session.modified = True

    def forget(self, request) -> None:
        request.session.pop(self.session_key, None)

    def has_picture(self, state: dict) -> bool:
        """A picture is kept: a new one waits, or the offer's own is not removed."""
        if pending_picture(state.get("picture")) is not None:
            return True
        removed = state["answers"].get("picture", {}).get("remove_picture")
        return bool(self.saved_picture_url) and not removed

    def picture_url(self, state: dict) -> str:
        """Where the check page finds the thumbnail of the kept picture ("" for none)."""
        if pending_picture(state.get("picture")) is not None:
            return self.url("picture-thumbnail")
        return self.saved_picture_url if self.has_picture(state) else ""

    def form_kwargs(self, step: str, state: dict) -> dict:
        if step == "contact":
            # The organisation's contact fills an untouched step only, never typed answers.
            untouched = "contact" not in state["answers"]
            return {
                "member_organisations": self.member_organisations,
                "defaults": self.contact_defaults if untouched else {},
            }
        if step == "picture":
            return {"has_picture": self.has_picture(state)}
        return {}

    def neighbour(self, step: str, offset: int) -> str:
        index = STEP_NAMES.index(step) + offset
        return STEP_NAMES[max(0, min(index, len(STEP_NAMES) - 1))]

    def next_url(self, request, step: str) -> str:
        if self.back_to_review or request.POST.get("return") == "review":
            return self.url("review")
        return self.url(self.neighbour(step, 1))


def show_step(request, flow: Flow, step: str) -> HttpResponse:
    """One step of the form; POST stores what was typed, even when it is not valid yet."""
    if step not in FORMS:
        raise Http404
    if request.method == "POST":
        wait = check(request, "submission_step")
        if wait is not None:
            return too_many(request, wait)
    state = flow.state(request)
    form_class = FORMS[step]
    kwargs = flow.form_kwargs(step, state)
    preview = None
    if request.method == "POST":
        raw = raw_answers(form_class, request.POST, **kwargs)
        if step == "where":
            # Coordinates come from our lookup only, never from the posted form.
            raw.pop("latitude", None)
            raw.pop("longitude", None)
        state["answers"][step] = raw
        flow.save(request, state)
        if "back" in request.POST:
            target = "review" if flow.back_to_review else flow.neighbour(step, -1)
            return redirect(flow.url(target))
        form = form_class(data=raw, files=request.FILES, **kwargs)
        if form.is_valid():
            if form.is_spam():
                state["spam"] = True
            if step == "picture":
                _keep_picture(state, form)
            if step == "where" and form.needs_place():
                key = address_key(raw)
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
                    raw["latitude"], raw["longitude"] = (f"{point[0]:.6f}", f"{point[1]:.6f}")
                    state["point"], state["point_key"] = list(point), key
                    flow.save(request, state)
                    if confirmed:
                        return redirect(flow.next_url(request, step))
                    preview = _previews(*point)
                    form = form_class(data=raw, **kwargs)
            elif step == "where":
                raw.pop("latitude", None)
                raw.pop("longitude", None)
                flow.save(request, state)
            if not form.errors and preview is None:
                flow.save(request, state)
                return redirect(flow.next_url(request, step))
    else:
        stored = state["answers"].get(step)
        form = form_class(initial=stored, **kwargs) if stored is not None else form_class(**kwargs)
        if step == "where" and stored and stored.get("latitude"):
            preview = _previews(float(stored["latitude"]), float(stored["longitude"]))
    return render(
        request,
        "directory/submit/step.html",
        {
            "form": form,
            "step": step,
            "step_title": STEP_TITLES[step],
            "step_number": STEP_NAMES.index(step) + 1,
            "step_count": len(STEP_NAMES),
            "previous_step": flow.neighbour(step, -1) if step != STEP_NAMES[0] else None,
            "back_to_review": flow.back_to_review,
            "editing": flow.initial is not None,
            "preview": preview,
            "picture_kept": step == "picture" and kwargs.get("has_picture"),
            "picture_url": flow.picture_url(state) if step == "picture" else "",
            "member": flow.member_organisations is not None,
            "contact_prefilled": step == "contact" and bool(kwargs.get("defaults")),
        },
    )


def _previews(latitude: float, longitude: float) -> dict:
    """The place check: the site's own district map, and tiles where a server is configured."""
    return {
        "tiles": map_preview(latitude, longitude),
        "district": district_map(latitude, longitude),
    }


def _keep_picture(state: dict, form) -> None:
    picture = form.cleaned_data.get("picture")
    if picture is not None:
        discard_pending_picture(state.get("picture"))
        state["picture"] = keep_pending_picture(picture)
    elif form.cleaned_data.get("remove_picture"):
        discard_pending_picture(state.get("picture"))
        state["picture"] = None


def checked_answers(flow: Flow, state: dict) -> tuple[dict, str | None]:
    """Every step bound to its stored answers, and the first step that is not valid."""
    forms = bind_steps(
        state["answers"],
        member_organisations=flow.member_organisations,
        has_picture=flow.has_picture(state),
    )
    return forms, first_invalid_step(forms)


def review_context(flow: Flow, state: dict, forms: dict) -> dict:
    """What the check page shows: every step's answers with a link to change them
    (a step whose answers are not valid says so instead)."""
    answers = merged_answers({n: f for n, f in forms.items() if f.is_valid()})
    return {
        "forms": forms,
        "answers": answers,
        "steps": [(name, STEP_TITLES[name], forms[name], flow.url(name)) for name, _form in STEPS],
        "step_number": len(STEP_NAMES),
        "step_count": len(STEP_NAMES),
        "step_title": STEP_TITLES["review"],
        "picture_url": flow.picture_url(state),
        "preview": _previews(answers["latitude"], answers["longitude"])
        if answers.get("latitude") is not None
        else None,
        "member": flow.member_organisations is not None,
        "editing": flow.initial is not None,
        "complete": all(form.is_valid() for form in forms.values()),
        # The file itself is shown as a thumbnail; consent matters only with people shown.
        "unshown_answers": ["picture", "remove_picture"]
        + ([] if answers.get("people_shown") == "yes" else ["people_consent"]),
    }


def picture_thumbnail(request, flow: Flow) -> FileResponse:
    """The picture waiting in this session's answers, for the check page only."""
    name = pending_picture(flow.state(request).get("picture"))
    if name is None:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(pending_storage().open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
