"""The search app: the query interface, its two backends and index maintenance."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "offer_search"  # "search" is taken by wagtail.search
    verbose_name = "Offer search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from directory.models import OfferPage

        from . import indexing

        page_published.connect(indexing.on_page_published, dispatch_uid="search.published")
        page_unpublished.connect(indexing.on_page_unpublished, dispatch_uid="search.unpublished")
        post_page_move.connect(indexing.on_page_moved, dispatch_uid="search.moved")
        post_delete.connect(
            indexing.on_offer_deleted, sender=OfferPage, dispatch_uid="search.deleted"
        )
        post_migrate.connect(grant_search_words, sender=self, dispatch_uid="search.words")


def grant_search_words(sender, **kwargs) -> None:
    """post_migrate: moderators keep the search words (the thesaurus entries), so a word
    the insights show as not found can become one (issue 17)."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from directory.moderation import MODERATORS

    create_permissions(sender, verbosity=0)  # ours may run before Django's own handler
    moderators, _created = Group.objects.get_or_create(name=MODERATORS)
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="offer_search",
            codename__in=[
                f"{action}_thesaurusterm" for action in ("add", "change", "delete", "view")
            ],
        )
    )
