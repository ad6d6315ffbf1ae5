"""Languages that can be spoken at an offer (ISO 639-1, or 639-3 where 639-1 has none).

Each entry: code, English name (translated through gettext), native name.
"""

from django.utils.translation import gettext_lazy as _

SPOKEN_LANGUAGES = [
    ("de", _("German"), "Deutsch"),
    ("en", _("English"), "English"),
    ("ar", _("Arabic"), "العربية"),
    ("uk", _("Ukrainian"), "Українська"),
    ("ru", _("Russian"), "Русский"),
    ("tr", _("Turkish"), "Türkçe"),
    ("fa", _("Persian (Farsi)"), "فارسی"),
    ("prs", _("Dari"), "دری"),
    ("ps", _("Pashto"), "پښتو"),
    ("ro", _("Romanian"), "Română"),
    ("bg", _("Bulgarian"), "Български"),
    ("pl", _("Polish"), "Polski"),
    ("sq", _("Albanian"), "Shqip"),
    ("kmr", _("Kurdish (Kurmanji)"), "Kurmancî"),
    ("so", _("Somali"), "Soomaali"),
    ("ti", _("Tigrinya"), "ትግርኛ"),
    ("fr", _("French"), "Français"),
    ("es", _("Spanish"), "Español"),
    ("it", _("Italian"), "Italiano"),
    ("hr", _("Croatian"), "Hrvatski"),
    ("sr", _("Serbian"), "Српски"),
    ("bs", _("Bosnian"), "Bosanski"),
    ("hu", _("Hungarian"), "Magyar"),
    ("el", _("Greek"), "Ελληνικά"),
    ("ur", _("Urdu"), "اردو"),
    ("gsg", _("German Sign Language"), "Deutsche Gebärdensprache"),
]
