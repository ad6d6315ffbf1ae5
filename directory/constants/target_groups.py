"""The fixed list of target groups an offer can address."""

from django.utils.translation import gettext_lazy as _

TARGET_GROUPS = [
    ("everyone", _("Everyone")),
    ("women", _("Women")),
    ("parents", _("Parents")),
    ("children", _("Children")),
    ("youth", _("Young people")),
    ("seniors", _("Older people")),
    ("refugees", _("Refugees")),
    ("eu_workers", _("Workers from the EU")),
    ("skilled_workers", _("Skilled workers")),
    ("trainees", _("Trainees")),
    ("volunteers", _("Volunteers")),
]
