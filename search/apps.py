"""The search app: the query interface and its backends."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "offer_search"  # "search" is taken by wagtail.search
    verbose_name = "Offer search"
