"""Forms of the directory. The admin form checks what needs more than one field."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from .constants.formats import OfferFormat


class OfferPageForm(WagtailAdminPageForm):
    """The offer editing form in the Wagtail admin."""

    def clean(self):
        cleaned = super().clean()
        locations = self.formsets.get("locations")
        if locations is not None and cleaned.get("format") in (
            OfferFormat.IN_PERSON,
            OfferFormat.HYBRID,
        ):
            kept = [
                form
                for form in locations.forms
                if (form.has_changed() or form.instance.pk)
                and not getattr(form, "cleaned_data", {}).get("DELETE", False)
            ]
            if not kept:
                self.add_error(
                    "format",
                    _("An offer that takes place in person needs at least one place."),
                )
        return cleaned
