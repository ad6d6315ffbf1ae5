"""The database backend: plain ORM queries that work on SQLite and PostgreSQL."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from directory.models import OfferPage

from .query import OfferQuery, SearchHit, SearchResults

FACET_FIELDS = {
    "category": "categories__slug",
    "kind": "kind",
    "target_group": "target_groups__slug",
    "spoken_language": "spoken_languages__code",
}


def _text_filter(text: str, language: str) -> Q:
    """Every word must occur in the title or summary, in the searcher's language or German."""
    condition = Q()
    languages = dict.fromkeys([language, "de"])
    for word in text.split():
        word_matches = Q()
        for lang in languages:
            word_matches |= Q(**{f"title_{lang}__icontains": word})
            word_matches |= Q(**{f"summary_{lang}__icontains": word})
        condition &= word_matches
    return condition


def filtered_offers(query: OfferQuery, exclude: str | None = None) -> QuerySet[OfferPage]:
    """Public offers matching the query; ``exclude`` leaves out one filter (for its facet)."""
    offers = OfferPage.objects.public_current()
    if query.text.strip():
        offers = offers.filter(_text_filter(query.text, query.language))
    multi = {
        "category": query.categories,
        "kind": query.kinds,
        "target_group": query.target_groups,
        "spoken_language": query.spoken_languages,
    }
    for name, values in multi.items():
        if values and name != exclude:
            offers = offers.filter(**{f"{FACET_FIELDS[name]}__in": values})
    if query.free:
        offers = offers.filter(is_free=True)
    if query.accessible:
        offers = offers.filter(wheelchair_accessible=True)
    if query.childcare:
        offers = offers.filter(childcare=True)
    return offers.distinct()


def facet_counts(query: OfferQuery) -> dict[str, dict[str, int]]:
    """For each multi-value filter, how many offers each value would give."""
    facets = {}
    for name, path in FACET_FIELDS.items():
        ids = filtered_offers(query, exclude=name).values("pk")
        rows = (
            OfferPage.objects.filter(pk__in=ids)
            .values(path)
            .annotate(n=Count("pk", distinct=True))
            .order_by()
        )
        facets[name] = {row[path]: row["n"] for row in rows if row[path] is not None}
    return facets


def search(query: OfferQuery) -> SearchResults:
    """Answer ``query`` from the database."""
    offers = filtered_offers(query).order_by("title")
    count = offers.count()
    page = list(
        offers.select_related("organisation", "image").prefetch_related(
            "locations", "categories", "spoken_languages", "weekly_slots", "dates"
        )[query.offset : query.offset + query.page_size]
    )
    return SearchResults(
        query=query,
        count=count,
        hits=[SearchHit(offer=o) for o in page],
        facets=facet_counts(query),
    )
