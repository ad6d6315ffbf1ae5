"""From the offer form's answers to an offer page and back: new submissions, owners' edits.

The public form and the edit page collect the same answers (``forms.offer_steps``).
This module turns them into an unpublished Wagtail page revision; publishing
is left to the review workflow (``moderation``). Text is stored in the
language it was written in; the source language is the fallback every page
needs, so a new offer written in another language gets German by machine
translation (marked as such) where a provider is configured, else a copy of its
text, until a moderator translates it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from wagtail.images.models import AbstractImage

from . import auto_translate
from .constants.formats import OfferFormat
from .constants.sources import OfferSource
from .forms.offer_steps import DATE_ROWS, SLOT_ROWS, STEPS
from .i18n import SOURCE_LANGUAGE, own_text, set_text, text_in
from .models import (
    Category,
    OfferDate,
    OfferIndexPage,
    OfferLocation,
    OfferOwner,
    OfferPage,
    OfferWeeklySlot,
    OrganisationIndexPage,
    OrganisationPage,
    SpokenLanguage,
    TargetGroup,
)
from .pending_pictures import image_from_pending
from .plain_text import rich_text_to_text, text_to_rich_text
from .slugs import ascii_slug

PLAIN_FIELDS = (
    "kind",
    "format",
    "is_free",
    "interpreter_available",
    "registration_required",
    "childcare",
    "wheelchair_accessible",
    "valid_from",
    "valid_until",
    "contact_name",
    "contact_phone",
    "contact_email",
    "website",
    "messenger",
)
TEXT_FIELDS = ("contact_name", "contact_phone", "contact_email", "website", "messenger")

# --- Steps ---------------------------------------------------------------------


def bind_steps(
    raw: dict[str, dict[str, Any]],
    *,
    member_organisations=None,
    has_picture: bool = False,
) -> dict[str, Any]:
    """Every step's form bound to the answers stored for it (the picture step has no file)."""
    forms: dict[str, Any] = {}
    for name, form_class in STEPS:
        kwargs: dict[str, Any] = {}
        if name == "contact":
            kwargs["member_organisations"] = member_organisations
        if name == "picture":
            kwargs["has_picture"] = has_picture
        forms[name] = form_class(data=raw.get(name, {}), **kwargs)
    return forms


def first_invalid_step(forms: dict[str, Any]) -> str | None:
    """The first step whose stored answers do not validate (None when all do)."""
    for name, form in forms.items():
        if not form.is_valid():
            return name
    return None


def merged_answers(forms: dict[str, Any]) -> dict[str, Any]:
    """The cleaned answers of all (valid) steps in one dict."""
    answers: dict[str, Any] = {}
    for form in forms.values():
        answers.update(form.cleaned_data)
    answers.pop("homepage", None)
    return answers


# --- Offers ---------------------------------------------------------------------------


def offer_answers(offer: OfferPage, language: str) -> dict[str, dict[str, Any]]:
    """An existing offer as raw step answers, in ``language`` (German where not translated)."""

    def text(field: str) -> str:
        return text_in(offer, field, language).value

    what = {
        "title": text("title"),
        "kind": offer.kind,
        "categories": [c.slug for c in offer.categories.all()],
        "summary": text("summary"),
        "description": rich_text_to_text(text("description")),
    }
    when: dict[str, Any] = {
        "schedule_note": text("schedule_note"),
        "valid_from": offer.valid_from.isoformat() if offer.valid_from else "",
        "valid_until": offer.valid_until.isoformat() if offer.valid_until else "",
    }
    for row, slot in enumerate(list(offer.weekly_slots.all())[:SLOT_ROWS], start=1):
        when[f"slot{row}_day"] = str(slot.weekday)
        when[f"slot{row}_start"] = slot.start_time.strftime("%H:%M")
        when[f"slot{row}_end"] = slot.end_time.strftime("%H:%M")
    for row, date in enumerate(list(offer.dates.all())[:DATE_ROWS], start=1):
        when[f"date{row}"] = date.date.isoformat()
        when[f"date{row}_start"] = date.start_time.strftime("%H:%M") if date.start_time else ""
        when[f"date{row}_end"] = date.end_time.strftime("%H:%M") if date.end_time else ""
    where: dict[str, Any] = {"format": offer.format}
    place = offer.locations.first()
    if place is not None:
        where.update(
            place_name=place.name,
            street=place.street,
            postcode=place.postcode,
            town=place.town,
            transit_note=text_in(place, "transit_note", language).value,
            latitude="" if place.latitude is None else str(place.latitude),
            longitude="" if place.longitude is None else str(place.longitude),
        )
    who = {
        "target_groups": [g.slug for g in offer.target_groups.all()],
        "spoken_languages": [s.code for s in offer.spoken_languages.all()],
        "interpreter_available": "on" if offer.interpreter_available else "",
        "is_free": "1" if offer.is_free else "0",
        "cost_note": text("cost_note"),
        "registration_required": "on" if offer.registration_required else "",
        "registration_note": text("registration_note"),
        "childcare": "on" if offer.childcare else "",
        "wheelchair_accessible": "on" if offer.wheelchair_accessible else "",
    }
    contact = {
        "organisation": str(offer.organisation_id or ""),
        "organisation_name": offer.organisation.title if offer.organisation else "",
        "org_type": offer.organisation.org_type if offer.organisation else "",
        "contact_name": offer.contact_name,
        "contact_phone": offer.contact_phone,
        "contact_email": offer.contact_email,
        "website": offer.website,
        "messenger": offer.messenger,
    }
    # A published picture passed the consent question once; its answer was not stored.
    picture = {
        "picture_alt": text("image_alt"),
        "people_shown": "yes" if offer.image else "",
        "people_consent": "on" if offer.image else "",
    }
    return {
        "what": what,
        "when": when,
        "where": where,
        "who": who,
        "contact": contact,
        "picture": picture,
    }


def _set_text(offer: OfferPage, field: str, value: str, language: str, *, new: bool) -> None:
    """Write a translated field in ``language``; keep German in step where it was only a copy."""
    old = own_text(offer, field, language)
    source = own_text(offer, field, SOURCE_LANGUAGE)
    if language != SOURCE_LANGUAGE and (new or not source or source == old):
        set_text(offer, field, SOURCE_LANGUAGE, value)
    set_text(offer, field, language, value)


def apply_answers(
    offer: OfferPage,
    answers: dict[str, Any],
    language: str,
    *,
    organisation: OrganisationPage | None,
    image: AbstractImage | None = None,
    remove_image: bool = False,
) -> None:
    """Copy cleaned answers onto an (unsaved or draft) offer, with its places and times."""
    new = offer.pk is None
    texts = {
        "title": answers["title"],
        "summary": answers["summary"],
        "description": text_to_rich_text(answers.get("description", "")),
        "cost_note": answers.get("cost_note", "") if not answers.get("is_free") else "",
        "registration_note": answers.get("registration_note", ""),
        "schedule_note": answers.get("schedule_note", ""),
        "image_alt": answers.get("picture_alt", "") if (image or offer.image) else "",
    }
    for field, value in texts.items():
        _set_text(offer, field, value, language, new=new)
    for field in PLAIN_FIELDS:
        value = answers.get(field)
        # Empty optional text arrives as "" or None; the model's text fields want "".
        setattr(offer, field, "" if value is None and field in TEXT_FIELDS else value)
    if organisation is not None:
        offer.organisation = organisation
    if image is not None:
        offer.image = image
    elif remove_image:
        offer.image = None
        _set_text(offer, "image_alt", "", language, new=new)
    offer.categories = list(Category.objects.filter(slug__in=answers["categories"]))
    offer.target_groups = list(
        TargetGroup.objects.filter(slug__in=answers.get("target_groups", []))
    )
    offer.spoken_languages = list(
        SpokenLanguage.objects.filter(code__in=answers["spoken_languages"])
    )
    offer.weekly_slots = [
        OfferWeeklySlot(
            weekday=answers[f"slot{r}_day"],
            start_time=answers[f"slot{r}_start"],
            end_time=answers[f"slot{r}_end"],
        )
        for r in range(1, SLOT_ROWS + 1)
        if answers.get(f"slot{r}_day") is not None
    ]
    offer.dates = [
        OfferDate(
            date=answers[f"date{r}"],
            start_time=answers.get(f"date{r}_start"),
            end_time=answers.get(f"date{r}_end"),
        )
        for r in range(1, DATE_ROWS + 1)
        if answers.get(f"date{r}")
    ]
    if answers.get("format") == OfferFormat.ONLINE:
        offer.locations = []
    else:
        place = OfferLocation(
            name=answers.get("place_name", ""),
            street=answers.get("street", ""),
            postcode=answers.get("postcode", ""),
            town=answers.get("town", ""),
            latitude=answers.get("latitude"),
            longitude=answers.get("longitude"),
        )
        for written in dict.fromkeys([SOURCE_LANGUAGE, language]):
            set_text(place, "transit_note", written, answers.get("transit_note", ""))
        offer.locations = [place]


def _unique_slug(parent, title: str) -> str:
    # ASCII slugs: "Frauencafé" becomes "frauencafe", "Fußball" "fussball"; other scripts
    # are transliterated.
    base = ascii_slug(title, "angebot")
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def organisation_for(name: str, org_type: str, language: str) -> OrganisationPage:
    """A new unpublished organisation page for the name a submitter typed.

    Never an existing organisation, even of the same name: anybody can type
    "Caritas". Only a moderator links a submission to an existing organisation
    (the review notes point out one of that name).
    """
    parent = OrganisationIndexPage.objects.first()
    page = OrganisationPage(
        title=name.strip(), org_type=org_type, live=False, slug=_unique_slug(parent, name)
    )
    set_text(page, "title", SOURCE_LANGUAGE, name.strip())
    parent.add_child(instance=page)
    page.save_revision()
    return page


@transaction.atomic
def create_offer(
    answers: dict[str, Any],
    language: str,
    *,
    organisation: OrganisationPage,
    picture_token: str | None = None,
    owner_email: str = "",
    user=None,
) -> OfferPage:
    """A new, unpublished offer page with one revision; its owner noted when there is no account."""
    parent = OfferIndexPage.objects.first()
    if parent is None:
        raise RuntimeError("There is no offer list page to add offers to.")
    image = (
        image_from_pending(picture_token, answers.get("picture_alt", "")) if picture_token else None
    )
    offer = OfferPage(live=False, source=OfferSource.SUBMISSION, original_language=language)
    apply_answers(offer, answers, language, organisation=organisation, image=image)
    # German for the moderator, by machine where a provider is configured (else a copy).
    german = auto_translate.german_for_submission(offer, language)
    offer.slug = _unique_slug(parent, answers["title"])
    parent.add_child(instance=offer)
    offer.save_revision(user=user, log_action=True)
    auto_translate.record_submission(offer, german)
    if owner_email:
        OfferOwner.objects.create(offer=offer, email=owner_email, language=language)
    return offer


@transaction.atomic
def edit_offer(
    offer: OfferPage,
    answers: dict[str, Any],
    language: str,
    *,
    picture_token: str | None = None,
    remove_picture: bool = False,
    user=None,
):
    """Save an owner's edit as a new revision; the live version stays as it is until approved."""
    draft = offer.get_latest_revision_as_object()
    image = (
        image_from_pending(picture_token, answers.get("picture_alt", "")) if picture_token else None
    )
    organisation = None
    if answers.get("organisation"):
        organisation = OrganisationPage.objects.filter(pk=answers["organisation"]).first()
    apply_answers(
        draft,
        answers,
        language,
        organisation=organisation,
        image=image,
        remove_image=remove_picture,
    )
    return draft.save_revision(user=user, log_action=True)
