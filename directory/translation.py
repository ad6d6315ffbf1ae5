"""Which fields of the directory's models are translated (django-modeltranslation).

German is the source; a field left empty in another language falls back to German.
"""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from .models import (
    OfferIndexPage,
    OfferLocation,
    OfferPage,
    OrganisationIndexPage,
    OrganisationPage,
)


@register(OfferIndexPage)
class OfferIndexPageTR(TranslationOptions):
    fields = ("intro",)


@register(OfferPage)
class OfferPageTR(TranslationOptions):
    fields = (
        "summary",
        "description",
        "cost_note",
        "registration_note",
        "schedule_note",
        "image_alt",
    )


@register(OfferLocation)
class OfferLocationTR(TranslationOptions):
    fields = ("transit_note",)


@register(OrganisationIndexPage)
class OrganisationIndexPageTR(TranslationOptions):
    fields = ("intro",)


@register(OrganisationPage)
class OrganisationPageTR(TranslationOptions):
    fields = ("description",)
