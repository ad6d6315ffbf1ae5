"""The database backend's own index: analysed terms of every published offer."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfferTerm(models.Model):
    """One analysed term (see ``search.analysis``) of a published offer, in one language.

    Written on publish and removed on unpublish, like the Elasticsearch index,
    so the database backend matches the same words as Elasticsearch.
    """

    offer = models.ForeignKey(
        "directory.OfferPage", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    language = models.CharField(_("language"), max_length=8)
    field = models.CharField(_("field"), max_length=8)  # "title" or "text"
    term = models.CharField(_("term"), max_length=100)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        indexes = [
            models.Index(fields=["term", "language"], name="offer_term_lookup"),
            models.Index(fields=["offer"], name="offer_term_offer"),
        ]

    def __str__(self) -> str:
        return f"{self.language}:{self.term}"


class PendingIndexUpdate(models.Model):
    """An offer whose index update failed and is to be retried (by ``search_index retry``)."""

    offer_id = models.BigIntegerField(_("offer"), unique=True)
    failed_at = models.DateTimeField(_("failed at"), auto_now=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("pending index update")
        verbose_name_plural = _("pending index updates")

    def __str__(self) -> str:
        return f"offer {self.offer_id}"


class IndexGeneration(models.Model):
    """A stamp renewed by every index write, so each process knows when its caches are stale.

    The stamp is random rather than counted: a write rolled back with its
    transaction must not bring back a number some cache already stands for.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("index generation")

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def current(cls) -> int:
        """The current generation (0 before the first write)."""
        return cls.objects.filter(pk=1).values_list("value", flat=True).first() or 0

    @classmethod
    def bump(cls) -> None:
        """Mark every cache built from the index as stale."""
        stamp = secrets.randbits(62) + 1
        if not cls.objects.filter(pk=1).update(value=stamp):
            cls.objects.update_or_create(pk=1, defaults={"value": stamp})
