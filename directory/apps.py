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
        from wagtail.signals import page_published

        from . import auto_translate, checks, members, moderation, throttling, translators  # noqa: F401
        from .models import OfferPage, OrganisationMembership
        from .taxonomy import sync_taxonomy

        post_migrate.connect(sync_taxonomy, sender=self, dispatch_uid="directory.sync_taxonomy")
        post_migrate.connect(
            moderation.install_workflow, sender=self, dispatch_uid="directory.review_workflow"
        )
        post_migrate.connect(
            translators.install_group, sender=self, dispatch_uid="directory.translators_group"
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
        page_published.connect(
            auto_translate.on_page_published,
            sender=OfferPage,
            dispatch_uid="directory.translations_on_publish",
        )
        user_login_failed.connect(throttling.on_login_failed, dispatch_uid="directory.login_failed")
        user_logged_in.connect(throttling.on_logged_in, dispatch_uid="directory.logged_in")
