"""Log in, log out and register as a member of an organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail.log_actions import log

from .. import emails
from ..forms.accounts import NEW, LoginForm, PasswordResetForm, RegistrationForm
from ..i18n import active_language
from ..models import OrganisationMembership, OrganisationPage
from ..ratelimit import rate_limited


class LoginView(auth_views.LoginView):
    """Django's login with our page; members land in "my offers" (limits: ``throttling``)."""

    template_name = "directory/account/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Log out (POST only, as Django requires)."""


class PasswordResetView(auth_views.PasswordResetView):
    """Forgotten password: a signed link by e-mail, in the language of the page."""

    template_name = "directory/account/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "email/password_reset.txt"
    html_email_template_name = "email/password_reset.html"
    subject_template_name = "email/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-sent")

    def form_valid(self, form):
        self.extra_email_context = {"language": active_language()}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the e-mail: choose a new password."""

    template_name = "directory/account/password_reset_confirm.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        messages.success(self.request, _("Your new password is saved. Please log in."))
        return super().form_valid(form)


@never_cache
@rate_limited("registration")
@require_http_methods(["GET", "POST"])
def register(request):
    """Create an account that waits for a moderator to confirm the membership."""
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if form.is_valid():
            if not form.is_spam():
                _register(form.cleaned_data)
            return render(
                request, "directory/account/registered.html", {"email": form.cleaned_data["email"]}
            )
    else:
        form = RegistrationForm()
    return render(request, "directory/account/register.html", {"form": form})


def _register(data: dict) -> None:
    """A new membership; for an address that has an account, an e-mail to it instead.

    Both answer with the same page, so nobody learns who has an account.
    """
    if get_user_model().objects.filter(username__iexact=data["email"]).exists():
        _tell_existing_account(data["email"])
    else:
        _create_member(data)


def _tell_existing_account(email: str) -> None:
    language = active_language()
    with translation.override(language):
        login_url, reset_url = reverse("login"), reverse("password-reset")
    emails.send(
        "account_exists",
        email,
        language,
        {"login_url": emails.absolute_url(login_url), "reset_url": emails.absolute_url(reset_url)},
    )


@transaction.atomic
def _create_member(data: dict) -> OrganisationMembership:
    user = get_user_model().objects.create_user(
        username=data["email"],
        email=data["email"],
        password=data["password"],
        first_name=data["name"][:150],
    )
    organisation = None
    if data["organisation"] != NEW:
        organisation = OrganisationPage.objects.live().filter(pk=data["organisation"]).first()
    membership = OrganisationMembership.objects.create(
        user=user,
        organisation=organisation,
        proposed_organisation=data.get("new_organisation", "") if organisation is None else "",
        language=active_language(),
    )
    if organisation is not None:
        log(instance=organisation, action="directory.member_registered", data={"user": user.pk})
    return membership
