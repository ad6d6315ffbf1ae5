"""The search request and its answer, independent of any engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from directory.models import OfferPage


@dataclass(frozen=True)
class OfferQuery:
    """What a searcher asks for. Empty fields do not filter."""

    text: str = ""
    language: str = "de"
    categories: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    spoken_languages: tuple[str, ...] = ()
    free: bool = False
    accessible: bool = False
    childcare: bool = False
    page: int = 1
    page_size: int = 20

    @property
    def offset(self) -> int:
        """Index of the first result on the requested page."""
        return (self.page - 1) * self.page_size


@dataclass
class SearchHit:
    """One offer in the results."""

    offer: OfferPage
    distance_km: float | None = None


@dataclass
class SearchResults:
    """One page of results, the total count, and counts per filter value."""

    query: OfferQuery
    count: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    backend: str = "database"

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
