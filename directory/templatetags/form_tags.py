"""Rendering form fields the accessible way: label, hint, error, input, all linked by id."""

from __future__ import annotations

from django import forms, template

register = template.Library()


def field_kind(field) -> str:
    widget = field.field.widget
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return "group"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.inclusion_tag("includes/form_field.html")
def form_field(field):
    """One field: its hint and error are tied to the input with aria-describedby."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
        field.field.widget.attrs["aria-invalid"] = "true"
    if described:
        field.field.widget.attrs["aria-describedby"] = " ".join(described)
    return {"field": field, "kind": field_kind(field)}


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_to_check):
    """The list of problems at the top of a page, each linking to its field."""
    errors = []
    for form in forms_to_check:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            errors.append(("", message))
        for name, field_errors in form.errors.items():
            if name == "__all__":
                continue
            anchor = form[name].auto_id if name in form.fields else ""
            errors.extend((anchor, message) for message in field_errors)
    return {"errors": errors}


@register.filter
def has_errors(forms_to_check) -> bool:
    """Whether any of the forms (one form or a list) is bound and has errors."""
    items = forms_to_check if isinstance(forms_to_check, (list, tuple)) else [forms_to_check]
    return any(f is not None and f.is_bound and f.errors for f in items)


@register.simple_tag
def answer(form, name: str) -> str:
    """A cleaned answer as a reader sees it: labels for choices, yes/no, dates in their format."""
    from django.utils import formats
    from django.utils.translation import gettext

    if name not in form.fields:
        return ""
    value = form.cleaned_data.get(name)
    field = form.fields[name]
    if isinstance(field, forms.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(field, forms.ChoiceField):
        labels = {str(key): label for key, label in field.choices}
        if isinstance(value, (list, tuple)):
            return ", ".join(str(labels.get(str(v), v)) for v in value)
        if isinstance(field, forms.TypedChoiceField) and name == "is_free":
            value = "1" if value else "0"
        return str(labels.get(str(value), value or ""))
    if value is None or value == "":
        return ""
    if hasattr(value, "strftime"):
        return formats.localize(value)
    if hasattr(value, "extension"):  # a cleaned picture
        return gettext("Picture added")
    return str(value)
