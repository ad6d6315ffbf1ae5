"""The directory app: offers, organisations and the fixed taxonomy."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DirectoryConfig(AppConfig):
    """Keeps the taxonomy tables in step with ``directory.constants`` after each migrate."""

    name = "directory"
    verbose_name = "Directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .taxonomy import sync_taxonomy

        post_migrate.connect(sync_taxonomy, sender=self, dispatch_uid="directory.sync_taxonomy")
