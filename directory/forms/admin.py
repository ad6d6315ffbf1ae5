"""Forms of the directory. The admin form checks what needs more than one field."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from ..constants.formats import OfferFormat


class OfferPageForm(WagtailAdminPageForm):
    """The offer editing form in the Wagtail admin."""

    def clean(self):
        cleaned = super().clean()
        locations = self.formsets.get("locations")
        if locations is not None:
            self._locate_places(locations)
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

    @staticmethod
    def _locate_places(locations) -> None:
        """Geocode places typed without coordinates (answers are cached, far-off ones refused)."""
        from ..geocoding import locate

        for form in locations.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            if data.get("latitude") is None and data.get("longitude") is None:
                place = form.instance
                place.street, place.postcode, place.town = (
                    data.get("street", ""),
                    data.get("postcode", ""),
                    data.get("town", ""),
                )
                if locate(place):
                    data["latitude"], data["longitude"] = place.latitude, place.longitude
