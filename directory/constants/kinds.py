"""What sort of offer a page describes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfferKind(models.TextChoices):
    """Kinds of offer.

    *Begegnung* is an encounter activity (Sprachcafé, Begegnungscafé), *Beratung*
    a counselling service (Migrationsberatung), a *Vereinsangebot* something a
    club (Verein) offers its members and guests, *Ehrenamt* unpaid volunteering.
    """

    ACTIVITY = "activity", _("Activity / encounter")
    COUNSELLING = "counselling", _("Counselling service")
    CLUB_OFFER = "club_offer", _("Club offer")
    COURSE = "course", _("Course")
    VOLUNTEERING = "volunteering", _("Volunteering opportunity")
