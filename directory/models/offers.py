"""Offers (Angebote): what a newcomer can go to, with its times, places and the offer list page.

An *offer* is something a newcomer can go to: a Sprachcafé, an office hour of
the Migrationsberatung, a club's taster training. Every offer is a Wagtail page,
so it has drafts, revisions and moderation for free; an offer is public only
while its page is live and it is within its validity.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from .. import rules
from ..constants.formats import OfferFormat
from ..constants.kinds import OfferKind
from ..constants.sources import OfferSource
from ..constants.weekdays import Weekday
from ..forms.admin import OfferPageForm
from ..i18n import SOURCE_LANGUAGE, active_language, own_text
from ..occurrences import Occurrence, next_occurrences
from ..panels import ReviewNotesPanel, TranslationStatusPanel
from ..validators import (
    latitude_validators,
    longitude_validators,
    title_errors,
    validate_one_line,
    validate_phone,
    validate_postcode,
    validate_text,
)
from .base import MultilingualPage
from .organisations import OrganisationPage
from .taxonomy import (
    Category,
    SpokenLanguage,
    TargetGroup,
)


def source_language() -> str:
    return SOURCE_LANGUAGE


# Small on purpose: submitters paste from Word and e-mails; we keep structure, not styling.
RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class OfferPageQuerySet(PageQuerySet):
    """Queries that encode who may see which offer."""

    def public_current(self, on: dt.date | None = None) -> OfferPageQuerySet:
        """Live, non-private offers within their validity on ``on`` (today by default).

        This is the one definition of "public": pages, feeds and search use it.
        """
        on = on or timezone.localdate()
        return (
            self.live()
            .public()
            .filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on))
            .filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=on))
        )


OfferPageManager = PageManager.from_queryset(OfferPageQuerySet)


class OfferIndexPage(MultilingualPage):
    """The list of all offers; parent of every offer page."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["directory.OfferPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("offer list")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The results come from the search app, which sits above this one: it registers
        # an "offer_list_context" hook (search/wagtail_hooks.py).
        for provide in hooks.get_hooks("offer_list_context"):
            context.update(provide(request, self))
        return context


class OfferPage(MultilingualPage):
    """An offer for newcomers: what it is, when and where, who runs it, in which languages.

    The page title is the offer's name. ``last_confirmed`` ("zuletzt bestätigt")
    is the day somebody last said the offer still runs as described.
    """

    kind = models.CharField(_("kind of offer"), max_length=20, choices=OfferKind.choices)
    summary = models.TextField(
        _("short summary"),
        max_length=300,
        help_text=_("One or two plain sentences shown in lists and search results."),
        validators=[validate_text],
    )
    description = RichTextField(_("description"), features=RICH_TEXT_FEATURES, blank=True)
    organisation = models.ForeignKey(
        OrganisationPage,
        verbose_name=_("organisation"),
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="offers",
    )
    categories = ParentalManyToManyField(
        Category, verbose_name=_("categories"), related_name="offers"
    )
    target_groups = ParentalManyToManyField(
        TargetGroup, verbose_name=_("target groups"), related_name="offers", blank=True
    )
    spoken_languages = ParentalManyToManyField(
        SpokenLanguage,
        verbose_name=_("languages spoken at the offer"),
        related_name="offers",
    )
    interpreter_available = models.BooleanField(_("interpreter available"), default=False)

    is_free = models.BooleanField(_("free of charge"), default=True)
    cost_note = models.CharField(
        _("cost"),
        max_length=200,
        blank=True,
        help_text=_("What it costs, and reductions, if it is not free."),
        validators=[validate_one_line],
    )
    registration_required = models.BooleanField(_("registration needed"), default=False)
    registration_note = models.CharField(
        _("how to register"), max_length=200, blank=True, validators=[validate_one_line]
    )
    childcare = models.BooleanField(_("childcare provided"), default=False)
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    format = models.CharField(
        _("format"), max_length=20, choices=OfferFormat.choices, default=OfferFormat.IN_PERSON
    )

    schedule_note = models.CharField(
        _("notes on the schedule"),
        max_length=255,
        blank=True,
        help_text=_('For example "every 2nd Tuesday of the month" or "not in school holidays".'),
        validators=[validate_one_line],
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("For funded projects: after this day the offer is no longer shown."),
    )

    contact_name = models.CharField(
        _("contact person"), max_length=100, blank=True, validators=[validate_one_line]
    )
    contact_phone = models.CharField(
        _("phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    contact_email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    messenger = models.CharField(
        _("messenger"),
        max_length=100,
        blank=True,
        help_text=_('For example "Signal or WhatsApp: 0151 5550123".'),
        validators=[validate_one_line],
    )

    image = models.ForeignKey(
        "cms.CustomImage",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("image description (alt text)"),
        max_length=200,
        blank=True,
        help_text=_("Describe what the picture shows, for people who cannot see it."),
        validators=[validate_one_line],
    )

    last_confirmed = models.DateField(_("last confirmed"), default=timezone.localdate)
    source = models.CharField(
        _("source"), max_length=20, choices=OfferSource.choices, default=OfferSource.MODERATOR
    )

    # The language the offer was first written in: what "show the original" shows.
    original_language = models.CharField(
        _("written in"), max_length=8, choices=settings.LANGUAGES, default=source_language
    )

    objects = OfferPageManager()
    base_form_class = OfferPageForm

    content_panels = (
        [
            ReviewNotesPanel(heading=_("Review notes")),
            TranslationStatusPanel(heading=_("Translations")),
        ]
        + Page.content_panels
        + [
            FieldPanel("kind"),
            FieldPanel("summary"),
            FieldPanel("description"),
            FieldPanel("organisation"),
            FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
            FieldPanel("target_groups", widget=forms.CheckboxSelectMultiple),
            MultiFieldPanel(
                [FieldPanel("spoken_languages"), FieldPanel("interpreter_available")],
                heading=_("Languages"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("is_free"), FieldPanel("cost_note")]),
                    FieldRowPanel(
                        [FieldPanel("registration_required"), FieldPanel("registration_note")]
                    ),
                    FieldRowPanel([FieldPanel("childcare"), FieldPanel("wheelchair_accessible")]),
                    FieldPanel("format"),
                ],
                heading=_("Conditions"),
            ),
            MultiFieldPanel(
                [
                    InlinePanel("weekly_slots", label=_("Weekly times")),
                    InlinePanel("dates", label=_("Single dates")),
                    FieldPanel("schedule_note"),
                    FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
                ],
                heading=_("When"),
            ),
            InlinePanel("locations", label=_("Places")),
            MultiFieldPanel(
                [
                    FieldPanel("contact_name"),
                    FieldRowPanel([FieldPanel("contact_phone"), FieldPanel("contact_email")]),
                    FieldRowPanel([FieldPanel("website"), FieldPanel("messenger")]),
                ],
                heading=_("Contact"),
            ),
            MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Picture")),
            FieldRowPanel(
                [
                    FieldPanel("last_confirmed"),
                    FieldPanel("source"),
                    FieldPanel("original_language"),
                ]
            ),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("kind"),
        index.RelatedFields("organisation", [index.SearchField("title")]),
    ]
    parent_page_types = ["directory.OfferIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = title_errors(self)
        for field, problem in (
            ("valid_until", rules.validity_problem(self.valid_from, self.valid_until)),
            ("cost_note", rules.cost_problem(self.is_free, self.cost_note)),
        ):
            if problem:
                errors[field] = problem
        if errors:
            raise ValidationError(errors)

    # --- What the pages show ---

    def is_current(self, on: dt.date | None = None) -> bool:
        """Whether the offer is within its validity on ``on`` (today by default)."""
        on = on or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or self.valid_until >= on
        )

    def has_translation(self, language: str | None = None) -> bool:
        """Whether the offer's own text exists in ``language`` (German always does)."""
        language = (language or active_language()).split("-")[0]
        if language == SOURCE_LANGUAGE:
            return True
        return bool(own_text(self, "summary", language))

    def upcoming(self, limit: int = 3, on: dt.date | None = None) -> list[Occurrence]:
        """The next ``limit`` dates, weekly slots and single dates merged, within validity."""
        return next_occurrences(
            [(s.weekday, s.start_time, s.end_time) for s in self.weekly_slots.all()],
            [(d.date, d.start_time, d.end_time) for d in self.dates.all()],
            self.valid_from,
            self.valid_until,
            limit=limit,
            on=on,
        )

    def get_sitemap_urls(self, request=None) -> list[dict]:
        # An offer outside its validity is live but not public: keep it out of the sitemap.
        return super().get_sitemap_urls(request) if self.is_current() else []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        language = active_language()
        context["translation_missing"] = not self.has_translation()
        # A translation may cover the summary but not (yet) the long description.
        context["description_in_german"] = language != SOURCE_LANGUAGE and not own_text(
            self, "description", language
        )
        # Outside its validity the page stays reachable (old links, flyers) but says so
        # and asks search engines not to list it; lists, search and sitemap leave it out.
        today = timezone.localdate()
        context["is_current"] = self.is_current(today)
        context["ended_on"] = (
            self.valid_until if self.valid_until and self.valid_until < today else None
        )
        context["starts_on"] = (
            self.valid_from if self.valid_from and self.valid_from > today else None
        )
        context["upcoming"] = self.upcoming(limit=5)
        context["absolute_url"] = self.get_full_url(request)
        if context["is_current"]:
            # For the view count (search's insights log, issue 17): which offer, which language.
            request.gemeinsam_offer_view = (self.pk, language)
            from ..structured_data import offer_data, script_element  # built from this model

            context["structured_data"] = script_element(offer_data(self, language, request))
        # Short texts shown in German because they lack a translation get lang="de".
        context["german_fields"] = {
            name
            for name in ("schedule_note", "cost_note", "registration_note")
            if language != SOURCE_LANGUAGE and not own_text(self, name, language)
        }
        from ..translation_status import reader_context  # it builds on this model

        context.update(reader_context(self, language))
        return context


class OfferWeeklySlot(Orderable):
    """A recurring weekly time, e.g. Tuesdays 15:00–17:00."""

    page = ParentalKey(OfferPage, on_delete=models.CASCADE, related_name="weekly_slots")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))

    panels = [
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("start_time"), FieldPanel("end_time")])
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("weekly time")
        verbose_name_plural = _("weekly times")

    def clean(self) -> None:
        if problem := rules.time_order_problem(self.start_time, self.end_time):
            raise ValidationError({"end_time": problem})


class OfferDate(Orderable):
    """A single date, e.g. a festival or an information evening."""

    page = ParentalKey(OfferPage, on_delete=models.CASCADE, related_name="dates")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("to"), null=True, blank=True)

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("start_time"), FieldPanel("end_time")])]

    class Meta(Orderable.Meta):
        verbose_name = _("single date")
        verbose_name_plural = _("single dates")
        ordering = ["date", "start_time"]

    def clean(self) -> None:
        if self.end_time and not self.start_time:
            raise ValidationError({"start_time": _("Give a start time when you give an end time.")})
        if problem := rules.time_order_problem(self.start_time, self.end_time):
            raise ValidationError({"end_time": problem})


class OfferLocation(Orderable):
    """A place where an offer happens: address, coordinates and how to get there by bus or train."""

    page = ParentalKey(OfferPage, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(
        _("name of the place"),
        max_length=120,
        blank=True,
        help_text=_('For example "Mehrgenerationenhaus" or "Turnhalle der Grundschule".'),
        validators=[validate_one_line],
    )
    street = models.CharField(
        _("street and number"), max_length=120, blank=True, validators=[validate_one_line]
    )
    postcode = models.CharField(_("postcode"), max_length=5, validators=[validate_postcode])
    town = models.CharField(_("town"), max_length=100, validators=[validate_one_line])
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=latitude_validators
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=longitude_validators
    )
    transit_note = models.CharField(
        _("public transport"),
        max_length=255,
        blank=True,
        help_text=_('For example "Bus 9651, stop Marienplatz, 3 minutes on foot".'),
        validators=[validate_text],
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("street"), FieldPanel("postcode"), FieldPanel("town")]),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldPanel("transit_note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [models.Index(fields=["latitude", "longitude"], name="offer_location_point")]

    def clean(self) -> None:
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})

    @property
    def transit_note_translated(self) -> bool:
        """Whether the transit note exists in the active language (German always does)."""
        language = active_language()
        return language == SOURCE_LANGUAGE or bool(own_text(self, "transit_note", language))

    @property
    def has_point(self) -> bool:
        """Whether the place has coordinates."""
        return self.latitude is not None and self.longitude is not None

    def __str__(self) -> str:
        return ", ".join(p for p in [self.name, self.street, f"{self.postcode} {self.town}"] if p)
