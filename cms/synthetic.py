"""Synthetic but realistic offers in bulk, for benchmarks and load tests.

Creating Wagtail pages one by one costs several queries each; 100 000 offers
that way take hours. Here page rows are computed in Python (tree path, URL
path, translations) and written with bulk inserts, in batches. The pages are
live but have no revisions: they are benchmark data, not editorial content.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page

from directory.constants.categories import CATEGORIES
from directory.constants.kinds import OfferKind
from directory.constants.languages import SPOKEN_LANGUAGES
from directory.constants.target_groups import TARGET_GROUPS
from directory.models import (
    Category,
    OfferIndexPage,
    OfferLocation,
    OfferPage,
    OfferWeeklySlot,
    OrganisationIndexPage,
    OrganisationPage,
    SpokenLanguage,
    TargetGroup,
)

from .demo import read_json

BATCH_SIZE = 2000

# (German title pattern, kind, category, English title pattern)
OFFER_PATTERNS = [
    ("Sprachcafé {place}", "activity", "encounter-leisure", "Language café {place}"),
    ("Begegnungscafé {place}", "activity", "encounter-leisure", "Meeting café {place}"),
    ("Erzähl-Café {place}", "activity", "encounter-leisure", "Storytelling café {place}"),
    ("Kulturtandem {place}", "activity", "encounter-leisure", "Culture tandem {place}"),
    ("Deutschkurs A1 {place}", "course", "language-education", "German course A1 {place}"),
    (
        "Deutschkurs B1 am Abend {place}",
        "course",
        "language-education",
        "Evening German B1 {place}",
    ),
    ("Hausaufgabenhilfe {place}", "volunteering", "family-women-children", "Homework help {place}"),
    ("Frauennachmittag {place}", "activity", "family-women-children", "Women's afternoon {place}"),
    (
        "Offener Eltern-Kind-Treff {place}",
        "activity",
        "family-women-children",
        "Parents' meet-up {place}",
    ),
    (
        "Schnuppertraining Fußball {place}",
        "club_offer",
        "sport",
        "Football taster training {place}",
    ),
    ("Schwimmkurs für Frauen {place}", "club_offer", "sport", "Swimming for women {place}"),
    (
        "Migrationsberatung {place}",
        "counselling",
        "counselling-help",
        "Migration counselling {place}",
    ),
    ("Sozialberatung {place}", "counselling", "counselling-help", "Social counselling {place}"),
    ("Anerkennungsberatung {place}", "counselling", "work-training", "Recognition advice {place}"),
    ("Bewerbungstraining {place}", "course", "work-training", "Job application training {place}"),
    ("Mietschulung {place}", "course", "housing-everyday", "Tenancy training {place}"),
    ("Fahrradwerkstatt {place}", "volunteering", "housing-everyday", "Bicycle workshop {place}"),
    ("Gesundheitslotsen {place}", "counselling", "health", "Health guides {place}"),
    (
        "Ehrenamt im Gemeinschaftsgarten {place}",
        "volunteering",
        "volunteering",
        "Community garden volunteering {place}",
    ),
]
SUMMARIES = {
    "activity": "Kommen Sie vorbei, lernen Sie Menschen kennen und sprechen Sie Deutsch.",
    "course": "Ein Kurs in kleinen Gruppen mit erfahrenen Lehrkräften. Bitte melden Sie sich an.",
    "club_offer": "Unser Verein lädt zum Mitmachen ein. Bitte Sportkleidung mitbringen.",
    "counselling": "Vertrauliche Beratung zu Aufenthalt, Arbeit, Wohnung und Familie.",
    "volunteering": "Helfen Sie mit: ein paar Stunden im Monat genügen.",
}
SUMMARIES_EN = {
    "activity": "Drop in, meet people and practise German in a relaxed group.",
    "course": "A course in small groups with experienced teachers. Please register.",
    "club_offer": "Our club invites you to join in. Please bring sports clothes.",
    "counselling": "Confidential advice on residence, work, housing and family.",
    "volunteering": "Help out: a few hours a month are enough. We support you at the start.",
}
STREETS = ["Hauptstraße", "Bahnhofstraße", "Kirchplatz", "Schulstraße", "Marienplatz", "Am Anger"]


@dataclass
class GeneratedCounts:
    """How many rows ``generate_offers`` wrote."""

    organisations: int
    offers: int


def _jitter(rng: random.Random, lat: float, lon: float, km: float = 1.5) -> tuple[float, float]:
    # ~111 km per degree of latitude, ~75 km per degree of longitude at 47.8° N.
    return lat + rng.uniform(-km, km) / 111.0, lon + rng.uniform(-km, km) / 75.0


def _page_fields(
    parent: Page, position: int, slug: str, title: str, content_type: ContentType, locale: Locale
) -> dict:
    """The tree and bookkeeping fields of a new, live child page of ``parent``."""
    now = timezone.now()
    return {
        "path": Page._get_path(parent.path, parent.depth + 1, position),
        "depth": parent.depth + 1,
        "numchild": 0,
        "slug": slug,
        "title": title,
        "title_de": title,
        "draft_title": title,
        "url_path": f"{parent.url_path}{slug}/",
        "content_type": content_type,
        "locale": locale,
        "translation_key": uuid.uuid4(),
        "live": True,
        "has_unpublished_changes": False,
        "first_published_at": now,
        "last_published_at": now,
    }


def _next_position(parent: Page) -> int:
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .first()
    )
    return 1 if last is None else Page._str2int(last.path[-Page.steplen :]) + 1


def _bulk_insert_pages(parent: Page, pages: list[Page]) -> None:
    """Insert ``pages`` (specific page objects with their fields set) as children of ``parent``.

    Django cannot bulk-create multi-table models, so the ``wagtailcore_page`` rows
    go first (returning their keys) and the specific rows follow with those keys.
    """
    model = type(pages[0])
    base_rows = [
        Page(
            **{
                f.attname: getattr(p, f.attname)
                for f in Page._meta.concrete_fields
                if f.attname != "id"
            }
        )
        for p in pages
    ]
    Page.objects.bulk_create(base_rows, batch_size=BATCH_SIZE)
    if base_rows[0].pk is None:  # a database without RETURNING: look the keys up by path
        keys = dict(
            Page.objects.filter(path__in=[r.path for r in base_rows]).values_list("path", "pk")
        )
        for row in base_rows:
            row.pk = keys[row.path]
    for page, row in zip(pages, base_rows, strict=True):
        page.pk = page.id = page.page_ptr_id = row.pk
    # QuerySet._insert writes just this model's own table: the one piece of bulk_create
    # that multi-table inheritance needs and Django does not expose.
    own_fields = list(model._meta.local_concrete_fields)
    for start in range(0, len(pages), BATCH_SIZE):
        model.objects._insert(pages[start : start + BATCH_SIZE], fields=own_fields)
    # Count in the database: treebeard's get_children() trusts the stale in-memory numchild.
    children = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    Page.objects.filter(pk=parent.pk).update(numchild=children.count())


def _batches(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(total, start + size))


def _make_organisations(
    parent: OrganisationIndexPage, count: int, rng: random.Random, towns: list[dict], locale: Locale
) -> list[int]:
    content_type = ContentType.objects.get_for_model(OrganisationPage)
    position = _next_position(parent)
    kinds = [
        "verein",
        "wohlfahrtsverband",
        "behoerde",
        "kirche",
        "migrantenorganisation",
        "bildungstraeger",
    ]
    prefixes = [
        "Helferkreis",
        "Verein Miteinander",
        "Integrationsnetz",
        "Frauentreff",
        "Sportverein",
    ]
    pages = []
    for i in range(count):
        town = rng.choice(towns)
        name = f"{rng.choice(prefixes)} {town['name']} {i + 1}"
        page = OrganisationPage(
            **_page_fields(
                parent,
                position + i,
                f"synthetic-org-{uuid.uuid4().hex[:10]}",
                name,
                content_type,
                locale,
            ),
            org_type=rng.choice(kinds),
            description="Synthetische Organisation für Leistungstests.",
            description_de="Synthetische Organisation für Leistungstests.",
            town=town["name"],
            verified=True,
        )
        pages.append(page)
    _bulk_insert_pages(parent, pages)
    return [p.pk for p in pages]


@transaction.atomic
def generate_offers(
    count: int,
    seed: int = 1,
    organisations: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> GeneratedCounts:
    """Add ``count`` live synthetic offers (and their organisations) under the offer list."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    offer_index = OfferIndexPage.objects.first()
    organisation_index = OrganisationIndexPage.objects.first()
    if offer_index is None or organisation_index is None:
        raise RuntimeError("Run load_demo first: the site tree with the offer list is missing.")
    towns = read_json("towns.json")
    locale = Locale.get_default()
    organisation_count = organisations or max(1, count // 200)
    organisation_ids = _make_organisations(
        organisation_index, organisation_count, rng, towns, locale
    )

    categories = dict(Category.objects.values_list("slug", "pk"))
    category_slugs = [slug for slug, _label, _icon in CATEGORIES]
    target_groups = dict(TargetGroup.objects.values_list("slug", "pk"))
    target_slugs = [slug for slug, _label in TARGET_GROUPS]
    languages = dict(SpokenLanguage.objects.values_list("code", "pk"))
    language_codes = [code for code, _label, _native in SPOKEN_LANGUAGES]
    content_type = ContentType.objects.get_for_model(OfferPage)
    today = timezone.localdate()
    position = _next_position(offer_index)

    written = 0
    for batch in _batches(count, BATCH_SIZE):
        offers, slots, places = [], [], []
        category_links, target_links, language_links = [], [], []
        for i in batch:
            pattern, kind, category, pattern_en = rng.choice(OFFER_PATTERNS)
            town = rng.choice(towns)
            title = pattern.format(place=town["name"])
            slug = f"synthetic-{seed}-{i}-{uuid.uuid4().hex[:6]}"
            offer = OfferPage(
                **_page_fields(offer_index, position + i, slug, title, content_type, locale),
                kind=kind,
                summary=SUMMARIES[kind],
                summary_de=SUMMARIES[kind],
                description=f"<p>{SUMMARIES[kind]}</p>",
                description_de=f"<p>{SUMMARIES[kind]}</p>",
                organisation_id=rng.choice(organisation_ids),
                interpreter_available=kind == OfferKind.COUNSELLING and rng.random() < 0.5,
                is_free=rng.random() < 0.8,
                cost_note="",
                registration_required=kind == OfferKind.COURSE,
                childcare=category == "family-women-children" and rng.random() < 0.6,
                wheelchair_accessible=rng.random() < 0.5,
                format="in_person",
                last_confirmed=today - dt.timedelta(days=rng.randint(0, 300)),
                source="import",
            )
            if not offer.is_free:
                offer.cost_note = offer.cost_note_de = "2 € pro Termin"
            if rng.random() < 0.25:  # a quarter translated, as in the field
                offer.title_en = pattern_en.format(place=town["name"])
                offer.summary_en = SUMMARIES_EN[kind]
            offers.append(offer)
            lat, lon = _jitter(rng, town["lat"], town["lon"])
            places.append(
                (
                    offer,
                    OfferLocation(
                        street=f"{rng.choice(STREETS)} {rng.randint(1, 60)}",
                        postcode=town["postcode"],
                        town=town["name"],
                        latitude=round(lat, 6),
                        longitude=round(lon, 6),
                        sort_order=0,
                    ),
                )
            )
            start = rng.choice([9, 10, 14, 15, 16, 18])
            slots.append(
                (
                    offer,
                    OfferWeeklySlot(
                        weekday=rng.randint(0, 6),
                        start_time=dt.time(start),
                        end_time=dt.time(start + 2),
                        sort_order=0,
                    ),
                )
            )
            extra = rng.sample(category_slugs, k=rng.choice([0, 0, 1]))
            category_links.append((offer, {category, *extra}))
            target_links.append((offer, set(rng.sample(target_slugs, k=rng.randint(1, 3)))))
            spoken = {"de", *rng.sample(language_codes[1:9], k=rng.randint(0, 3))}
            language_links.append((offer, spoken))

        _bulk_insert_pages(offer_index, offers)
        for offer, place in places:
            place.page_id = offer.pk
        OfferLocation.objects.bulk_create([p for _o, p in places])
        for offer, slot in slots:
            slot.page_id = offer.pk
        OfferWeeklySlot.objects.bulk_create([s for _o, s in slots])
        OfferPage.categories.through.objects.bulk_create(
            OfferPage.categories.through(offerpage_id=o.pk, category_id=categories[s])
            for o, slugs in category_links
            for s in slugs
        )
        OfferPage.target_groups.through.objects.bulk_create(
            OfferPage.target_groups.through(offerpage_id=o.pk, targetgroup_id=target_groups[s])
            for o, slugs in target_links
            for s in slugs
        )
        OfferPage.spoken_languages.through.objects.bulk_create(
            OfferPage.spoken_languages.through(offerpage_id=o.pk, spokenlanguage_id=languages[c])
            for o, codes in language_links
            for c in codes
        )
        written += len(offers)
        if progress:
            progress(written)
    return GeneratedCounts(organisations=organisation_count, offers=written)
