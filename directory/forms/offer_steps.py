"""The public offer form, one topic per step, and the one-page edit form built from the same steps.

Every step is a plain Django form whose field names are unique across all
steps, so the steps can be stored side by side (the wizard keeps the typed
data of each step in the session) and shown together on the edit page.
Validation is on the server only; each message says what to do.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..constants.categories import CATEGORIES
from ..constants.formats import OfferFormat
from ..constants.kinds import OfferKind
from ..constants.languages import SPOKEN_LANGUAGES
from ..constants.organisation_types import OrganisationType
from ..constants.target_groups import TARGET_GROUPS
from ..constants.weekdays import Weekday
from ..validators import (
    validate_phone,
    validate_postcode,
)
from .fields import PlainCharField, PlainTextField, StepForm

SLOT_ROWS = 3
DATE_ROWS = 3


class WhatForm(StepForm):
    """What is the offer?"""

    title_text = _("What is the offer?")

    title = PlainCharField(
        label=_("Name of the offer"),
        max_length=120,
        help_text=_('For example "Sprachcafé in Weilheim" or "Football for everyone".'),
        error_messages={"required": _("Enter the name of the offer.")},
    )
    kind = forms.ChoiceField(
        label=_("What kind of offer is it?"),
        choices=OfferKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of offer it is.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=[(slug, label) for slug, label, _icon in CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more."),
        error_messages={"required": _("Choose at least one topic.")},
    )
    summary = PlainTextField(
        label=_("Short description"),
        max_length=300,
        rows=3,
        help_text=_("One or two simple sentences. At most 300 characters."),
        error_messages={"required": _("Describe the offer in one or two sentences.")},
    )
    description = PlainTextField(
        label=_("More details (optional)"),
        max_length=4000,
        required=False,
        rows=8,
        help_text=_("What happens there, what to bring. Leave an empty line between paragraphs."),
    )


class WhenForm(StepForm):
    """When does it take place: weekly times, single dates, a note, validity."""

    title_text = _("When does it take place?")

    schedule_note = PlainCharField(
        label=_("Anything else about the times? (optional)"),
        max_length=255,
        required=False,
        help_text=_('For example "every 2nd Tuesday of the month" or "by appointment".'),
    )
    valid_from = forms.DateField(
        label=_("Runs from (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    valid_until = forms.DateField(
        label=_("Runs until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For funded projects: after this day the offer is no longer shown."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = [("", _("— no weekly time —")), *Weekday.choices]
        for row in range(1, SLOT_ROWS + 1):
            self.fields[f"slot{row}_day"] = forms.TypedChoiceField(
                label=_("Weekday"), choices=days, required=False, coerce=int, empty_value=None
            )
            self.fields[f"slot{row}_start"] = forms.TimeField(
                label=_("from"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
            )
            self.fields[f"slot{row}_end"] = forms.TimeField(
                label=_("to"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
            )
        for row in range(1, DATE_ROWS + 1):
            self.fields[f"date{row}"] = forms.DateField(
                label=_("Date"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
            self.fields[f"date{row}_start"] = forms.TimeField(
                label=_("from"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
            )
            self.fields[f"date{row}_end"] = forms.TimeField(
                label=_("to"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
            )
        # Keep the note and the validity after the rows, as the page shows them.
        for name in ("schedule_note", "valid_from", "valid_until"):
            self.fields[name] = self.fields.pop(name)

    def slot_rows(self):
        return [
            (self[f"slot{r}_day"], self[f"slot{r}_start"], self[f"slot{r}_end"])
            for r in range(1, SLOT_ROWS + 1)
        ]

    def date_rows(self):
        return [
            (self[f"date{r}"], self[f"date{r}_start"], self[f"date{r}_end"])
            for r in range(1, DATE_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        any_time = bool((data.get("schedule_note") or "").strip())
        for row in range(1, SLOT_ROWS + 1):
            day, start, end = (data.get(f"slot{row}_{p}") for p in ("day", "start", "end"))
            if day is None and not (start or end):
                continue
            any_time = True
            if day is None:
                self.add_error(f"slot{row}_day", _("Choose the weekday for this time."))
            if not start or not end:
                self.add_error(f"slot{row}_start", _("Give the start and the end time."))
            elif problem := rules.time_order_problem(start, end):
                self.add_error(f"slot{row}_end", problem)
        for row in range(1, DATE_ROWS + 1):
            day, start, end = (data.get(f"date{row}{p}") for p in ("", "_start", "_end"))
            if day is None and not (start or end):
                continue
            any_time = True
            if day is None:
                self.add_error(f"date{row}", _("Give the date for this time."))
            if problem := rules.time_order_problem(start, end):
                self.add_error(f"date{row}_end", problem)
        if problem := rules.validity_problem(data.get("valid_from"), data.get("valid_until")):
            self.add_error("valid_until", problem)
        if not any_time:
            raise ValidationError(
                _("Tell us when: a weekly time, a date, or a note such as “by appointment”.")
            )
        return data


class WhereForm(StepForm):
    """Where: in person at an address, online, or both."""

    title_text = _("Where does it take place?")

    format = forms.ChoiceField(
        label=_("How does it take place?"),
        choices=OfferFormat.choices,
        widget=forms.RadioSelect,
        initial=OfferFormat.IN_PERSON,
    )
    place_name = PlainCharField(
        label=_("Name of the place (optional)"),
        max_length=100,
        required=False,
        help_text=_('For example "Pfarrheim St. Pölten".'),
    )
    street = PlainCharField(label=_("Street and number (optional)"), max_length=120, required=False)
    postcode = forms.CharField(
        label=_("Postcode"), max_length=5, required=False, validators=[validate_postcode]
    )
    town = PlainCharField(label=_("Town"), max_length=100, required=False)
    transit_note = PlainTextField(
        label=_("How to get there by bus or train (optional)"),
        max_length=200,
        required=False,
        rows=2,
    )
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput)

    def needs_place(self) -> bool:
        return self.cleaned_data.get("format") in (OfferFormat.IN_PERSON, OfferFormat.HYBRID)

    def clean(self):
        data = super().clean()
        if self.needs_place() and not (data.get("postcode") or data.get("town")):
            self.add_error("postcode", _("Give the postcode or the town where it takes place."))
        return data


class WhoForm(StepForm):
    """For whom, in which languages, and the conditions."""

    title_text = _("Who is it for?")

    target_groups = forms.MultipleChoiceField(
        label=_("Who is it for? (optional)"),
        choices=[(slug, label) for slug, label in TARGET_GROUPS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    spoken_languages = forms.MultipleChoiceField(
        label=_("Which languages are spoken there?"),
        choices=[(code, f"{native} – {label}") for code, label, native in SPOKEN_LANGUAGES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language.")},
    )
    interpreter_available = forms.BooleanField(
        label=_("An interpreter can be there"), required=False
    )
    is_free = forms.TypedChoiceField(
        label=_("Does it cost anything?"),
        choices=[("1", _("No, it is free")), ("0", _("Yes, it costs something"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    cost_note = PlainCharField(
        label=_("What does it cost? (if not free)"), max_length=200, required=False
    )
    registration_required = forms.BooleanField(label=_("People must register"), required=False)
    registration_note = PlainCharField(
        label=_("How to register (optional)"), max_length=200, required=False
    )
    childcare = forms.BooleanField(label=_("Childcare is provided"), required=False)
    wheelchair_accessible = forms.BooleanField(label=_("Accessible by wheelchair"), required=False)

    def clean(self):
        data = super().clean()
        if problem := rules.cost_problem(data.get("is_free"), data.get("cost_note")):
            self.add_error("cost_note", problem)
        return data


class ContactForm(StepForm):
    """Who runs it and how to reach them (public), and the submitter's own address (private)."""

    title_text = _("Who runs it and how can people get in touch?")

    organisation_name = PlainCharField(
        label=_("Who runs the offer?"),
        max_length=200,
        help_text=_("The name of the club, service or group – or your own name."),
        error_messages={"required": _("Enter who runs the offer.")},
    )
    org_type = forms.ChoiceField(
        label=_("What kind of organisation is it?"),
        choices=OrganisationType.choices,
        initial=OrganisationType.VEREIN,
    )
    contact_name = PlainCharField(
        label=_("Contact person (optional)"), max_length=100, required=False
    )
    # The ways to get in touch: at least one is needed, none is required on its own;
    # the page groups them under one question that says so (``contact_ways``).
    contact_phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, validators=[validate_phone]
    )
    contact_email = forms.EmailField(label=_("Public e-mail"), required=False)
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", max_length=200
    )
    messenger = PlainCharField(label=_("Messenger"), max_length=100, required=False)
    submitter_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_(
            "We send you a link to confirm your entry, and tell you when it is published. "
            "It is not shown on the site."
        ),
        error_messages={"required": _("Enter your e-mail address, so that you can confirm it.")},
    )
    privacy = forms.BooleanField(
        label=_(
            "I agree that the district office stores my e-mail address to contact me "
            "about this entry."
        ),
        error_messages={"required": _("Please agree, so that we can contact you.")},
    )

    contact_ways = ("contact_phone", "contact_email", "website", "messenger")

    def __init__(self, *args, member_organisations=None, defaults=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in (defaults or {}).items():
            self.fields[name].initial = value
        if member_organisations is not None:
            # A member posts for their organisation; we already know who they are.
            for name in ("organisation_name", "org_type", "submitter_email", "privacy"):
                del self.fields[name]
            self.fields["organisation"] = forms.TypedChoiceField(
                label=_("For which organisation?"),
                choices=[(str(o.pk), o.title) for o in member_organisations],
                coerce=int,
            )
            self.order_fields(["organisation"])

    def ways(self) -> list:
        """The bound fields of the ways to get in touch, shown together."""
        return [self[name] for name in self.contact_ways]

    def other_fields_before(self) -> list:
        """The visible fields before the group of ways to get in touch."""
        names = list(self.fields)
        return self._visible(names[: names.index(self.contact_ways[0])])

    def other_fields_after(self) -> list:
        """The visible fields after the group of ways to get in touch."""
        names = list(self.fields)
        return self._visible(names[names.index(self.contact_ways[-1]) + 1 :])

    def _visible(self, names: list[str]) -> list:
        # The honeypot has its own hidden place in the page (includes/honeypot.html).
        return [self[n] for n in names if not self[n].is_hidden and n != "homepage"]

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in self.contact_ways):
            if "contact_phone" not in self.errors:
                self.add_error(
                    "contact_phone",
                    _(
                        "Give at least one way to get in touch: "
                        "phone, e-mail, website or messenger."
                    ),
                )
        return data


class PictureForm(StepForm):
    """An optional picture, with its description and the consent of the people shown."""

    title_text = _("Would you like to add a picture?")

    picture = forms.FileField(
        label=_("Picture (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 8 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    picture_alt = PlainCharField(
        label=_("What does the picture show?"),
        max_length=200,
        required=False,
        help_text=_("For people who cannot see it, for example “Women drinking tea at a table”."),
    )
    people_shown = forms.ChoiceField(
        label=_("Can people be recognised in the picture?"),
        choices=[
            ("no", _("No – no one can be recognised")),
            ("yes", _("Yes – people can be recognised")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    people_consent = forms.BooleanField(
        label=_("The people shown agreed that the picture is published."), required=False
    )
    remove_picture = forms.BooleanField(label=_("Remove the picture"), required=False)

    def __init__(self, *args, has_picture: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_picture = has_picture
        if not has_picture:
            del self.fields["remove_picture"]

    def clean_picture(self):
        from ..uploads import clean_picture

        upload = self.cleaned_data.get("picture")
        if not upload:
            return None
        return clean_picture(upload)

    def clean(self):
        data = super().clean()
        keeps_picture = (data.get("picture") or self.has_picture) and not data.get("remove_picture")
        if keeps_picture and "picture" not in self.errors:
            if not (data.get("picture_alt") or "").strip():
                self.add_error("picture_alt", _("Describe what the picture shows."))
            if not data.get("people_shown"):
                self.add_error(
                    "people_shown", _("Say whether people can be recognised in the picture.")
                )
            elif data["people_shown"] == "yes" and not data.get("people_consent"):
                self.add_error(
                    "people_consent",
                    _("Only pictures whose people agreed to publication can be shown."),
                )
        return data


STEPS: list[tuple[str, type[StepForm]]] = [
    ("what", WhatForm),
    ("when", WhenForm),
    ("where", WhereForm),
    ("who", WhoForm),
    ("contact", ContactForm),
    ("picture", PictureForm),
]
STEP_NAMES = [name for name, _form in STEPS] + ["review"]
STEP_TITLES = {
    "what": _("What"),
    "when": _("When"),
    "where": _("Where"),
    "who": _("Who and languages"),
    "contact": _("Contact"),
    "picture": _("Picture"),
    "review": _("Check and send"),
}
