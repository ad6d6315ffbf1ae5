"""Glue between HTTP requests and the search interface."""

from django.http import HttpRequest

from .forms import OfferSearchForm
from .interface import search


def offer_list_context(request: HttpRequest) -> dict:
    """Template context for a result page: the form, the results, or the form's errors."""
    form = OfferSearchForm(request.GET or None)
    if request.GET and not form.is_valid():
        return {"search_form": form, "results": None}
    if not request.GET:
        form = OfferSearchForm({})
        form.is_valid()
    results = search(form.to_query())
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return {
        "search_form": form,
        "results": results,
        "query_without_page": query_without_page.urlencode(),
    }
