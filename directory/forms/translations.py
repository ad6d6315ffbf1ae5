"""The translator's form: one offer's texts in one language, next to the source."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.rich_text import get_rich_text_editor_widget

from ..i18n import column
from ..models import RICH_TEXT_FEATURES
from ..translation_status import Slot, Status
from ..validators import validate_one_line

LONG_TEXTS = frozenset({"summary"})


class TranslationForm(forms.Form):
    """A field per translatable text in ``language``, and a tick for "checked, correct"
    on texts a machine wrote or whose source changed since."""

    def __init__(self, *args, slots: list[Slot], language: str, states: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = slots
        self.language = language
        self.rows = []
        self.columns: dict[str, str] = {}  # the offer's column → this form's field
        for number, slot in enumerate(slots):
            model_field = slot.obj._meta.get_field(column(slot.field, language))
            form_field = model_field.formfield(required=False)
            # The model's own rules (one line, no invisible control characters …).
            form_field.validators = [*form_field.validators, *model_field.validators]
            if slot.field == "title":  # Wagtail's title has none; the offer's rule (title_errors)
                form_field.validators.append(validate_one_line)
            if slot.rich:
                form_field.widget = get_rich_text_editor_widget(features=RICH_TEXT_FEATURES)
            elif slot.field in LONG_TEXTS:
                form_field.widget = forms.Textarea(attrs={"rows": 3})
            form_field.initial = slot.text(language)
            label = capfirst(slot.obj._meta.get_field(slot.field).verbose_name)
            if "." in slot.key:  # a place's text: say which place
                label = f"{label} ({slot.obj})"
            form_field.label = label
            form_field.widget.attrs.update(lang=language, dir="auto")
            name = f"text{number}"
            self.fields[name] = form_field
            if slot.obj is slots[0].obj:
                self.columns[column(slot.field, language)] = name
            status = states[(slot.key, language)]
            confirm = None
            if status in (Status.MACHINE, Status.OUTDATED):
                confirm = f"confirm{number}"
                self.fields[confirm] = forms.BooleanField(
                    label=_("Checked: this translation is correct"), required=False
                )
            self.rows.append((slot, name, confirm, status))

    def add_model_errors(self, error) -> None:
        """A ValidationError of the whole offer, on the fields it names (else on top)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            name = self.columns.get(key)
            if name is not None and name not in self.errors:
                self.add_error(name, messages)
            else:
                self.add_error(None, messages)

    def bound_rows(self):
        """(slot, bound text field, bound confirm field or None, status) per text."""
        return [
            (slot, self[name], self[confirm] if confirm else None, status)
            for slot, name, confirm, status in self.rows
        ]

    def changes(self) -> tuple[list[tuple[Slot, str]], list[Slot]]:
        """(texts to write with their new value, unchanged texts confirmed as correct)."""
        written, confirmed = [], []
        for slot, name, confirm, _status in self.rows:
            value = self.cleaned_data.get(name) or ""
            if value.strip() != slot.text(self.language):
                written.append((slot, value.strip()))
            elif confirm and self.cleaned_data.get(confirm):
                confirmed.append(slot)
        return written, confirmed
