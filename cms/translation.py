"""Translated fields of the site's own page types (django-modeltranslation)."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from .models import HomePage, StandardPage


@register(HomePage)
class HomePageTR(TranslationOptions):
    fields = ("intro",)


@register(StandardPage)
class StandardPageTR(TranslationOptions):
    fields = ("body",)
