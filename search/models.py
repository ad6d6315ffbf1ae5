"""The database backend's own index: analysed terms of every published offer."""

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
