"""The database backend's own index: analysed terms of every published offer."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


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
            # Holds every column the database backend reads of a term (search.database
            # ``postings``): its offers per field come from the index alone, in order,
            # without a visit to the table's rows.
            models.Index(fields=["term", "language", "field", "offer"], name="offer_term_postings"),
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


class ThesaurusTerm(models.Model):
    """Words a moderator adds to the topic thesaurus, without a deploy.

    The reviewed concepts live in ``search/thesaurus/data``; a term here either
    adds what people type to one of them (``concept``) or, with German search
    words, starts a new concept. Saving one takes effect on the next search in
    every process (see ``search.thesaurus``).
    """

    concept = models.SlugField(
        _("concept"),
        max_length=80,
        help_text=_(
            "The id of a concept in the thesaurus (for example german-course), or a new id."
        ),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    phrases = models.TextField(
        _("what people type"),
        help_text=_("One word or short phrase per line, in the language chosen above."),
    )
    search_words = models.TextField(
        _("German search words"),
        blank=True,
        help_text=_(
            "Optional: German words an offer on this topic contains, one per line. "
            "Needed for a new concept."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    MAX_LINES = 200
    NEW_CONCEPT_NEEDS_WORDS = gettext_noop(
        "This is a new concept: give the German words an offer on the topic contains."
    )

    class Meta:
        verbose_name = _("thesaurus entry")
        verbose_name_plural = _("thesaurus entries")
        ordering = ["concept", "language"]

    def __str__(self) -> str:
        return f"{self.concept} ({self.language})"

    def clean(self) -> None:
        from .thesaurus import MAX_PHRASE_WORDS, file_concepts

        errors = {}
        for name in ("phrases", "search_words"):
            lines = getattr(self, name).splitlines()
            if len(lines) > self.MAX_LINES or any(len(line) > 100 for line in lines):
                errors[name] = _("At most %(lines)d lines of at most 100 characters each.") % {
                    "lines": self.MAX_LINES
                }
        for line in self.phrases.splitlines():
            if len(line.split()) > MAX_PHRASE_WORDS:
                errors["phrases"] = _("At most %(count)d words per line.") % {
                    "count": MAX_PHRASE_WORDS
                }
        if not self.search_words.strip() and self.concept not in file_concepts():
            known = ThesaurusTerm.objects.filter(concept=self.concept).exclude(pk=self.pk)
            if not known.exclude(search_words="").exists():
                errors["search_words"] = _(self.NEW_CONCEPT_NEEDS_WORDS)
        if errors:
            raise ValidationError(errors)


class Embedding(models.Model):
    """The meaning vector of one text, kept so that no text is ever embedded twice.

    ``fingerprint`` is a hash of the model name and the text: a rebuild looks
    vectors up by it and embeds only texts it has not seen.
    """

    fingerprint = models.CharField(max_length=64, primary_key=True)
    vector = models.BinaryField()  # float32, L2-normalised

    class Meta:
        verbose_name = _("text embedding")

    def __str__(self) -> str:
        return self.fingerprint[:12]


class OfferPassage(models.Model):
    """One text of a published offer (German, or one translation) and its vector's fingerprint."""

    offer = models.ForeignKey(
        "directory.OfferPage", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    language = models.CharField(_("language"), max_length=8)
    fingerprint = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("offer passage")
        indexes = [models.Index(fields=["offer"], name="offer_passage_offer")]

    def __str__(self) -> str:
        return f"{self.offer_id}:{self.language}"


class SearchLogEntry(models.Model):
    """One answered search, with nothing that identifies the person who searched.

    No address, user agent, cookie, session or time of day; the place is the gazetteer's
    town, never coordinates (``search.insights_log``). Kept ``INSIGHTS_RAW_DAYS``, then
    only daily aggregates remain (issue 17, docs/INSIGHTS.md).
    """

    day = models.DateField(_("day"), db_index=True)
    query = models.CharField(_("words searched"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=8)
    filters = models.CharField(_("filters"), max_length=200, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    results = models.PositiveIntegerField(_("results"))
    source = models.CharField(_("source"), max_length=8)

    class Meta:
        verbose_name = _("search")
        verbose_name_plural = _("searches")

    def __str__(self) -> str:
        return f"{self.day} {self.language} {self.query!r}: {self.results}"


class SearchDay(models.Model):
    """One day's searches for the same words, language, filters and town: what remains of
    the raw log after ``INSIGHTS_RAW_DAYS``."""

    day = models.DateField(_("day"), db_index=True)
    query = models.CharField(_("words searched"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=8)
    filters = models.CharField(_("filters"), max_length=200, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    searches = models.PositiveIntegerField(_("searches"))
    without_results = models.PositiveIntegerField(_("searches without results"))

    class Meta:
        verbose_name = _("searches of a day")
        verbose_name_plural = _("searches of a day")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "query", "language", "filters", "town"], name="one_search_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.language} {self.query!r}: {self.searches}"


class OfferViewDay(models.Model):
    """How often an offer's page was opened on a day, in a language; nothing else."""

    day = models.DateField(_("day"), db_index=True)
    offer = models.ForeignKey("directory.OfferPage", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language"), max_length=8)
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("offer views of a day")
        verbose_name_plural = _("offer views of a day")
        constraints = [
            models.UniqueConstraint(fields=["day", "offer", "language"], name="one_view_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.offer_id} {self.language}: {self.views}"
