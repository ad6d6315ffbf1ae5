"""Associations: accounts, "my offers", edits under review, trusted organisations, permissions."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation
from wagtail.models import PageLogEntry

from directory import moderation
from directory.models import OfferPage, OrganisationMembership
from tests.directory.conftest import make_member
from tests.directory.test_contribute import approve, change_step
from tests.factories import make_offer


@pytest.fixture
def two_members(site_tree, django_user_model):
    """Members of two organisations, each with one live offer."""
    alice, verein_a = make_member(django_user_model, site_tree, "Verein A")
    bob, verein_b = make_member(django_user_model, site_tree, "Verein B")
    offer_a = make_offer(site_tree, "Sprachcafé A", organisation=verein_a)
    offer_b = make_offer(site_tree, "Sprachcafé B", organisation=verein_b)
    return {
        "alice": alice,
        "bob": bob,
        "offer_a": offer_a,
        "offer_b": offer_b,
        "verein_a": verein_a,
    }


def edit_summary(client, offer: OfferPage, summary: str):
    check = f"/de/my/offers/{offer.pk}/edit/"
    assert client.get(check).status_code == 200
    # The factory's offers have no contact yet: the check page sends only complete answers.
    change_step(client, check, "contact", {"contact_phone": "0881 5550100"}, send=False)
    return change_step(client, check, "what", {"summary": summary})


def test_my_offers_lists_only_the_members_own(client, two_members):
    client.force_login(two_members["alice"])
    html = client.get("/de/my/").content.decode()
    assert "Sprachcafé A" in html and "Sprachcafé B" not in html


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("other_member", 404), ("own_member", 200), ("pending", 404)],
)
def test_who_may_open_an_offers_edit_page(client, two_members, django_user_model, role, expected):
    if role == "other_member":
        client.force_login(two_members["bob"])
    elif role == "own_member":
        client.force_login(two_members["alice"])
    elif role == "pending":
        pending = django_user_model.objects.create_user("p@example.org", "p@example.org", "x")
        OrganisationMembership.objects.create(
            user=pending, organisation=two_members["verein_a"], approved=False
        )
        client.force_login(pending)
    response = client.get(f"/de/my/offers/{two_members['offer_a'].pk}/edit/")
    assert response.status_code == expected
    if expected == 302:
        assert response.url.startswith("/de/account/login/")


def test_a_member_can_neither_change_nor_confirm_another_organisations_offer(client, two_members):
    offer_b = two_members["offer_b"]
    client.force_login(two_members["alice"])
    assert client.post(f"/de/my/offers/{offer_b.pk}/edit/", {"summary": "x"}).status_code == 404
    assert client.post(f"/de/my/offers/{offer_b.pk}/current/").status_code == 404
    offer_b.refresh_from_db()
    assert offer_b.latest_revision_id == offer_b.live_revision_id
    assert not PageLogEntry.objects.filter(page=offer_b, action="directory.confirmed_current")


def test_an_edit_of_a_live_offer_keeps_the_live_version_until_approved(
    client, two_members, moderator, django_capture_on_commit_callbacks
):
    offer = two_members["offer_a"]
    client.force_login(two_members["alice"])
    with django_capture_on_commit_callbacks(execute=True):
        response = edit_summary(client, offer, "Jetzt auch mit Kinderbetreuung.")
    assert response.status_code == 302 and response.url == "/de/my/"

    public = client.get(offer.url).content.decode()
    assert "Deutsch sprechen bei Kaffee und Kuchen." in public
    assert "Jetzt auch mit Kinderbetreuung." not in public
    assert moderation.in_review(offer).status == "in_progress"
    my_page = client.get("/en/my/").content.decode()
    assert "Your changes wait for a moderator. Until then the published version stays visible." in (
        my_page
    )
    assert "Still current" in my_page  # the published version can still be confirmed

    with django_capture_on_commit_callbacks(execute=True):
        assert approve(client, moderator, offer)["step"] == "success"
    assert "Jetzt auch mit Kinderbetreuung." in client.get(offer.url).content.decode()
    # The member hears about it once, from us, in the language of their membership.
    to_alice = [m for m in mail.outbox if m.to == [two_members["alice"].email]]
    assert len(to_alice) == 1
    assert mail.outbox[-1].to == [two_members["alice"].email]
    assert mail.outbox[-1].extra_headers["Content-Language"] == "de"


def test_a_trusted_organisation_publishes_directly_and_it_is_logged(
    client, two_members, django_capture_on_commit_callbacks
):
    verein = two_members["verein_a"]
    verein.trusted = True
    verein.save_revision().publish()
    offer = two_members["offer_a"]
    client.force_login(two_members["alice"])
    with django_capture_on_commit_callbacks(execute=True):
        edit_summary(client, offer, "Neu: jeden Dienstag.")
    assert "Neu: jeden Dienstag." in client.get(offer.url).content.decode()
    assert moderation.in_review(offer) is None
    entry = PageLogEntry.objects.filter(page=offer, action="directory.trusted_publish").get()
    assert entry.user == two_members["alice"]
    assert PageLogEntry.objects.filter(
        page=offer, action="wagtail.publish", user=two_members["alice"]
    ).exists()


def test_registration_waits_for_a_moderator_who_confirms_it(
    client, site_tree, django_capture_on_commit_callbacks
):
    from tests.factories import make_organisation

    verein = make_organisation(site_tree, "Kulturverein Peiting")
    response = client.post(
        "/uk/account/register/",
        {
            "name": "Olena",
            "email": "Olena@Example.org",
            "organisation": str(verein.pk),
            "password": "lange-passphrase-42",
        },
    )
    assert response.status_code == 200 and "olena@example.org" in response.content.decode()
    membership = OrganisationMembership.objects.get(user__username="olena@example.org")
    assert not membership.approved and membership.language == "uk"

    # Logged in but not confirmed: nothing to edit yet.
    assert (
        client.post(
            "/uk/account/login/",
            {"username": "olena@example.org", "password": "lange-passphrase-42"},
        ).status_code
        == 302
    )
    assert moderation.moderation_queue().memberships == [membership]

    with django_capture_on_commit_callbacks(execute=True):
        membership.approved = True
        membership.save()
    assert mail.outbox[-1].to == ["olena@example.org"]
    assert mail.outbox[-1].extra_headers["Content-Language"] == "uk"
    assert mail.outbox[-1].subject == "Ваш акаунт підтверджено"
    assert "/uk/account/login/" in mail.outbox[-1].body
    assert "Sprachcafé" not in client.get("/uk/my/").content.decode()


def test_registration_keeps_what_was_typed_and_refuses_weak_passwords(client, site_tree):
    response = client.post(
        "/en/account/register/",
        {
            "name": "Ali",
            "email": "ali@example.org",
            "organisation": "new",
            "new_organisation": "",
            "password": "123",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Ali"' in html and 'value="ali@example.org"' in html
    assert "Give the name of your organisation." in html
    assert not OrganisationMembership.objects.exists()


def test_a_member_resets_a_forgotten_password_in_their_language(client, two_members):
    import re

    with translation.override("ar"):
        response = client.post("/ar/account/password/", {"email": two_members["alice"].email})
    assert response.status_code == 302 and response.url == "/ar/account/password/sent/"
    message = mail.outbox[-1]
    assert message.to == [two_members["alice"].email]
    assert message.subject == "اختر كلمة مرور جديدة"
    link = re.search(r"http://testserver(/ar/account/password/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    # Django moves the token out of the address before showing the form.
    saved = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "neues-passwort-77", "new_password2": "neues-passwort-77"},
    )
    assert saved.status_code == 302 and saved.url == "/ar/account/login/"
    assert client.login(username=two_members["alice"].username, password="neues-passwort-77")
    # An unknown address gets the same answer: nobody learns who has an account.
    assert client.post("/de/account/password/", {"email": "nobody@example.org"}).status_code == 302


def test_registering_an_address_that_has_an_account_answers_the_same_and_mails_it(
    client, two_members, django_user_model
):
    def register(email: str, address: str):
        data = {"name": "X", "email": email, "organisation": "new", "new_organisation": "V"}
        data["password"] = "lange-passphrase-42"
        return client.post("/tr/account/register/", data, REMOTE_ADDR=address)

    taken = register(two_members["alice"].email.upper(), "203.0.113.30")
    fresh = register("new-person@example.org", "203.0.113.31")
    assert taken.status_code == fresh.status_code == 200
    assert taken.content.decode().replace(two_members["alice"].email, "X") == (
        fresh.content.decode().replace("new-person@example.org", "X")
    )
    assert django_user_model.objects.filter(email=two_members["alice"].email).count() == 1
    assert [m.to for m in mail.outbox] == [[two_members["alice"].email]]
    assert mail.outbox[0].extra_headers["Content-Language"] == "tr"
    assert "/tr/account/password/" in mail.outbox[0].body


def test_an_edit_link_stops_working_when_the_membership_is_revoked(client, two_members):
    from directory.links import link_path

    alice, offer = two_members["alice"], two_members["offer_a"]
    path = link_path("edit", offer.pk, "de", alice.email)
    assert client.get(path).status_code == 200
    membership = OrganisationMembership.objects.get(user=alice)
    membership.approved = False
    membership.save()
    assert client.get(path).status_code == 403
    # Bob, a member elsewhere, cannot use a link made out to him for Alice's offer.
    bobs = link_path("edit", offer.pk, "de", two_members["bob"].email)
    assert client.get(bobs).status_code == 403


def test_a_new_offer_waiting_for_review_cannot_be_confirmed_as_current(
    client, two_members, site_tree
):
    from tests.factories import make_offer

    waiting = make_offer(
        site_tree, "Neues Angebot", organisation=two_members["verein_a"], publish=False
    )
    moderation.submit_for_review(waiting)
    client.force_login(two_members["alice"])
    page = client.get("/en/my/").content.decode()
    section = page.split("Neues Angebot", 1)[1].split("</li>", 1)[0]
    assert "Waiting for a moderator" in section
    assert "Still current" not in section
    response = client.post(f"/en/my/offers/{waiting.pk}/current/", follow=True)
    assert "Only a published offer can be confirmed as current." in response.content.decode()
    assert not PageLogEntry.objects.filter(page=waiting, action="directory.confirmed_current")
