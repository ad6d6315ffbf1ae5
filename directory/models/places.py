"""The geocoder's answers, kept so that each address is asked for only once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class GeocodedAddress(models.Model):
    """A geocoder's answer for one address, kept so the same address is never asked twice.

    A miss is kept too (without a point), so a typo does not hit the geocoder on every save.
    """

    query = models.CharField(_("address asked"), max_length=300, unique=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    display_name = models.CharField(_("address found"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)

    class Meta:
        verbose_name = _("geocoded address")
        verbose_name_plural = _("geocoded addresses")

    def __str__(self) -> str:
        return self.query
