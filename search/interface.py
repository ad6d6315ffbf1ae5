"""The one entry point for searching offers."""

from . import database
from .query import OfferQuery, SearchResults


def search(query: OfferQuery) -> SearchResults:
    """Find public offers matching ``query``."""
    return database.search(query)
