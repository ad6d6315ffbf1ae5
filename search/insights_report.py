"""The insights report for one month: tables and charts for the integration office (issue 17).

One function, :func:`build`, makes everything the admin pages, the CSV downloads, the
printable report and ``manage.py insights_report`` show, so they always agree. Words
people searched for come only through ``search.insights`` (the threshold); everything
else is counted from the directory itself.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from wagtail.models import PageLogEntry

from directory.constants.categories import CATEGORIES
from directory.constants.target_groups import TARGET_GROUPS
from directory.gazetteer import district_centre, places_near
from directory.geo import GeoPoint
from directory.i18n import site_languages
from directory.models import OfferLocation, OfferPage, OfferReminder
from directory.translation_status import Status, coverage

from . import insights
from .insights_charts import BarChart, CoverageMap, Trend, bar_chart, coverage_map
from .models import OfferViewDay

TREND_WEEKS = 12
NO_PLACE = ""  # offers without a place (online, by phone) are counted in their own row
FRESHNESS_MONTHS = (3, 6, 12)  # buckets of months since an offer was last confirmed
MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})", re.ASCII)


@dataclass(frozen=True)
class Period:
    """A calendar month (the current one ends today)."""

    since: dt.date
    until: dt.date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        return cls(dt.date(year, month, 1), min(last, timezone.localdate()))

    @classmethod
    def current(cls) -> Period:
        today = timezone.localdate()
        return cls.month(today.year, today.month)

    @property
    def key(self) -> str:
        return f"{self.since:%Y-%m}"


def parse_month(text: str) -> Period | None:
    """``2026-11`` → that month; None for anything else, or a month not yet begun."""
    found = MONTH.fullmatch(text or "")
    if not found:
        return None
    year, month = int(found["year"]), int(found["month"])
    if not (2000 <= year <= 2999 and 1 <= month <= 12):
        return None
    if dt.date(year, month, 1) > timezone.localdate():
        return None
    return Period.month(year, month)


@dataclass
class Row:
    cells: list[Any]
    # Admin links for the row (label, url); the printed report and CSV leave them out.
    actions: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[Row]
    empty: str
    # The first column names the row (a town, a language): a row header for screen readers.
    row_headers: bool = True
    # A zero here is a gap the office looks for (coverage): marked, not only coloured.
    zero_is_gap: bool = False

    def display_rows(self) -> list[tuple[Row, list[tuple[Any, str]]]]:
        """Each row with its cells' kinds, for the template: header, number, gap, trend, text."""
        shown = []
        for row in self.rows:
            cells = []
            for index, cell in enumerate(row.cells):
                if index == 0 and self.row_headers:
                    kind = "header"
                elif isinstance(cell, Trend):
                    kind = "trend"
                elif isinstance(cell, int):
                    kind = "gap" if cell == 0 and self.zero_is_gap else "number"
                else:
                    kind = "text"
                cells.append((cell, kind))
            shown.append((row, cells))
        return shown

    @property
    def has_actions(self) -> bool:
        return any(row.actions for row in self.rows)

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([_csv_cell(cell) for cell in row.cells])
        return out.getvalue()


def _csv_cell(value: Any) -> str:
    text = str(value)
    # A spreadsheet runs a cell starting like a formula; searched words are anyone's text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@dataclass
class Section:
    slug: str
    title: str
    intro: str
    tables: list[Table]
    charts: list[BarChart] = field(default_factory=list)
    map: CoverageMap | None = None


@dataclass
class Report:
    period: Period
    sections: list[Section]
    made: dt.datetime

    def table(self, slug: str) -> Table | None:
        return next((t for s in self.sections for t in s.tables if t.slug == slug), None)

    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


# --- Searches without results -----------------------------------------------------------


def _no_results(period: Period, links) -> Section:
    found = insights.without_results(period.since, period.until)
    trends = insights.weekly_without_results(
        {(q.query, q.language, q.town) for q in found}, period.until, TREND_WEEKS
    )
    rows = []
    by_language: Counter[str] = Counter()
    by_town: Counter[str] = Counter()
    for q in found:
        by_language[language_name(q.language)] += q.without_results
        by_town[q.town or _("no town given")] += q.without_results
        rows.append(
            Row(
                [
                    q.query,
                    language_name(q.language),
                    q.town or "–",
                    q.without_results,
                    q.searches,
                    q.days,
                    Trend(trends[(q.query, q.language, q.town)]),
                ],
                actions=links(q) if links else [],
            )
        )
    table = Table(
        "no-results",
        _("Search words without results"),
        [
            _("Search words"),
            _("Language"),
            _("Near"),
            _("Without results"),
            _("Searches"),
            _("Days"),
            _("Last %(weeks)s weeks") % {"weeks": TREND_WEEKS},
        ],
        rows,
        _("No search words without results were searched on enough different days."),
    )
    return Section(
        "no-results",
        _("Searches without results"),
        _(
            "What people searched for and did not find, in their language and town. Words "
            "appear only once they were searched on %(days)s different days, so no single "
            "person's search is shown."
        )
        % {"days": settings.INSIGHTS_MIN_DAYS},
        [table],
        charts=[
            bar_chart(
                "no-results-language", _("Without results, by language"), by_language.most_common()
            ),
            bar_chart("no-results-town", _("Without results, by town"), by_town.most_common(15)),
        ],
    )


# --- Coverage: towns × categories -------------------------------------------------------


def _district_towns() -> dict[str, tuple[float, float, int]]:
    """The district's towns (name → latitude, longitude, population), largest first."""
    centre = district_centre()
    if centre is None:
        return {}
    reach = float(getattr(settings, "DISTRICT_MAP_RADIUS_KM", 25.0))
    places = sorted(places_near(GeoPoint(*centre), reach), key=lambda p: -p[1].population)
    return {
        place.name: (place.latitude, place.longitude, place.population)
        for _distance, place in places
        if place.population >= settings.INSIGHTS_TOWN_POPULATION
    }


def town_of_place(town: str, latitude: float | None, longitude: float | None) -> str:
    """The gazetteer's name for a place ("Weilheim i. OB" at its coordinates → "Weilheim"),
    the same name the search log keeps for searches near it."""
    if latitude is not None and longitude is not None:
        nearest = places_near(GeoPoint(latitude, longitude), 10)
        if nearest:
            return nearest[0][1].name
    return " ".join(town.split())


def offers_by_town(offers) -> dict[str, set[int]]:
    """Town → ids of ``offers`` with a place there (an offer with places in two towns
    counts in both); offers without a place under ``NO_PLACE``."""
    towns: dict[str, set[int]] = defaultdict(set)
    ids = set(offers.values_list("pk", flat=True))
    placed = set()
    for page_id, town, latitude, longitude in OfferLocation.objects.filter(
        page_id__in=ids
    ).values_list("page_id", "town", "latitude", "longitude"):
        towns[town_of_place(town, latitude, longitude)].add(page_id)
        placed.add(page_id)
    if ids - placed:
        towns[NO_PLACE] = ids - placed
    return towns


def _coverage(group: str | None) -> Section:
    offers = OfferPage.objects.public_current()
    if group:
        offers = offers.filter(target_groups__slug=group)
    by_town = offers_by_town(offers)
    categories = defaultdict(set)
    for page_id, slug in OfferPage.categories.through.objects.filter(
        offerpage_id__in=offers.values("pk")
    ).values_list("offerpage_id", "category__slug"):
        categories[slug].add(page_id)
    district = _district_towns()
    names = list(district) + sorted(t for t in by_town if t not in district and t != NO_PLACE)
    if NO_PLACE in by_town:
        names.append(NO_PLACE)
    rows = []
    for name in names:
        ids = by_town.get(name, set())
        cells = [name or _("No place (online or by phone)"), len(ids)]
        cells += [len(ids & categories[slug]) for slug, _label, _icon in CATEGORIES]
        rows.append(Row(cells))
    group_label = dict(TARGET_GROUPS).get(group) if group else None
    title = (
        _("Current offers for “%(group)s” by town and topic") % {"group": group_label}
        if group_label
        else _("Current offers by town and topic")
    )
    table = Table(
        "coverage",
        title,
        [_("Town"), _("All topics")] + [str(label) for _slug, label, _icon in CATEGORIES],
        rows,
        _("There are no current offers."),
        zero_is_gap=True,
    )
    drawn = coverage_map(
        _("Map of current offers by town"),
        (
            (name, lat, lon, len(by_town.get(name, ())), population >= 5000)
            for name, (lat, lon, population) in district.items()
        ),
    )
    return Section(
        "coverage",
        _("Coverage"),
        _(
            "Where offers are, and where there are none: every town of the district with "
            "at least %(population)s inhabitants, and every other town with an offer. An "
            "empty cell is a gap."
        )
        % {"population": settings.INSIGHTS_TOWN_POPULATION},
        [table],
        map=drawn,
    )


# --- Translations -----------------------------------------------------------------------


def _translations() -> Section:
    counts: Counter[tuple[str, Status]] = Counter()
    offers = OfferPage.objects.public_current().prefetch_related("translation_states", "locations")
    for language, _key, status in coverage(offers.iterator(chunk_size=500)):
        counts[(language, status)] += 1
    order = (Status.HUMAN, Status.MACHINE, Status.OUTDATED, Status.MISSING)
    rows, shares = [], []
    for language in site_languages()[1:]:
        values = [counts[(language, status)] for status in order]
        total = sum(values) or 1
        translated = round(100 * (values[0] + values[1]) / total)
        rows.append(Row([language_name(language), *values, f"{translated} %"]))
        shares.append((language_name(language), translated))
    table = Table(
        "translations",
        _("Texts of current offers per language"),
        [
            _("Language"),
            _("translated by a person"),
            _("automatically translated only"),
            _("outdated"),
            _("missing"),
            _("translated"),
        ],
        rows,
        _("There are no current offers."),
    )
    return Section(
        "translations",
        _("Translations"),
        _(
            "Every text of every current offer, per language: checked by a person, only "
            "translated automatically, outdated (the German text changed since), or missing."
        ),
        [table],
        charts=[bar_chart("translated-share", _("Translated texts in %"), shares)],
    )


# --- Freshness --------------------------------------------------------------------------


def _freshness(period: Period) -> Section:
    from directory.reminders import months_before

    today = timezone.localdate()
    limits = [months_before(today, months) for months in FRESHNESS_MONTHS]
    labels = [
        _("less than 3 months"),
        _("3 to 6 months"),
        _("6 to 12 months"),
        _("more than 12 months"),
    ]
    buckets = [0] * len(labels)
    for confirmed in OfferPage.objects.public_current().values_list("last_confirmed", flat=True):
        buckets[sum(confirmed < limit for limit in limits)] += 1
    ages = Table(
        "freshness",
        _("Current offers by time since last confirmed"),
        [_("Last confirmed"), _("Offers")],
        [Row([label, count]) for label, count in zip(labels, buckets, strict=True)],
        _("There are no current offers."),
    )
    offers = ContentType.objects.get_for_model(OfferPage)
    log = PageLogEntry.objects.filter(
        content_type=offers, timestamp__date__range=(period.since, period.until)
    )
    month = Table(
        "upkeep",
        _("Keeping offers current this month"),
        [_("What happened"), _("Count")],
        [
            Row(
                [
                    _("Reminders sent"),
                    OfferReminder.objects.filter(
                        sent_at__date__range=(period.since, period.until)
                    ).count(),
                ]
            ),
            Row(
                [
                    _("Confirmed as current"),
                    log.filter(action="directory.confirmed_current").count(),
                ]
            ),
            Row(
                [
                    _("Taken offline for want of a confirmation"),
                    log.filter(action="directory.retired").count(),
                ]
            ),
            Row([_("Taken offline in all"), log.filter(action="wagtail.unpublish").count()]),
        ],
        "",
    )
    return Section(
        "freshness",
        _("Freshness"),
        _(
            "How long ago the people responsible last said an offer still runs, and what "
            "the reminders did."
        ),
        [ages, month],
        charts=[
            bar_chart(
                "freshness-chart",
                _("Current offers by time since last confirmed"),
                zip(labels, buckets, strict=True),
            )
        ],
    )


# --- What people open -------------------------------------------------------------------


def _views(period: Period) -> Section:
    languages = site_languages()
    per_offer = (
        OfferViewDay.objects.filter(day__range=(period.since, period.until))
        .values("offer_id", "language")
        .annotate(n=Sum("views"))
    )
    opened: dict[tuple[int, str], int] = {(r["offer_id"], r["language"]): r["n"] for r in per_offer}
    slugs_of: dict[int, list[str]] = defaultdict(list)
    for page_id, slug in OfferPage.categories.through.objects.filter(
        offerpage_id__in={offer for offer, _l in opened}
    ).values_list("offerpage_id", "category__slug"):
        slugs_of[page_id].append(slug)
    table_counts: Counter[tuple[str, str]] = Counter()
    by_language: Counter[str] = Counter()
    for (offer, language), count in opened.items():
        by_language[language] += count
        for slug in slugs_of[offer]:
            table_counts[(slug, language)] += count
    rows = []
    totals = []
    for slug, label, _icon in CATEGORIES:
        cells = [table_counts[(slug, language)] for language in languages]
        rows.append(Row([str(label), sum(cells), *cells]))
        totals.append((str(label), sum(cells)))
    table = Table(
        "views",
        _("Offer pages opened, by topic and language"),
        [_("Topic"), _("All languages")] + [language_name(code) for code in languages],
        rows,
        "",
    )
    return Section(
        "views",
        _("What people open"),
        _(
            "How often offer pages were opened this month. An offer with several topics "
            "counts in each. Nothing is known about who opened them."
        ),
        [table],
        charts=[
            bar_chart("views-topic", _("Opened, by topic"), sorted(totals, key=lambda t: -t[1])),
            bar_chart(
                "views-language",
                _("Opened, by language"),
                [(language_name(code), by_language[code]) for code in languages],
            ),
        ],
    )


SECTIONS = ("no-results", "coverage", "translations", "freshness", "views")
# Which section holds a table: one CSV download builds only that section.
TABLE_SECTIONS = {
    "no-results": "no-results",
    "coverage": "coverage",
    "translations": "translations",
    "freshness": "freshness",
    "upkeep": "freshness",
    "views": "views",
}


def build(
    period: Period,
    *,
    group: str | None = None,
    links=None,
    only: Iterable[str] = SECTIONS,
) -> Report:
    """Everything the district learns in ``period`` (or the sections named in ``only``).
    ``links(query_count)`` gives the admin's actions for a search without results (none
    in printouts); ``group`` limits the coverage table to offers for one target group."""
    builders = {
        "no-results": lambda: _no_results(period, links),
        "coverage": lambda: _coverage(group),
        "translations": _translations,
        "freshness": lambda: _freshness(period),
        "views": lambda: _views(period),
    }
    wanted = set(only)
    return Report(
        period=period,
        sections=[builders[slug]() for slug in SECTIONS if slug in wanted],
        made=timezone.now(),
    )
