"""Field validators with messages a moderator or submitter can act on."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

validate_postcode = RegexValidator(
    r"^\d{5}$", _("Enter a German postcode of five digits, for example 82362.")
)
validate_phone = RegexValidator(
    r"^\+?[0-9][0-9 ()/\-]{4,29}$",
    _("Enter a phone number with digits only, for example 0881 555-0123 or +49 881 5550123."),
)
latitude_validators = [
    MinValueValidator(-90, _("A latitude lies between -90 and 90.")),
    MaxValueValidator(90, _("A latitude lies between -90 and 90.")),
]
longitude_validators = [
    MinValueValidator(-180, _("A longitude lies between -180 and 180.")),
    MaxValueValidator(180, _("A longitude lies between -180 and 180.")),
]
