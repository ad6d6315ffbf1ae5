"""Offers, places and organisations as HSDS 3.0 objects: JSON-ready dicts, nothing rendered.

Texts are in the language asked for, each falling back to German on its own
(``i18n.text_in``). Empty values are left out rather than written as "" or null
(HSDS's formats, e-mail and uri, refuse ""), except a field HSDS requires.
Every object also carries the foreign keys of its table (``service_id`` …), so the
tabular package is these same objects, flattened (``package``).

Where each offer field goes (docs/HSDS.md has the design):

- ``service``: name = title; description = summary, a blank line, the description as
  plain text; url = the offer page; email = contact e-mail; status "active";
  fees_description = cost note; application_process = registration note;
  interpretation_services = a sentence when an interpreter is available;
  assured_date = last confirmed; last_modified = last published.
- ``schedules``: weekly times, single dates and the schedule note (``schedules``).
- ``service_at_locations`` → ``location`` (name, transit note as ``transportation``,
  coordinates) → ``addresses`` (street, postcode, town, Land, "DE") and, when the offer
  is wheelchair accessible, ``accessibility``.
- ``languages``: the spoken languages (ISO 639 code, English name).
- ``cost_options``: exactly one; free is ``amount`` 0 EUR, otherwise no amount; the
  cost note is its ``amount_description``.
- ``contacts``: the contact person; ``phones``: the contact phone (linked to both).
- ``attributes``: kind, categories, target groups, format and the yes/no features as
  terms of our taxonomy (``taxonomy``).

Additions HSDS has no field for (documented properties, as HSDS's "Extending" allows):
``translations`` on services, organisations, locations, schedules and cost options
(``{language: {field: text}}``, only languages the text is really written in, German
included); on a service ``summary``, ``description_html`` (the stored rich text, links
expanded), ``website``, ``messenger``, ``valid_from``/``valid_to`` (the validity, also
when there are no times) and ``original_language``; on an organisation ``town``.
An address without a street has the town as ``address_1`` (HSDS requires the field).
Not exported: the picture and its alt text (no licence for pictures of people),
``source``, ``verified``/``trusted`` and the organisation's logo.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.rich_text import expand_db_html

from ..constants.languages import SPOKEN_LANGUAGES
from ..i18n import SOURCE_LANGUAGE, own_text, text_in
from ..models import OfferLocation, OrganisationPage
from ..plain_text import rich_text_to_text
from .context import Context, compact, translations, utc_timestamp
from .ids import uid
from .loading import OfferBundle, page_path
from .places import location
from .schedules import schedules
from .taxonomy import (
    CATEGORY,
    FEATURE,
    FEATURES,
    FORMAT,
    KIND,
    ORGANISATION_TYPE,
    TARGET_GROUP,
    Taxonomy,
    Term,
)

CURRENCY = "EUR"


# --- Services ---------------------------------------------------------------------------


def _description(summary: str, rich_text: str) -> str:
    return "\n\n".join(part for part in (summary, rich_text_to_text(rich_text)) if part)


def _service_translations(offer) -> dict[str, dict[str, str]]:
    def described(language: str) -> str:
        summary = own_text(offer, "summary", language)
        return _description(summary, own_text(offer, "description", language)) if summary else ""

    return translations(
        {
            "name": lambda lang: own_text(offer, "title", lang),
            "summary": lambda lang: own_text(offer, "summary", lang),
            "description": described,
            "description_html": lambda lang: expand_db_html(own_text(offer, "description", lang)),
            "fees_description": lambda lang: own_text(offer, "cost_note", lang),
            "application_process": lambda lang: own_text(offer, "registration_note", lang),
        }
    )


def service_terms(bundle: OfferBundle, taxonomy: Taxonomy) -> list[Term]:
    """The taxonomy terms of an offer: kind, categories, target groups, format, features."""
    offer = bundle.offer
    terms = [taxonomy.term(KIND, offer.kind)]
    terms += [taxonomy.term(CATEGORY, slug) for slug in bundle.categories]
    terms += [taxonomy.term(TARGET_GROUP, slug) for slug in bundle.target_groups]
    terms.append(taxonomy.term(FORMAT, offer.format))
    terms += [taxonomy.term(FEATURE, flag) for flag, _label in FEATURES if getattr(offer, flag)]
    return terms


def attribute(term: Term, link_id: str, link_entity: str, ctx: Context) -> dict[str, Any]:
    """The ``attribute`` linking an entity to ``term`` (the term nested)."""
    return {
        "id": uid("attribute", f"{link_entity}:{link_id}:{term.code}"),
        "link_id": link_id,
        "link_entity": link_entity,
        "link_type": term.group,
        "taxonomy_term_id": term.id,
        "taxonomy_term": ctx.term(term),
    }


def service(bundle: OfferBundle, ctx: Context, shape: str = "full") -> dict[str, Any]:
    """The HSDS ``service`` of an offer.

    ``shape`` "full" nests everything, "list" only the one-to-one fields and the
    organisation (HSDS's list shape), "minimal" the id, name, status and last change.
    """
    offer, language = bundle.offer, ctx.language
    service_id = uid("offer", offer.pk)
    if shape == "minimal":
        # HSDS asks for id and change date; name and status keep it a valid service.
        return compact(
            {
                "id": service_id,
                "name": text_in(offer, "title", language).value,
                "status": "active",
                "last_modified": utc_timestamp(offer.last_published_at),
            },
            keep=("name",),
        )
    summary = text_in(offer, "summary", language).value
    with translation.override(language):
        interpreting = _("An interpreter is available.") if offer.interpreter_available else ""
    found: dict[str, Any] = compact(
        {
            "id": service_id,
            "organization_id": uid("organisation", bundle.organisation.pk)
            if bundle.organisation
            else None,
            "name": text_in(offer, "title", language).value,
            "description": _description(summary, text_in(offer, "description", language).value),
            "url": ctx.url(page_path(offer.url_path)),
            "email": offer.contact_email,
            "status": "active",  # only current offers are exported
            "interpretation_services": interpreting,
            "application_process": text_in(offer, "registration_note", language).value,
            "fees_description": text_in(offer, "cost_note", language).value,
            "assured_date": offer.last_confirmed.isoformat() if offer.last_confirmed else None,
            "last_modified": utc_timestamp(offer.last_published_at),
            # Additions (see the module's text).
            "summary": summary,
            "description_html": expand_db_html(text_in(offer, "description", language).value),
            "website": offer.website,
            "messenger": offer.messenger,
            "valid_from": offer.valid_from.isoformat() if offer.valid_from else None,
            "valid_to": offer.valid_until.isoformat() if offer.valid_until else None,
            "original_language": offer.original_language or SOURCE_LANGUAGE,
            "translations": _service_translations(offer),
        },
        keep=("name", "status"),
    )
    if bundle.organisation is not None:
        found["organization"] = organization(bundle.organisation, ctx, nested=False)
    if shape == "list":
        return found
    contacts = _contacts(bundle, service_id)
    found.update(
        schedules=schedules(bundle, language),
        service_at_locations=[
            service_at_location(location, bundle, ctx) for location in bundle.locations
        ],
        languages=_languages(bundle, service_id),
        cost_options=[_cost_option(bundle, service_id, language)],
        contacts=contacts,
        phones=_phones(bundle, service_id, contacts),
        attributes=[
            attribute(term, service_id, "service", ctx)
            for term in service_terms(bundle, ctx.taxonomy)
        ],
    )
    return found


@lru_cache(maxsize=1)
def _english_language_names() -> dict[str, str]:
    with translation.override("en"):
        return {code: str(label) for code, label, _native in SPOKEN_LANGUAGES}


def _languages(bundle: OfferBundle, service_id: str) -> list[dict[str, Any]]:
    names = _english_language_names()
    return [
        compact(
            {
                "id": uid("language", f"{bundle.offer.pk}:{code}"),
                "service_id": service_id,
                "name": names.get(code, code),
                "code": code,
            }
        )
        for code in bundle.spoken
    ]


def _cost_option(bundle: OfferBundle, service_id: str, language: str) -> dict[str, Any]:
    offer = bundle.offer
    return compact(
        {
            "id": uid("cost_option", offer.pk),
            "service_id": service_id,
            "currency": CURRENCY if offer.is_free else None,
            "amount": 0 if offer.is_free else None,
            "amount_description": text_in(offer, "cost_note", language).value,
            "translations": translations(
                {"amount_description": lambda lang: own_text(offer, "cost_note", lang)}
            ),
        }
    )


def _contacts(bundle: OfferBundle, service_id: str) -> list[dict[str, Any]]:
    offer = bundle.offer
    if not offer.contact_name:
        return []
    contact = {
        "id": uid("contact", offer.pk),
        "service_id": service_id,
        "name": offer.contact_name,
        "email": offer.contact_email,
    }
    return [compact(contact)]


def _phones(bundle: OfferBundle, service_id: str, contacts: list[dict]) -> list[dict[str, Any]]:
    offer = bundle.offer
    if not offer.contact_phone:
        return []
    phone = {
        "id": uid("offer_phone", offer.pk),
        "service_id": service_id,
        "contact_id": contacts[0]["id"] if contacts else None,
        "number": offer.contact_phone,
        "type": "voice",
    }
    return [compact(phone)]


def service_at_location(
    place: OfferLocation, bundle: OfferBundle, ctx: Context, with_service: str = ""
) -> dict[str, Any]:
    """The ``service_at_location`` of an offer and one of its places, the place nested.

    ``with_service`` ("list" or "full") nests the service too, in that shape.
    """
    found = {
        "id": uid("service_at_location", place.pk),
        "service_id": uid("offer", bundle.offer.pk),
        "location_id": uid("location", place.pk),
        "location": location(place, bundle, ctx),
    }
    if with_service:
        found["service"] = service(bundle, ctx, shape=with_service)
    return found


# --- Organisations ----------------------------------------------------------------------


def organization(
    owner: OrganisationPage,
    ctx: Context,
    nested: bool = True,
    services: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The HSDS ``organization`` of a (live, public) organisation page.

    ``nested`` adds phones, the type as an attribute and ``services`` (if given).
    """
    language = ctx.language
    organization_id = uid("organisation", owner.pk)
    found = compact(
        {
            "id": organization_id,
            "name": text_in(owner, "title", language).value,
            "description": text_in(owner, "description", language).value,
            "email": owner.email,
            "website": owner.website,
            "uri": ctx.url(page_path(owner.url_path)),
            "town": owner.town,  # an addition: HSDS has no address of its own here
            "translations": translations(
                {
                    "name": lambda lang: own_text(owner, "title", lang),
                    "description": lambda lang: own_text(owner, "description", lang),
                }
            ),
        },
        keep=("name", "description"),
    )
    if not nested:
        return found
    if owner.phone:
        found["phones"] = [
            {
                "id": uid("organisation_phone", owner.pk),
                "organization_id": organization_id,
                "number": owner.phone,
                "type": "voice",
            }
        ]
    if owner.org_type:
        kind = ctx.taxonomy.term(ORGANISATION_TYPE, owner.org_type)
        found["attributes"] = [attribute(kind, organization_id, "organization", ctx)]
    if services is not None:
        found["services"] = services
    return found
