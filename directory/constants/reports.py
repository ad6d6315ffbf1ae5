"""Why somebody reports a problem with an offer."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportReason(models.TextChoices):
    """The reasons a reader can choose, plus the one the reminder command files itself."""

    WRONG = "wrong", _("Something is wrong (time, place, contact)")
    OUTDATED = "outdated", _("The offer no longer exists")
    INAPPROPRIATE = "inappropriate", _("The content is inappropriate")
    OTHER = "other", _("Something else")
    UNCONFIRMED = "unconfirmed", _("Not confirmed in time; taken offline")


PUBLIC_REASONS = [
    ReportReason.WRONG,
    ReportReason.OUTDATED,
    ReportReason.INAPPROPRIATE,
    ReportReason.OTHER,
]
