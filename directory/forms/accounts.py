"""Accounts for associations: registration asks who you are and for which organisation."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.utils.translation import gettext_lazy as _

from .. import emails
from ..models import OrganisationPage
from .fields import PlainCharField, StepForm

NEW = "new"


class RegistrationForm(StepForm):
    """A new account for a member of an organisation; a moderator confirms it."""

    name = PlainCharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Your e-mail address"), help_text=_("You log in with it."))
    organisation = forms.ChoiceField(label=_("Your organisation"))
    new_organisation = PlainCharField(
        label=_("Name of your organisation, if it is not in the list"),
        max_length=200,
        required=False,
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False),
        strip=False,
        help_text=_("At least 8 characters, not only digits."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— choose —"))]
        choices += [(str(o.pk), o.title) for o in OrganisationPage.objects.live().order_by("title")]
        choices.append((NEW, _("My organisation is not in the list")))
        self.fields["organisation"].choices = choices

    def clean_email(self):
        # An address that has an account is not refused here: the answer would tell
        # strangers who has an account. The view e-mails that address instead.
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        if data.get("organisation") == NEW and not data.get("new_organisation"):
            self.add_error("new_organisation", _("Give the name of your organisation."))
        password = data.get("password")
        if password:
            user = get_user_model()(
                username=data.get("email", ""),
                email=data.get("email", ""),
                first_name=data.get("name", ""),
            )
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class LoginForm(AuthenticationForm):
    """Log in with the e-mail address (it is the user name of members)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address")

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset form, sending through ``emails.send``: a failure reaches the moderators."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        emails.send("password_reset", to_email, context["language"], context)
