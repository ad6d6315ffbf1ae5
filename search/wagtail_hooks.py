"""The search app's hooks: it fills the offer list page with results (directory knows no search)."""

from __future__ import annotations

from django.http import HttpRequest
from wagtail import hooks

from .views import offer_list_context


@hooks.register("offer_list_context")
def search_results(request: HttpRequest, page) -> dict:
    """Form, results, filters and map points for ``page`` (an ``OfferIndexPage``)."""
    return offer_list_context(request)
