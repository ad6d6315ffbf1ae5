"""Who translated an offer's texts, from which version of the source, and who translates.

The texts themselves live in the offer's translated columns (django-modeltranslation);
these rows only remember where each translation came from, so the directory can
tell a person's translation from a machine's, and notice when the source text
changed after a translation was written (``directory.translation_status``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TranslationOrigin(models.TextChoices):
    HUMAN = "human", _("translated by a person")
    MACHINE = "machine", _("translated automatically")


class TranslationState(models.Model):
    """One translated text of one offer in one language: its origin and its source's version.

    ``text`` names the text: a field of the offer (``summary``) or of one of its
    places (``place1.transit_note``). Fingerprints are short hashes of the text
    as written and of the source text it was translated from.
    """

    page = models.ForeignKey(
        "directory.OfferPage", on_delete=models.CASCADE, related_name="translation_states"
    )
    text = models.CharField(_("text"), max_length=40)
    language = models.CharField(_("language"), max_length=8)
    origin = models.CharField(_("origin"), max_length=10, choices=TranslationOrigin.choices)
    text_fingerprint = models.CharField(max_length=16, blank=True)
    source_fingerprint = models.CharField(max_length=16, blank=True)
    # A translator confirmed this text (fingerprint) in a revision not yet published.
    reviewed_fingerprint = models.CharField(max_length=16, blank=True)
    # The last machine translation attempt that failed (shown in the translators' queue).
    error = models.CharField(_("error"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("translation state")
        verbose_name_plural = _("translation states")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "text", "language"], name="one_state_per_text_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.page_id} {self.text} {self.language}: {self.origin}"


class Translator(models.Model):
    """A volunteer who translates offers into some languages (member of the translators' group).

    A trusted translator's changes are published at once; everybody else's go
    through the review workflow like any other change.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="translator",
    )
    languages = models.JSONField(_("languages"), default=list)
    trusted = models.BooleanField(
        pgettext_lazy("translator", "trusted"),
        default=False,
        help_text=_("A trusted translator's changes are published without review."),
    )

    class Meta:
        verbose_name = _("translator")
        verbose_name_plural = _("translators")

    def __str__(self) -> str:
        return f"{self.user} ({', '.join(self.languages)})"
