"""Legal or social form of an organisation that posts offers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    """Kinds of organisation.

    A *Verein* is a registered club or association; a *Wohlfahrtsverband* a
    welfare organisation (Caritas, Diakonie, AWO, BRK …); a *Behörde* a public
    authority (Landratsamt, Jobcenter); a *Migrantenorganisation* (MSO) a
    self-organisation of migrants; a *Bildungsträger* a course provider (VHS);
    a *Privatperson* an individual.
    """

    VEREIN = "verein", _("Club or association")
    WOHLFAHRTSVERBAND = "wohlfahrtsverband", _("Welfare organisation")
    BEHOERDE = "behoerde", _("Public authority")
    KIRCHE = "kirche", _("Church or religious community")
    MIGRANTENORGANISATION = "migrantenorganisation", _("Migrant organisation")
    BILDUNGSTRAEGER = "bildungstraeger", _("Education provider")
    PRIVATPERSON = "privatperson", _("Private person")
