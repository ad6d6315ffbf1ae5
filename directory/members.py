"""Members of organisations: tell them when a moderator confirms their account."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import translation

from . import emails


def remember_approval(sender, instance, **kwargs) -> None:
    """post_init: remember whether the membership was approved when loaded."""
    instance._was_approved = instance.approved if instance.pk else False


def on_membership_saved(sender, instance, created, **kwargs) -> None:
    """post_save: the moment a moderator approves, the member gets an e-mail in their language.

    Members hear about decisions from us, in their language; Wagtail's own
    workflow e-mails (English admin links they cannot open) are switched off for them.
    """
    if created:
        from wagtail.users.models import UserProfile

        profile = UserProfile.get_for_user(instance.user)
        profile.submitted_notifications = False
        profile.approved_notifications = False
        profile.rejected_notifications = False
        profile.updated_comments_notifications = False
        profile.save()
    if instance.approved and not getattr(instance, "_was_approved", False):
        instance._was_approved = True
        user, language = instance.user, instance.language
        if not user.email:
            return
        with translation.override(language):
            login_path = reverse("login")
        context = {
            "name": user.first_name,
            "organisation": instance.organisation.title if instance.organisation else "",
            "login_url": emails.absolute_url(login_path),
        }
        transaction.on_commit(
            lambda: emails.send("membership_approved", user.email, language, context)
        )
