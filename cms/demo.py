"""The demo district: Landkreis Weilheim-Schongau with real towns and realistic offers.

``load_demo`` reads the JSON files in ``demo_data/`` and creates or updates the
site tree, organisations, offers, translations and locally drawn pictures.
Running it again updates the same pages (matched by slug); nothing is duplicated.
Contact data in the demo is fictitious (``example.org``, exchange 555).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from wagtail.models import Page, Site

from directory.i18n import set_text
from directory.models import (
    Category,
    OfferDate,
    OfferIndexPage,
    OfferLocation,
    OfferPage,
    OfferWeeklySlot,
    OrganisationIndexPage,
    OrganisationPage,
    SpokenLanguage,
    TargetGroup,
)

from .demo_pictures import demo_image
from .models import HomePage, SiteLinks, StandardPage

DATA_DIR = Path(__file__).resolve().parent / "demo_data"

# Texts of the site's own pages; offers and organisations come from the JSON files.
SITE_PAGES: dict[str, dict[str, dict[str, str]]] = {
    "home": {
        "title": {
            "de": "Gemeinsam im Landkreis Weilheim-Schongau",
            "en": "Together in the district of Weilheim-Schongau",
            "ar": "معًا في مقاطعة فايلهايم-شونغاو",
            "uk": "Разом у районі Вайльгайм-Шонгау",
            "ru": "Вместе в районе Вайльхайм-Шонгау",
            "tr": "Weilheim-Schongau ilçesinde birlikte",
            "fa": "با هم در بخش وایلهایم-شونگاو",
            "ro": "Împreună în districtul Weilheim-Schongau",
        },
        "intro": {
            "de": "Treffpunkte, Beratung, Kurse, Sport und Ehrenamt in Ihrer Nähe – "
            "in Ihrer Sprache gesucht, vor Ort erlebt.",
            "en": "Meeting places, counselling, courses, sport and volunteering near you – "
            "found in your language, experienced in person.",
            "ar": "أماكن لقاء واستشارات ودورات ورياضة وعمل تطوعي بالقرب منك – "
            "ابحث بلغتك وشارك على أرض الواقع.",
            "uk": "Місця зустрічей, консультації, курси, спорт і волонтерство поруч із вами – "
            "шукайте своєю мовою, приходьте особисто.",
            "ru": "Места встреч, консультации, курсы, спорт и волонтёрство рядом с вами – "
            "ищите на своём языке, приходите лично.",
            "tr": "Yakınınızdaki buluşma yerleri, danışmanlık, kurslar, spor ve gönüllülük – "
            "kendi dilinizde arayın, yerinde katılın.",
            "fa": "محل‌های دیدار، مشاوره، دوره‌ها، ورزش و کار داوطلبانه نزدیک شما – "
            "به زبان خودتان جستجو کنید و حضوری شرکت کنید.",
            "ro": "Locuri de întâlnire, consiliere, cursuri, sport și voluntariat în apropiere – "
            "căutate în limba ta, trăite la fața locului.",
        },
    },
    "angebote": {
        "title": {
            "de": "Angebote",
            "en": "Offers",
            "ar": "العروض",
            "uk": "Пропозиції",
            "ru": "Предложения",
            "tr": "Hizmetler",
            "fa": "برنامه‌ها",
            "ro": "Oferte",
        },
    },
    "organisationen": {
        "title": {
            "de": "Organisationen",
            "en": "Organisations",
            "ar": "المنظمات",
            "uk": "Організації",
            "ru": "Организации",
            "tr": "Kuruluşlar",
            "fa": "سازمان‌ها",
            "ro": "Organizații",
        },
    },
    "datenschutz": {
        "title": {"de": "Datenschutz", "en": "Privacy"},
        "body": {
            "de": "<p>Zum Suchen brauchen Sie kein Konto. Wir setzen keine Cookies zum Verfolgen "
            "und binden keine fremden Dienste ein. Wenn Sie ein Angebot eintragen, speichern wir "
            "Ihre Angaben nur, um das Angebot zu prüfen und zu veröffentlichen.</p>",
            "en": "<p>You need no account to search. We set no tracking cookies and embed no "
            "third-party services. If you add an offer, we keep your details only to review "
            "and publish the offer.</p>",
        },
    },
    "impressum": {
        "title": {"de": "Impressum", "en": "Imprint"},
        "body": {
            "de": "<p>Demo-Installation. Verantwortlich im Echtbetrieb ist die Integrationsstelle "
            "des Landkreises.</p>",
            "en": "<p>Demo installation. In real operation the district's integration office "
            "is responsible.</p>",
        },
    },
    "angebot-eintragen": {
        "title": {"de": "Angebot eintragen", "en": "Add an offer"},
        "body": {
            "de": "<p>Alle können Angebote eintragen: Vereine, Beratungsstellen, Initiativen und "
            "Einzelpersonen. Jede Eintragung wird vor der Veröffentlichung von der "
            "Integrationsstelle geprüft.</p>",
            "en": "<p>Everyone can add offers: clubs, counselling services, initiatives and "
            "individuals. The integration office reviews every entry before it is published.</p>",
        },
    },
}


# A calm, distinct colour per category for the drawn pictures.
@dataclass
class DemoSummary:
    """What ``load_demo`` created or updated."""

    organisations: int = 0
    offers: int = 0
    translated_offers: int = 0
    images: int = 0
    towns: set[str] = field(default_factory=set)


def read_json(name: str) -> Any:
    """One of the demo data files."""
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def read_translations() -> tuple[dict[str, dict[str, dict]], dict[str, dict[str, str]]]:
    """Offer and organisation translations from ``translations/<language>.json``.

    Returns ``{offer_slug: {language: fields}}`` and ``{organisation_slug: {language: text}}``.
    """
    offers: dict[str, dict[str, dict]] = {}
    organisations: dict[str, dict[str, str]] = {}
    for path in sorted((DATA_DIR / "translations").glob("*.json")):
        language = path.stem
        data = json.loads(path.read_text(encoding="utf-8"))
        for slug, fields in data.get("offers", {}).items():
            offers.setdefault(slug, {})[language] = fields
        for slug, description in data.get("organisations", {}).items():
            organisations.setdefault(slug, {})[language] = description
    return offers, organisations


def _set_translated(obj: Any, name: str, values: dict[str, str]) -> None:
    """Set ``name_<lang>`` for every language given; German also fills the plain field."""
    for language, value in values.items():
        set_text(obj, name, language, value)
    if "de" in values:
        with translation.override("de"):
            setattr(obj, name, values["de"])


def _upsert_child(parent: Page, model: type[Page], slug: str, **fields: Any) -> Page:
    """The child of ``parent`` with ``slug``, created or updated with ``fields`` (not saved)."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug)
        _apply(page, fields)
        parent.add_child(instance=page)
        return page
    _apply(page, fields)
    return page


def _apply(page: Page, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if isinstance(value, dict):
            _set_translated(page, name, value)
        else:
            setattr(page, name, value)


def _publish(page: Page) -> None:
    """Save the page as a new revision and publish it (so it has a history like real edits)."""
    page.save_revision(log_action=False).publish(log_action=False)


def ensure_site() -> HomePage:
    """The home page, made the root of the default site; Wagtail's welcome page is removed."""
    root = Page.get_first_root_node()
    texts = SITE_PAGES["home"]
    home = _upsert_child(root, HomePage, "gemeinsam", title=texts["title"], intro=texts["intro"])
    _publish(home)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    # Full links (sitemap, calendar files, QR codes) use the site's address: the public one.
    public = urlsplit(settings.SITE_URL)
    site.hostname = public.hostname or "localhost"
    site.port = public.port or (443 if public.scheme == "https" else 80)
    site.root_page = home
    site.site_name = "Gemeinsam"
    site.save()
    for stray in Page.objects.child_of(root).exact_type(Page):
        stray.delete()
    return home


def upsert_organisation(
    parent: OrganisationIndexPage, data: dict, descriptions: dict[str, str]
) -> OrganisationPage:
    """Create or update one organisation page from its JSON record and translated descriptions."""
    organisation = _upsert_child(
        parent,
        OrganisationPage,
        data["slug"],
        title={"de": data["name"]},
        org_type=data["org_type"],
        description={"de": data.get("description", ""), **descriptions},
        town=data.get("town", ""),
        email=data.get("email", ""),
        phone=data.get("phone", ""),
        website=data.get("website", ""),
        verified=bool(data.get("verified", False)),
    )
    organisation.full_clean()
    _publish(organisation)
    return organisation


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


def _relative_day(today: dt.date, days: int | None) -> dt.date | None:
    return today + dt.timedelta(days=days) if days is not None else None


def upsert_offer(
    parent: OfferIndexPage,
    data: dict,
    organisations: dict[str, OrganisationPage],
    translations: dict[str, dict[str, dict]],
    today: dt.date,
) -> OfferPage:
    """Create or update one offer page, with its times, places and translations."""
    texts = {
        name: {"de": data.get(name, "")}
        for name in (
            "summary",
            "description",
            "cost_note",
            "registration_note",
            "schedule_note",
        )
    }
    texts["title"] = {"de": data["title"]}
    image_data = data.get("image")
    texts["image_alt"] = {"de": image_data["alt"] if image_data else ""}
    transit_translations: dict[str, list[str]] = {}
    for language, fields in translations.get(data["slug"], {}).items():
        for name, value in fields.items():
            if name == "transit_notes":
                transit_translations[language] = value
            elif value:
                texts.setdefault(name, {})[language] = value

    contact = data.get("contact", {})
    offer = _upsert_child(
        parent,
        OfferPage,
        data["slug"],
        **texts,
        kind=data["kind"],
        organisation=organisations[data["organisation"]],
        interpreter_available=data.get("interpreter_available", False),
        is_free=data.get("is_free", True),
        registration_required=data.get("registration_required", False),
        childcare=data.get("childcare", False),
        wheelchair_accessible=data.get("wheelchair_accessible", False),
        format=data.get("format", "in_person"),
        valid_from=_relative_day(today, data.get("valid_from_in_days")),
        valid_until=_relative_day(today, data.get("valid_until_in_days")),
        contact_name=contact.get("name", ""),
        contact_phone=contact.get("phone", ""),
        contact_email=contact.get("email", ""),
        website=contact.get("website", ""),
        messenger=contact.get("messenger", ""),
        last_confirmed=today - dt.timedelta(days=data.get("last_confirmed_days_ago", 0)),
        source="moderator",
        image=(
            demo_image(
                data["slug"], image_data.get("motif", ""), data["categories"][0], image_data["alt"]
            )
            if image_data
            else None
        ),
    )
    offer.categories = list(Category.objects.filter(slug__in=data["categories"]))
    offer.target_groups = list(TargetGroup.objects.filter(slug__in=data.get("target_groups", [])))
    offer.spoken_languages = list(
        SpokenLanguage.objects.filter(code__in=data.get("spoken_languages", []))
    )
    offer.weekly_slots = [
        OfferWeeklySlot(
            weekday=s["weekday"], start_time=_time(s["start"]), end_time=_time(s["end"])
        )
        for s in data.get("weekly_slots", [])
    ]
    offer.dates = [
        OfferDate(
            date=today + dt.timedelta(days=d["in_days"]),
            start_time=_time(d.get("start")),
            end_time=_time(d.get("end")),
        )
        for d in data.get("dates", [])
    ]
    locations = []
    for index, place in enumerate(data.get("locations", [])):
        location = OfferLocation(
            name=place.get("name", ""),
            street=place.get("street", ""),
            postcode=place["postcode"],
            town=place["town"],
            latitude=place.get("lat"),
            longitude=place.get("lon"),
        )
        _set_translated(
            location,
            "transit_note",
            {
                "de": place.get("transit_note", ""),
                **{
                    language: notes[index]
                    for language, notes in transit_translations.items()
                    if index < len(notes) and notes[index]
                },
            },
        )
        locations.append(location)
    offer.locations = locations
    offer.full_clean()
    _publish(offer)
    return offer


@transaction.atomic
def load_demo(today: dt.date | None = None) -> DemoSummary:
    """Build (or refresh) the whole demo district."""
    today = today or timezone.localdate()
    summary = DemoSummary()
    with translation.override("de"):
        home = ensure_site()
        offer_index = _upsert_child(home, OfferIndexPage, "angebote", **SITE_PAGES["angebote"])
        _publish(offer_index)
        organisation_index = _upsert_child(
            home, OrganisationIndexPage, "organisationen", **SITE_PAGES["organisationen"]
        )
        _publish(organisation_index)
        pages = {}
        for slug in ("angebot-eintragen", "datenschutz", "impressum"):
            pages[slug] = _upsert_child(home, StandardPage, slug, **SITE_PAGES[slug])
            _publish(pages[slug])
        SiteLinks.objects.update_or_create(
            site=Site.objects.get(is_default_site=True),
            defaults={
                "privacy_page": pages["datenschutz"],
                "imprint_page": pages["impressum"],
                "contribute_page": pages["angebot-eintragen"],
            },
        )

        offer_translations, organisation_translations = read_translations()
        organisations = {
            record["slug"]: upsert_organisation(
                organisation_index,
                record,
                organisation_translations.get(record["slug"], {}),
            )
            for record in read_json("organisations.json")
        }
        summary.organisations = len(organisations)
        for record in read_json("offers.json"):
            offer = upsert_offer(offer_index, record, organisations, offer_translations, today)
            summary.offers += 1
            summary.translated_offers += record["slug"] in offer_translations
            summary.images += offer.image_id is not None
            summary.towns.update(place["town"] for place in record.get("locations", []))
    return summary
