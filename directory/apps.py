"""The directory app: offers, organisations, the fixed taxonomy, contributions and moderation."""

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_init, post_migrate, post_save


class DirectoryConfig(AppConfig):
    """Keeps the taxonomy and the review workflow in place after each migrate."""

    name = "directory"
    verbose_name = "Directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, members, moderation, throttling  # noqa: F401 - checks register
        from .models import OrganisationMembership
        from .taxonomy import sync_taxonomy

        post_migrate.connect(sync_taxonomy, sender=self, dispatch_uid="directory.sync_taxonomy")
        post_migrate.connect(
            moderation.install_workflow, sender=self, dispatch_uid="directory.review_workflow"
        )
        post_init.connect(
            members.remember_approval,
            sender=OrganisationMembership,
            dispatch_uid="directory.membership_init",
        )
        post_save.connect(
            members.on_membership_saved,
            sender=OrganisationMembership,
            dispatch_uid="directory.membership_saved",
        )
        user_login_failed.connect(throttling.on_login_failed, dispatch_uid="directory.login_failed")
        user_logged_in.connect(throttling.on_logged_in, dispatch_uid="directory.logged_in")
