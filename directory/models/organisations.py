"""Organisations that run offers: a Verein (registered club), a welfare organisation, an office."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.query import PageQuerySet
from wagtail.search import index

from ..constants.organisation_types import OrganisationType
from ..i18n import active_language
from ..validators import (
    title_errors,
    validate_one_line,
    validate_phone,
)
from .base import MultilingualPage


class OrganisationIndexPage(MultilingualPage):
    """The list of all organisations; parent of every organisation page."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["directory.OrganisationPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("organisation list")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["organisations"] = (
            OrganisationPage.objects.child_of(self).live().public().order_by("title")
        )
        return context


class OrganisationPage(MultilingualPage):
    """An organisation that runs offers: a Verein, a welfare organisation, an office, a person.

    The page title is the organisation's name. One organisation owns each offer,
    so the same offer is not collected twice by different offices.
    """

    org_type = models.CharField(
        _("type of organisation"), max_length=30, choices=OrganisationType.choices
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    town = models.CharField(_("town"), max_length=100, blank=True, validators=[validate_one_line])
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "cms.CustomImage",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_("A moderator has checked that this organisation is who it says it is."),
    )
    trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_(
            "Edits by this organisation's members are published without review "
            "(they are still logged)."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("org_type"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("town"), FieldPanel("email"), FieldPanel("phone"), FieldPanel("website")],
            heading=_("Contact"),
        ),
        FieldPanel("logo"),
        FieldRowPanel([FieldPanel("verified"), FieldPanel("trusted")]),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("description"),
        index.FilterField("org_type"),
    ]
    parent_page_types = ["directory.OrganisationIndexPage"]
    subpage_types: list[str] = []

    def clean(self) -> None:
        super().clean()
        errors = title_errors(self)
        if errors:
            raise ValidationError(errors)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def public_offers(self) -> PageQuerySet:
        """The organisation's offers that anybody may see today."""
        return self.offers.public_current().order_by("title")

    def get_context(self, request, *args, **kwargs):
        from ..summaries import load_summaries

        context = super().get_context(request, *args, **kwargs)
        ids = list(self.public_offers().values_list("pk", flat=True))
        context["offers"] = load_summaries(ids, active_language())
        return context
