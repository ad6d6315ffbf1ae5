"""Associations on a phone: "my offers", editing an offer step by step, no sideways scrolling."""

from __future__ import annotations

import pytest

from directory.forms.offer_steps import STEP_NAMES
from directory.models import OfferPage, OrganisationMembership

PASSWORD = "pw-member-123"
EDIT_STEPS = [name for name in STEP_NAMES if name != "review"]


@pytest.fixture
def member(district, django_user_model):
    """An approved member of the organisation that runs the district's offers."""
    _tree, offers = district
    address = "helfer@example.org"
    user = django_user_model.objects.create_user(address, address, PASSWORD)
    OrganisationMembership.objects.create(
        user=user, organisation=offers[0].organisation, approved=True, language="de"
    )
    return user, offers


def log_in(tab, user, language: str = "de") -> None:
    page = tab.go(f"/{language}/account/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/account/login/" not in page.url


@pytest.mark.parametrize("width", [320, 360])
def test_members_pages_fit_the_screen(phone, member, width):
    user, offers = member
    phone.page.set_viewport_size({"width": width, "height": 740})
    for path in ("/de/account/register/", "/de/account/password/", "/ar/account/register/"):
        phone.go(path)
        assert phone.horizontal_overflow() == 0, (path, phone.overflowing())
    log_in(phone, user)
    offer = offers[0].pk
    paths = ["/de/my/", f"/de/my/offers/{offer}/edit/", "/ar/my/", f"/ar/my/offers/{offer}/edit/"]
    paths += [f"/de/my/offers/{offer}/edit/{step}/" for step in EDIT_STEPS]
    paths += [f"/fa/my/offers/{offer}/edit/{step}/" for step in ("when", "where")]
    for path in paths:
        phone.go(path)
        assert phone.horizontal_overflow() == 0, (path, phone.overflowing())
    phone.go(f"/de/my/offers/{offer}/edit/when/")
    # The weekday takes the whole line, so its choice is readable; both times fit.
    select = phone.page.locator("#id_slot1_day").bounding_box()
    end = phone.page.locator("#id_slot1_end").bounding_box()
    assert select["width"] >= width - 60
    assert end["x"] + end["width"] <= width
    phone.shot(f"members-edit-when-{width}")
    assert phone.console_errors == []


def test_a_member_changes_one_step_and_sends_it(phone, member):
    user, offers = member
    cafe = offers[0]
    log_in(phone, user)
    page = phone.go("/de/my/")
    with page.expect_navigation():
        page.locator(f'a[href="/de/my/offers/{cafe.pk}/edit/"]').click()
    # The check page: every step's answers, each with its own change link; no long form.
    assert page.locator("h1").inner_text() == "Angebot ändern"
    assert page.locator("section.answers").count() == len(EDIT_STEPS)
    assert page.locator("main input, main textarea, main select").count() <= 3  # token, honeypot
    phone.shot("members-edit-check-page")
    with page.expect_navigation():
        page.get_by_role("link", name="Ändern: Wann").click()
    assert page.url.endswith(f"/de/my/offers/{cafe.pk}/edit/when/")
    assert page.input_value("#id_slot1_end") == "17:00"
    page.fill("#id_slot1_end", "18:30")
    with page.expect_navigation():
        page.get_by_role("button", name="Speichern und zurück zur Übersicht").click()
    assert page.url.endswith(f"/de/my/offers/{cafe.pk}/edit/")
    assert "18:30" in page.locator("#answers-when").locator("xpath=..").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Änderungen senden").click()
    assert page.url.endswith("/de/my/")
    assert "Moderation" in page.locator(".notice").first.inner_text()
    cafe = OfferPage.objects.get(pk=cafe.pk)
    draft = cafe.get_latest_revision_as_object()
    assert [s.end_time.strftime("%H:%M") for s in draft.weekly_slots.all()] == ["18:30"]
    live = cafe.live_revision.as_object()
    assert [s.end_time.strftime("%H:%M") for s in live.weekly_slots.all()] == ["17:00"]
    assert phone.console_errors == []
