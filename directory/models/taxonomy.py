"""The fixed taxonomy in lookup tables: categories, target groups, spoken languages.

The lists themselves live in ``constants/`` (gettext labels); ``taxonomy.sync_taxonomy``
mirrors them into these tables after each migrate so offers can be filtered by them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..constants.categories import CATEGORIES
from ..constants.languages import SPOKEN_LANGUAGES
from ..constants.target_groups import TARGET_GROUPS


class Category(models.Model):
    """One entry of the fixed category taxonomy (``constants.categories``)."""

    slug = models.SlugField(_("slug"), unique=True)
    icon = models.CharField(_("icon"), max_length=40, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    @property
    def label(self) -> str:
        """The category's name in the active language."""
        return str(_CATEGORY_LABELS.get(self.slug, self.slug))

    def __str__(self) -> str:
        return self.label


class TargetGroup(models.Model):
    """One entry of the fixed list of target groups (``constants.target_groups``)."""

    slug = models.SlugField(_("slug"), unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    @property
    def label(self) -> str:
        """The target group's name in the active language."""
        return str(_TARGET_GROUP_LABELS.get(self.slug, self.slug))

    def __str__(self) -> str:
        return self.label


class SpokenLanguage(models.Model):
    """A language that people at an offer speak (ISO 639 code)."""

    code = models.CharField(_("ISO 639 code"), max_length=8, unique=True)
    native_name = models.CharField(_("native name"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("spoken language")
        verbose_name_plural = _("spoken languages")

    @property
    def label(self) -> str:
        """The language's name in the reader's language."""
        return str(_LANGUAGE_LABELS.get(self.code, self.native_name))

    def __str__(self) -> str:
        return self.label


_CATEGORY_LABELS = {slug: label for slug, label, _icon in CATEGORIES}
_TARGET_GROUP_LABELS = dict(TARGET_GROUPS)
_LANGUAGE_LABELS = {code: label for code, label, _native in SPOKEN_LANGUAGES}
