"""The Wagtail site: home and standard pages, images, admin customisation."""

from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


def create_cache_tables(using: str = DEFAULT_DB_ALIAS, verbosity: int = 1, **kwargs: Any) -> None:
    """Create the table of every database cache in ``CACHES`` that is missing.

    Django's ``createcachetable`` does the work: it skips caches of other kinds,
    tables that exist and databases the router keeps the cache out of, so running
    it after every migrate costs one look at the table names.
    """
    # Quiet at migrate's default verbosity: "already exists" on every run is noise.
    options: dict[str, Any] = {"database": using, "verbosity": max(verbosity - 1, 0)}
    if kwargs.get("stdout") is not None:
        options["stdout"] = kwargs["stdout"]
    call_command("createcachetable", **options)


class CmsConfig(AppConfig):
    """The site shell; after each migrate it also creates the cache table settings name."""

    name = "cms"
    verbose_name = "Site"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The cache table (CACHES: the geocoder's failures and breaker, rate limits) comes
        # with `migrate`, so no second command is needed. A post_migrate handler rather
        # than a migration: the table follows the setting, not the model history. A
        # migration runs once and freezes today's CACHES — a renamed or added cache table,
        # or one lost, would never be created again. post_migrate runs on every migrate
        # (as Django's permissions and our taxonomy do) and costs one look when the table
        # is there. cms comes before directory and search in INSTALLED_APPS, so the table
        # exists before their post_migrate handlers run.
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="cms.cache_tables")
        from .page_cache import connect_signals

        connect_signals()
