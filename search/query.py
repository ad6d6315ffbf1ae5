"""The search request and its answer, independent of any engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from directory.geo import GeoPoint
from directory.i18n import SOURCE_LANGUAGE

if TYPE_CHECKING:
    from directory.summaries import OfferSummary, Place

    from .no_results import SearchHelp

Sort = Literal["relevance", "distance", "title"]

# Scores are the same in both backends: for every query word, the best of the
# weights below (language × field × kind of match); the words' bests add up.
FIELD_WEIGHTS = {"title": 2.0, "text": 1.0}
MATCH_WEIGHTS = {"exact": 1.0, "prefix": 0.6, "fuzzy": 0.5}
SEARCHER_LANGUAGE_WEIGHT, SOURCE_LANGUAGE_WEIGHT, OTHER_LANGUAGE_WEIGHT = 3.0, 2.0, 1.0
MIN_PREFIX_LENGTH = 3
FACETS = ("category", "kind", "target_group", "spoken_language")

# With text and a place, "best match" lets distance weigh in: among offers covering
# the same number of query units, nearer rings of DISTANCE_RING_KM come first, and
# within a ring the better match leads. Beyond the last ring (and without a place)
# distance no longer reorders. Rings are score steps, not a sort script, so both
# backends compute them alike (see ``understanding.ring_bonus``).
DISTANCE_RING_KM = 5.0
DISTANCE_RINGS = 12


def language_weight(language: str, searcher_language: str) -> float:
    """How much a match in ``language`` counts for someone searching in ``searcher_language``."""
    if language == searcher_language:
        return SEARCHER_LANGUAGE_WEIGHT
    return SOURCE_LANGUAGE_WEIGHT if language == SOURCE_LANGUAGE else OTHER_LANGUAGE_WEIGHT


@dataclass(frozen=True)
class OfferQuery:
    """What a searcher asks for. Empty fields do not filter."""

    text: str = ""
    language: str = SOURCE_LANGUAGE
    categories: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    spoken_languages: tuple[str, ...] = ()
    free: bool = False
    accessible: bool = False
    childcare: bool = False
    open_on: int | None = None  # weekday, 0 = Monday
    time_of_day: str | None = None  # "morning", "afternoon", "evening" (with open_on: that day's)
    near: GeoPoint | None = None
    radius_km: float | None = None
    sort: Sort | None = None  # None: relevance with text, else distance with a point, else title
    page: int = 1
    page_size: int = 20

    def day_parts_wanted(self) -> set[str] | None:
        """The "weekday:part" values an offer needs one of, or None without a time of day."""
        if not self.time_of_day:
            return None
        days = range(7) if self.open_on is None else [self.open_on]
        return {f"{day}:{self.time_of_day}" for day in days}

    @property
    def distance_weighs_in(self) -> bool:
        """Whether the order is best match with nearer rings first (text and a place)."""
        return self.effective_sort == "relevance" and self.near is not None

    @property
    def offset(self) -> int:
        """Index of the first result on the requested page."""
        return (self.page - 1) * self.page_size

    @property
    def effective_sort(self) -> Sort:
        """The order actually used."""
        if self.sort == "distance" and self.near is None:
            return "relevance" if self.text.strip() else "title"
        if self.sort:
            return self.sort
        if self.text.strip():
            return "relevance"
        return "distance" if self.near else "title"

    def filter_values(self) -> dict[str, tuple[str, ...]]:
        """The multi-value filters by facet name."""
        return {
            "category": self.categories,
            "kind": self.kinds,
            "target_group": self.target_groups,
            "spoken_language": self.spoken_languages,
        }


@dataclass
class RawResults:
    """What a backend answers: the page's offer ids in order, the total, the facet counts."""

    ids: list[int]
    count: int
    facets: dict[str, dict[str, int]]
    cards: dict[int, dict] | None = None  # stored card data by id, when the engine keeps it


@dataclass
class SearchHit:
    """One offer in the results."""

    offer: OfferSummary
    distance_km: float | None = None
    snippet: str = ""  # the summary with matched words in <mark>, HTML-safe
    # The place a card names: the nearest to the searched point, else the offer's first.
    place: Place | None = None

    @property
    def language(self) -> str:
        """The language the offer's text is served in."""
        return self.offer.language


@dataclass
class SearchResults:
    """One page of results, the total count, and counts per filter value."""

    query: OfferQuery
    count: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    backend: str = "database"
    help: SearchHelp | None = None  # when nothing was found: what to try instead

    @property
    def num_pages(self) -> int:
        """How many pages the whole result has (at least one)."""
        return max(1, -(-self.count // self.query.page_size))

    @property
    def has_previous(self) -> bool:
        return self.query.page > 1

    @property
    def has_next(self) -> bool:
        return self.query.page < self.num_pages
