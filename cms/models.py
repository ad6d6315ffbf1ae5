"""Site structure: the home page, standard pages (privacy, imprint, how to take part) and images."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Page

from directory.i18n import SOURCE_LANGUAGE, active_language, own_text
from directory.models.base import MultilingualPage

BODY_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link"]


class CustomImage(AbstractImage):
    """A picture, with the consent of the people it shows recorded next to it."""

    people_consent = models.BooleanField(
        _("the people shown agreed to publication"),
        default=False,
        help_text=_("Tick only if everyone recognisable in the picture agreed to its publication."),
    )

    admin_form_fields = Image.admin_form_fields + ("people_consent",)

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")


class CustomRendition(AbstractRendition):
    """A resized copy of a :class:`CustomImage`."""

    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class HomePage(MultilingualPage):
    """The start page of a district's directory."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "directory.OfferIndexPage",
        "directory.OrganisationIndexPage",
        "cms.StandardPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from directory.models import Category, OfferIndexPage, OfferPage
        from directory.summaries import load_summaries, soonest_summaries

        context = super().get_context(request, *args, **kwargs)
        language = active_language()
        newest = OfferPage.objects.public_current().order_by("-first_published_at", "-pk")
        context["categories"] = Category.objects.all()
        context["newest_offers"] = load_summaries(
            list(newest.values_list("pk", flat=True)[:4]), language
        )
        context["soonest_offers"] = soonest_summaries(language, limit=4)
        context["offer_index"] = OfferIndexPage.objects.child_of(self).live().first()
        return context


class StandardPage(MultilingualPage):
    """A page of text: privacy, imprint, how to add an offer."""

    body = RichTextField(_("text"), features=BODY_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        language = active_language()
        context["body_translated"] = language == SOURCE_LANGUAGE or bool(
            own_text(self, "body", language)
        )
        return context

    class Meta:
        verbose_name = _("standard page")


@register_setting(icon="link")
class SiteLinks(BaseSiteSetting):
    """Pages the footer links to on every page: privacy, imprint, how to add an offer."""

    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imprint_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("imprint page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contribute_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("how to add an offer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Explains how to add an offer and links to the form."),
    )

    panels = [FieldPanel("privacy_page"), FieldPanel("imprint_page"), FieldPanel("contribute_page")]

    class Meta:
        verbose_name = _("links in the footer")
