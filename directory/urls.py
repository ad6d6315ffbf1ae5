"""Public URLs of the directory outside Wagtail's page tree (all under the language prefix)."""

from django.urls import path
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from . import converters  # noqa: F401 - registers <page_id:…>
from .feeds import NewOffersFeed
from .views import accounts, offers, owners, reports, submit_offer

urlpatterns = [
    path("submit/", submit_offer.start, name="submission-start"),
    path("submit/sent/", submit_offer.sent, name="submission-sent"),
    path("submit/confirm/<str:token>/", submit_offer.confirm, name="submission-confirm"),
    path("submit/picture/thumbnail/", submit_offer.picture, name="submission-picture"),
    path("submit/<slug:step>/", submit_offer.step, name="submission-step"),
    path("report/<page_id:offer_id>/", reports.report, name="report-problem"),
    path("offer/<page_id:offer_id>/calendar.ics", offers.calendar, name="offer-calendar"),
    path("feeds/new/", require_GET(NewOffersFeed()), name="feed-new-offers"),
    path("offer/<page_id:offer_id>/flyer/", offers.flyer, name="offer-flyer"),
    path("account/login/", accounts.LoginView.as_view(), name="login"),
    path("account/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("account/register/", accounts.register, name="register"),
    path("account/password/", accounts.PasswordResetView.as_view(), name="password-reset"),
    path(
        "account/password/sent/",
        TemplateView.as_view(template_name="directory/account/password_reset_sent.html"),
        name="password-reset-sent",
    ),
    path(
        "account/password/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("my/", owners.my_offers, name="my-offers"),
    path("my/offers/<page_id:offer_id>/edit/", owners.member_edit, name="member-edit"),
    path(
        "my/offers/<page_id:offer_id>/edit/picture/thumbnail/",
        owners.member_edit_picture,
        name="member-edit-picture",
    ),
    path(
        "my/offers/<page_id:offer_id>/edit/<slug:step>/",
        owners.member_edit_step,
        name="member-edit-step",
    ),
    path(
        "my/offers/<page_id:offer_id>/current/",
        owners.member_still_current,
        name="member-still-current",
    ),
    path("offer-link/<str:token>/edit/", owners.owner_edit, name="owner-edit"),
    path(
        "offer-link/<str:token>/edit/picture/thumbnail/",
        owners.owner_edit_picture,
        name="owner-edit-picture",
    ),
    path(
        "offer-link/<str:token>/edit/<slug:step>/", owners.owner_edit_step, name="owner-edit-step"
    ),
    path("offer-link/<str:token>/current/", owners.owner_still_current, name="owner-still-current"),
]
