"""Light summaries of offers for result lists: a few small queries for a whole page of hits.

Result pages, the API, the home page and organisation pages show the same
card. Loading full Wagtail pages for it costs a wide query plus five
prefetches per page of results; these summaries read only what a card shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils import timezone

from .constants.kinds import OfferKind
from .geo import GeoPoint, distance_km
from .i18n import SOURCE_LANGUAGE, column, own_text, site_languages
from .models import (
    Occurrence,
    OfferDate,
    OfferLocation,
    OfferPage,
    OfferWeeklySlot,
    next_occurrences,
)
from .models import SpokenLanguage as SpokenLanguageModel


class Place(NamedTuple):
    """One of an offer's places, as a card names it (name and postcode: for search terms)."""

    town: str
    street: str = ""
    latitude: float | None = None
    longitude: float | None = None
    name: str = ""
    postcode: str = ""

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass
class OfferSummary:
    """What a result card and an API result show of one offer."""

    pk: int
    title: str  # in ``language``
    title_de: str
    summary: str  # in ``language``
    language: str  # the language the text is in (German when not translated)
    path: str  # URL path without the language prefix, e.g. "angebote/sprachcafe/"
    kind: str
    is_free: bool
    wheelchair_accessible: bool
    childcare: bool
    categories: list[str] = field(default_factory=list)
    spoken_languages: list[tuple[str, str]] = field(default_factory=list)  # (code, native name)
    places: list[Place] = field(default_factory=list)
    upcoming: list[Occurrence] = field(default_factory=list)
    requested_language: str = SOURCE_LANGUAGE  # the reader's language

    @property
    def translated(self) -> bool:
        """Whether the text is in the reader's language (else German is shown)."""
        return self.language == self.requested_language

    @property
    def kind_label(self) -> str:
        """The kind of offer in the active language."""
        return str(OfferKind(self.kind).label) if self.kind in OfferKind.values else self.kind

    @property
    def town(self) -> str:
        """The town of the main place ("" for offers online only)."""
        return self.places[0].town if self.places else ""

    @property
    def points(self) -> list[tuple[float, float]]:
        """The coordinates of the places that have them."""
        return [(p.latitude, p.longitude) for p in self.places if p.has_point]

    def nearest_place(self, point: GeoPoint) -> tuple[Place, float] | None:
        """The place nearest to ``point`` and its distance in km (None without coordinates)."""
        located = [
            (distance_km(point, p.latitude, p.longitude), p) for p in self.places if p.has_point
        ]
        if not located:
            return None
        distance, place = min(located, key=lambda pair: pair[0])
        return place, distance

    def url(self, language: str | None = None) -> str:
        """The offer page's path in ``language`` (the reader's by default)."""
        return f"/{language or self.requested_language}/{self.path}"


def _relative_path(url_path: str) -> str:
    # url_path is "/<home slug>/angebote/<slug>/"; the site root (home) is not in URLs.
    parts = url_path.strip("/").split("/", 1)
    return (parts[1] + "/") if len(parts) > 1 else ""


@dataclass
class Related:
    """An offer's related rows as plain values: what cards and search documents show of it."""

    categories: list[str] = field(default_factory=list)  # slugs, in the categories' order
    target_groups: list[str] = field(default_factory=list)  # slugs, in the groups' order
    spoken: list[tuple[str, str]] = field(default_factory=list)  # (code, native name)
    places: list[Place] = field(default_factory=list)  # the main place first
    weekly: list[tuple[int, dt.time, dt.time]] = field(default_factory=list)
    dates: list[tuple[dt.date, dt.time | None, dt.time | None]] = field(default_factory=list)


def load_related(ids: list[int], dates_from: dt.date | None = None) -> defaultdict[int, Related]:
    """The related rows of the offers ``ids`` in six queries, however many offers.

    Prefetching the same onto Wagtail pages costs a manager and a queryset per
    offer and relation, most of a search rebuild's time. ``dates_from`` leaves
    out earlier single dates. Offers without any related row get an empty Related.
    """
    related: defaultdict[int, Related] = defaultdict(Related)
    for relation, taxonomy in (("categories", "category"), ("target_groups", "targetgroup")):
        through = getattr(OfferPage, relation).through
        for offer_id, slug in (
            through.objects.filter(offerpage_id__in=ids)
            .order_by(f"{taxonomy}__sort_order", f"{taxonomy}_id")
            .values_list("offerpage_id", f"{taxonomy}__slug")
        ):
            getattr(related[offer_id], relation).append(slug)
    spoken = {
        pk: (code, native)
        for pk, code, native in SpokenLanguageModel.objects.values_list("pk", "code", "native_name")
    }
    through = OfferPage.spoken_languages.through
    for offer_id, language_id in (
        through.objects.filter(offerpage_id__in=ids)
        .order_by("spokenlanguage__sort_order", "spokenlanguage_id")
        .values_list("offerpage_id", "spokenlanguage_id")
    ):
        related[offer_id].spoken.append(spoken[language_id])
    for offer_id, *place in (
        OfferLocation.objects.filter(page_id__in=ids)
        .order_by("page_id", "sort_order", "pk")  # the main place first, ties in creation order
        .values_list("page_id", "town", "street", "latitude", "longitude", "name", "postcode")
    ):
        related[offer_id].places.append(Place(*place))
    for offer_id, *slot in OfferWeeklySlot.objects.filter(page_id__in=ids).values_list(
        "page_id", "weekday", "start_time", "end_time"
    ):
        related[offer_id].weekly.append(tuple(slot))
    dates = OfferDate.objects.filter(page_id__in=ids)
    if dates_from is not None:
        dates = dates.filter(date__gte=dates_from)
    for offer_id, *date in dates.values_list("page_id", "date", "start_time", "end_time"):
        related[offer_id].dates.append(tuple(date))
    return related


def load_summaries(ids: list[int], language: str, on: dt.date | None = None) -> list[OfferSummary]:
    """Summaries of the offers ``ids`` in that order, text in ``language`` where translated."""
    if not ids:
        return []
    on = on or timezone.localdate()
    columns = ["pk", "url_path", "kind", "is_free", "wheelchair_accessible", "childcare"]
    columns += ["valid_from", "valid_until"]
    for written in dict.fromkeys([SOURCE_LANGUAGE, language]):
        columns += [column("title", written), column("summary", written)]
    rows = {row["pk"]: row for row in OfferPage.objects.filter(pk__in=ids).values(*columns)}

    related = load_related(ids, dates_from=on)
    summaries = []
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            continue
        translated = bool((row.get(column("summary", language)) or "").strip())
        served = language if translated else SOURCE_LANGUAGE
        source_title = row[column("title", SOURCE_LANGUAGE)] or ""
        summaries.append(
            OfferSummary(
                pk=pk,
                title=row.get(column("title", served)) or source_title,
                title_de=source_title,
                summary=row.get(column("summary", served))
                or row[column("summary", SOURCE_LANGUAGE)]
                or "",
                language=served,
                requested_language=language,
                path=_relative_path(row["url_path"]),
                kind=row["kind"],
                is_free=row["is_free"],
                wheelchair_accessible=row["wheelchair_accessible"],
                childcare=row["childcare"],
                categories=related[pk].categories,
                spoken_languages=related[pk].spoken,
                places=related[pk].places,
                upcoming=next_occurrences(
                    related[pk].weekly,
                    related[pk].dates,
                    row["valid_from"],
                    row["valid_until"],
                    limit=3,
                    on=on,
                ),
            )
        )
    return summaries


def card_data(offer: OfferPage, related: Related) -> dict:
    """What a card shows of ``offer``, as JSON data: stored with its search document, so a
    search engine's answer can be shown without asking the database again."""
    languages = site_languages()
    return {
        "titles": {lang: t for lang in languages if (t := own_text(offer, "title", lang))},
        "summaries": {lang: s for lang in languages if (s := own_text(offer, "summary", lang))},
        "path": _relative_path(offer.url_path),
        "kind": offer.kind,
        "is_free": offer.is_free,
        "wheelchair_accessible": offer.wheelchair_accessible,
        "childcare": offer.childcare,
        "categories": list(related.categories),
        "spoken": [list(s) for s in related.spoken],
        "places": [[p.town, p.street, p.latitude, p.longitude] for p in related.places],
        "weekly": [
            [day, start.isoformat("minutes"), end.isoformat("minutes")]
            for day, start, end in related.weekly
        ],
        "dates": [
            [
                date.isoformat(),
                start.isoformat("minutes") if start else None,
                end.isoformat("minutes") if end else None,
            ]
            for date, start, end in related.dates
        ],
        "valid_from": offer.valid_from.isoformat() if offer.valid_from else None,
        "valid_until": offer.valid_until.isoformat() if offer.valid_until else None,
    }


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _card_places(card: dict) -> list[Place]:
    if "places" in card:
        return [Place(*place) for place in card["places"]]
    # Documents written before places were stored: towns and points, not paired.
    points = card.get("points", [])
    return [
        Place(town, "", *(points[n] if n < len(points) else (None, None)))
        for n, town in enumerate(card.get("towns", []))
    ]


def summary_from_card(
    pk: int, card: dict, language: str, on: dt.date | None = None
) -> OfferSummary:
    """The summary of an offer from its stored card data (see :func:`card_data`)."""
    served = language if language in card["summaries"] else SOURCE_LANGUAGE
    return OfferSummary(
        pk=pk,
        title=card["titles"].get(served) or card["titles"].get(SOURCE_LANGUAGE, ""),
        title_de=card["titles"].get(SOURCE_LANGUAGE, ""),
        summary=card["summaries"].get(served) or card["summaries"].get(SOURCE_LANGUAGE, ""),
        language=served,
        requested_language=language,
        path=card["path"],
        kind=card["kind"],
        is_free=card["is_free"],
        wheelchair_accessible=card["wheelchair_accessible"],
        childcare=card["childcare"],
        categories=card["categories"],
        spoken_languages=[(code, native) for code, native in card["spoken"]],
        places=_card_places(card),
        upcoming=next_occurrences(
            [(w, _time(a), _time(b)) for w, a, b in card["weekly"]],
            [(_date(d), _time(a), _time(b)) for d, a, b in card["dates"]],
            _date(card["valid_from"]),
            _date(card["valid_until"]),
            limit=3,
            on=on or timezone.localdate(),
        ),
    )


def soonest_summaries(
    language: str, limit: int = 6, on: dt.date | None = None
) -> list[OfferSummary]:
    """Public offers that take place soonest (today first), for the home page.

    Candidates are offers with a single date in the next two weeks or a weekly
    time today or tomorrow; a few hundred at most, whatever the directory's size.
    """
    on = on or timezone.localdate()
    public = OfferPage.objects.public_current(on)
    dated = OfferDate.objects.filter(
        date__gte=on, date__lte=on + dt.timedelta(days=14), page__in=public
    ).values_list("page_id", flat=True)[:200]
    weekly = OfferWeeklySlot.objects.filter(
        weekday__in=[on.weekday(), (on.weekday() + 1) % 7], page__in=public
    ).values_list("page_id", flat=True)[:200]
    ids = list(dict.fromkeys([*dated, *weekly]))
    summaries = [s for s in load_summaries(ids, language, on=on) if s.upcoming]
    summaries.sort(key=lambda s: (s.upcoming[0].date, s.upcoming[0].start or dt.time.min, s.pk))
    return summaries[:limit]
