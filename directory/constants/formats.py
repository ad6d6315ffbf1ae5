"""Where an offer takes place: on site, online or both."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfferFormat(models.TextChoices):
    """In person needs a location; online needs none; hybrid has both."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")
