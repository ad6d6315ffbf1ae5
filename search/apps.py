"""The search app: the query interface, its two backends and index maintenance."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "offer_search"  # "search" is taken by wagtail.search
    verbose_name = "Offer search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from directory.models import OfferPage

        from . import indexing

        page_published.connect(indexing.on_page_published, dispatch_uid="search.published")
        page_unpublished.connect(indexing.on_page_unpublished, dispatch_uid="search.unpublished")
        post_page_move.connect(indexing.on_page_moved, dispatch_uid="search.moved")
        post_delete.connect(
            indexing.on_offer_deleted, sender=OfferPage, dispatch_uid="search.deleted"
        )
