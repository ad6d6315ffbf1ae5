"""Glue between HTTP requests and the search interface, for the result pages."""

from django.http import HttpRequest

from .forms import OfferSearchForm
from .interface import search


def offer_list_context(request: HttpRequest) -> dict:
    """Template context for a result page: the form and the results, or the form's errors."""
    form = OfferSearchForm(request.GET)
    if not form.is_valid():
        return {"search_form": form, "results": None}
    results = search(form.to_query())
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return {
        "search_form": form,
        "results": results,
        "query_without_page": query_without_page.urlencode(),
    }
