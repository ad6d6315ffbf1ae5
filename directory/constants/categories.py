"""The fixed, curated category taxonomy (slug, label, icon name)."""

from django.utils.translation import gettext_lazy as _

# The icon names refer to SVG symbols in static/icons.svg.
CATEGORIES = [
    ("encounter-leisure", _("Encounter & leisure"), "people"),
    ("language-education", _("Language & education"), "speech"),
    ("work-training", _("Work & training"), "briefcase"),
    ("counselling-help", _("Counselling & help"), "help"),
    ("family-women-children", _("Family · women · children"), "family"),
    ("sport", _("Sport"), "ball"),
    ("volunteering", _("Volunteering & taking part"), "hand"),
    ("health", _("Health"), "heart"),
    ("housing-everyday", _("Housing & everyday life"), "house"),
]
