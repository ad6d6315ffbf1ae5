"""The import's forms in the admin: the upload, and the mapping of a file's columns."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..imports.columns import field_choices
from ..models import ImportBatch

# As deploy/nginx.conf lets through. 20,000 rows of a full template are about 4 MB as XLSX.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class UploadForm(forms.Form):
    """A spreadsheet (CSV, XLSX) or an HSDS package (ZIP), and how to treat its offers."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A spreadsheet as CSV or XLSX (one row per offer), or an Open Referral HSDS "
            "data package as ZIP. At most 10 MB."
        ),
        error_messages={"required": _("Choose a file to import.")},
    )
    trusted = forms.BooleanField(
        label=_("This source is trusted: publish its offers at once, without review"),
        required=False,
    )
    on_duplicate = forms.ChoiceField(
        label=_("When a row matches an offer that already exists"),
        choices=ImportBatch.OnDuplicate.choices,
        initial=ImportBatch.OnDuplicate.UPDATE,
        widget=forms.RadioSelect,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 10 MB. Split it into several files.")
            )
        return upload


class MappingForm(forms.Form):
    """One choice per column of the file: the field it holds, or "do not import"."""

    def __init__(self, *args, headers: list[str], mapping: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = field_choices()
        for index, header in enumerate(headers):
            self.fields[f"column{index}"] = forms.ChoiceField(
                label=header or _("(column without a header)"),
                choices=choices,
                initial=mapping[index] if index < len(mapping) else "",
                required=False,
            )

    def mapping(self) -> list[str]:
        """The chosen field per column, in the file's order."""
        return [self.cleaned_data[f"column{index}"] for index in range(len(self.fields))]
