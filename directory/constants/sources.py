"""Where the data of an offer came from."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfferSource(models.TextChoices):
    """Who entered the offer: a moderator, a public submission or an import."""

    MODERATOR = "moderator", _("Entered by a moderator")
    SUBMISSION = "submission", _("Public submission")
    IMPORT = "import", _("Import")
