"""Write checked records into the directory: new offers and updates, each in the review workflow.

An imported offer is an unpublished page with one revision (source "import"),
sent to the moderators' review like a submission, unless the moderator marked
the file's source as trusted: then the revision is published at once. Every
written row is remembered (``OfferImport``: file, row, content fingerprint), so
importing the same file again changes nothing.
"""

from __future__ import annotations

from django.db import transaction

from .. import moderation
from ..gazetteer import resolve_place
from ..geocoding import locate
from ..i18n import SOURCE_LANGUAGE, set_text
from ..models import (
    OfferImport,
    OfferIndexPage,
    OfferPage,
    OrganisationIndexPage,
    OrganisationPage,
    TranslationOrigin,
)
from ..slugs import ascii_slug
from ..translation_status import record as record_translation
from ..translation_status import slots
from .building import fill_page, new_page
from .checking import Decision, Outcome, fingerprint
from .records import OfferRecord, OrganisationRecord


class Writer:
    """Writes the records of one file, remembering slugs taken and organisations between rows."""

    def __init__(self, *, file_name: str, trusted: bool, user=None, batch=None) -> None:
        self.file_name = file_name
        self.trusted = trusted
        self.user = user
        self.batch = batch
        self.offers_parent = OfferIndexPage.objects.first()
        self.organisations_parent = OrganisationIndexPage.objects.first()
        if self.offers_parent is None or self.organisations_parent is None:
            raise RuntimeError("The site has no offer or organisation list page to import into.")
        self._slugs = {
            parent.pk: set(parent.get_children().values_list("slug", flat=True))
            for parent in (self.offers_parent, self.organisations_parent)
        }
        self._organisations: dict[str, OrganisationPage] = {}

    @transaction.atomic
    def write(self, record: OfferRecord, outcome: Outcome) -> OfferPage | None:
        """Carry out ``outcome`` for ``record``; the offer written, or None when nothing is."""
        if outcome.decision == Decision.NEW:
            page = self._create(record)
            created = True
        elif outcome.decision == Decision.UPDATE:
            page = self._update(OfferPage.objects.get(pk=outcome.match), record)
            created = False
        else:
            return None
        OfferImport.objects.create(
            offer=page,
            batch=self.batch,
            file_name=self.file_name[:255],
            row=record.row,
            created=created,
            fingerprint=fingerprint(record),
        )
        return page

    def _create(self, record: OfferRecord) -> OfferPage:
        page = new_page(record)
        page.organisation = self._organisation(record.organisation)
        _locate(page)
        page.slug = self._slug(self.offers_parent, page.title)
        self.offers_parent.add_child(instance=page)
        _record_translations(page, record)
        self._submit(page, page.save_revision(user=self.user, log_action=True))
        return page

    def _update(self, offer: OfferPage, record: OfferRecord) -> OfferPage:
        draft = offer.get_latest_revision_as_object()
        fill_page(draft, record, keep_translations=True)
        draft.organisation = self._organisation(record.organisation)
        _locate(draft)
        revision = draft.save_revision(user=self.user, log_action=True)
        _record_translations(draft, record)
        self._submit(offer, revision)
        return offer

    def _submit(self, page: OfferPage, revision) -> None:
        if self.trusted:
            revision.publish(user=self.user, skip_permission_checks=True)
            organisation = page.organisation
            if organisation is not None and not organisation.live:
                organisation.save_revision(user=self.user).publish(
                    user=self.user, skip_permission_checks=True
                )
        else:
            moderation.submit_for_review(page, self.user)

    def _organisation(self, wanted: OrganisationRecord) -> OrganisationPage:
        """The published organisation of that name, else one made (unpublished) by this import."""
        name = wanted.name.strip()
        key = name.casefold()
        if key not in self._organisations:
            found = (
                OrganisationPage.objects.filter(title_de__iexact=name)
                .order_by("-live", "pk")
                .first()
            )
            self._organisations[key] = found or self._new_organisation(wanted)
        return self._organisations[key]

    def _new_organisation(self, wanted: OrganisationRecord) -> OrganisationPage:
        page = OrganisationPage(
            title=wanted.name.strip(),
            org_type=wanted.org_type or "verein",
            live=False,
            description=wanted.description,
            email=wanted.email,
            phone=wanted.phone,
            website=wanted.website,
            town=wanted.town,
        )
        set_text(page, "title", SOURCE_LANGUAGE, page.title)
        page.slug = self._slug(self.organisations_parent, page.title)
        self.organisations_parent.add_child(instance=page)
        page.save_revision(user=self.user)
        return page

    def _slug(self, parent, title: str) -> str:
        # Slugs taken are read once per file, not once per row: 10,000 rows stay linear.
        taken = self._slugs[parent.pk]
        base = ascii_slug(title, "angebot")
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        return slug


def _locate(page: OfferPage) -> None:
    """Points for places without coordinates: the geocoder for a street (far-off answers are
    refused there), else the middle of the postcode or town."""
    for place in page.locations.all():
        if place.street and locate(place):
            continue
        if place.latitude is None:
            known = (resolve_place(place.postcode) if place.postcode else None) or (
                resolve_place(place.town) if place.town else None
            )
            if known is not None:
                place.latitude, place.longitude = known.latitude, known.longitude


def _record_translations(page: OfferPage, record: OfferRecord) -> None:
    """Translations given in the file count as a person's (they are not machine output)."""
    places = page.locations.all()
    for slot in slots(page):
        if slot.obj is page:
            given = record.texts.get(slot.field, {})
        else:
            number = list(places).index(slot.obj)
            given = record.places[number].transit_note if number < len(record.places) else {}
        for language, text in given.items():
            if language != SOURCE_LANGUAGE and text:
                record_translation(page, slot, language, TranslationOrigin.HUMAN)
