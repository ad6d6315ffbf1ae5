"""Records the site keeps about its own running: rate-limit counters, e-mails that failed.

Neither is content. Counters hold a keyed hash, never an address or an
account name; failed e-mails keep what a moderator needs to act (whom it was
for, which message, why it failed) until a moderator marks them done.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """Attempts by one address or account in one scope, within a window that starts at the first.

    ``failures`` and ``last_failure`` serve the growing delay after wrong
    passwords; ``count`` and ``window_start`` the plain per-period limits.
    """

    key = models.CharField(_("key"), max_length=80, primary_key=True)
    count = models.PositiveIntegerField(_("attempts"), default=0)
    window_start = models.DateTimeField(_("window starts"))
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class FailedNotification(models.Model):
    """An e-mail that could not be sent; shown on the moderators' dashboard until resolved."""

    template = models.CharField(_("message"), max_length=80)
    recipient = models.EmailField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    error = models.TextField(_("error"))
    offer = models.ForeignKey(
        "directory.OfferPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offer"),
    )
    created_at = models.DateTimeField(_("failed on"), auto_now_add=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("failed e-mail")
        verbose_name_plural = _("failed e-mails")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient}"
