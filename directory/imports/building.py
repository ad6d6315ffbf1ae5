"""A record onto an offer page: texts in every language, conditions, times and places.

Used twice with the same result: on an unsaved page, so the check can run the
models' own rules before anything is written, and on the page (or draft) the
import then saves.
"""

from __future__ import annotations

from .. import offer_answers
from ..constants.formats import OfferFormat
from ..constants.sources import OfferSource
from ..i18n import SOURCE_LANGUAGE, set_text, site_languages
from ..models import (
    Category,
    OfferDate,
    OfferLocation,
    OfferPage,
    OfferWeeklySlot,
    SpokenLanguage,
    TargetGroup,
)
from ..plain_text import text_to_rich_text
from .records import OFFER_TEXTS, OfferRecord

# Fields copied as they are from the record onto the page: those of the public form.
PLAIN_FIELDS = offer_answers.PLAIN_FIELDS


def new_page(record: OfferRecord) -> OfferPage:
    """An unsaved, unpublished offer page holding ``record``."""
    page = OfferPage(live=False, source=OfferSource.IMPORT, original_language=SOURCE_LANGUAGE)
    fill_page(page, record)
    return page


def fill_page(page: OfferPage, record: OfferRecord, *, keep_translations: bool = False) -> None:
    """Write ``record`` onto ``page`` (its relations too; nothing is saved).

    With ``keep_translations`` (an update), translations the file does not give stay as
    they are: the translation status then shows them as outdated if the German changed.
    """
    for name in OFFER_TEXTS:
        for language in site_languages():
            value = record.text(name, language)
            if keep_translations and language != SOURCE_LANGUAGE and not value:
                continue
            if name == "description":
                value = text_to_rich_text(value)
            if name == "cost_note" and record.is_free:
                value = ""
            set_text(page, name, language, value)
    page.title = record.text("title", SOURCE_LANGUAGE)
    for name in PLAIN_FIELDS:
        setattr(page, name, getattr(record, name))
    page.format = record.format or OfferFormat.IN_PERSON
    page.categories = list(Category.objects.filter(slug__in=record.categories))
    page.target_groups = list(TargetGroup.objects.filter(slug__in=record.target_groups))
    page.spoken_languages = list(SpokenLanguage.objects.filter(code__in=record.spoken_languages))
    page.weekly_slots = [
        OfferWeeklySlot(weekday=s.weekday, start_time=s.start, end_time=s.end, sort_order=n)
        for n, s in enumerate(record.slots)
    ]
    page.dates = [
        OfferDate(date=d.date, start_time=d.start, end_time=d.end, sort_order=n)
        for n, d in enumerate(record.dates)
    ]
    places = []
    if page.format != OfferFormat.ONLINE:
        for n, place in enumerate(record.places):
            location = OfferLocation(
                name=place.name,
                street=place.street,
                postcode=place.postcode,
                town=place.town,
                latitude=place.latitude,
                longitude=place.longitude,
                sort_order=n,
            )
            for language in site_languages():
                set_text(location, "transit_note", language, place.transit_note.get(language, ""))
            places.append(location)
    page.locations = places
