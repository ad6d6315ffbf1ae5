"""The moderators' side: the queue on the dashboard, duplicates, reports from readers."""

from __future__ import annotations

import pytest
from django.utils import translation
from wagtail.models import PageLogEntry

from directory.models import OfferPage, ProblemReport
from directory.moderation import moderation_queue, possible_duplicates, submit_for_review
from tests.factories import make_offer, make_organisation


def test_possible_duplicates_need_a_similar_title_in_the_same_town_or_organisation(site_tree):
    existing = make_offer(site_tree, "Sprachcafé im Pfarrheim")
    elsewhere = make_offer(
        site_tree,
        "Sprachcafe im Pfarrheim",
        places=({"postcode": "86956", "town": "Schongau", "latitude": 47.81, "longitude": 10.89},),
    )
    new = make_offer(site_tree, "Sprachcafe Pfarrheim", publish=False)
    found = possible_duplicates(new)
    assert existing in found and elsewhere not in found
    assert possible_duplicates(make_offer(site_tree, "Fußballtraining", publish=False)) == []


def test_the_dashboard_shows_the_queue_with_duplicates(client, site_tree, moderator):
    make_offer(site_tree, "Nähcafé Weilheim")
    new = make_offer(site_tree, "Nähcafe Weilheim", publish=False)
    submit_for_review(new)
    edited = make_offer(site_tree, "Schwimmkurs für Frauen")
    edited.save_revision()
    submit_for_review(edited)
    ProblemReport.objects.create(offer=edited, reason="outdated", message="Gibt es nicht mehr")

    queue = moderation_queue()
    assert [item.page.pk for item in queue.new] == [new.pk]
    assert [item.page.pk for item in queue.edits] == [edited.pk]
    assert queue.new[0].duplicates[0].title == "Nähcafé Weilheim"

    client.force_login(moderator)
    with translation.override("en"):
        html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Moderation queue" in html or "Moderationswarteschlange" in html
    assert "Nähcafe Weilheim" in html and "Schwimmkurs für Frauen" in html
    editor = client.get(f"/admin/pages/{new.pk}/edit/").content.decode()
    assert "Nähcafé Weilheim" in editor  # named as a possible duplicate in the review notes


def test_report_a_problem_goes_to_the_queue_and_the_log(client, site_tree):
    offer = make_offer(site_tree, "Tanzkurs")
    page = client.get(offer.url).content.decode()
    assert f"/de/report/{offer.pk}/" in page
    # Browsing an offer sets no cookie; only the report form (a POST form) does.
    assert not client.cookies
    form = client.get(f"/de/report/{offer.pk}/")
    assert form.status_code == 200
    response = client.post(
        f"/de/report/{offer.pk}/", {"reason": "wrong", "message": "Jetzt donnerstags."}
    )
    assert response.status_code == 200
    report = ProblemReport.objects.get()
    assert (report.offer_id, report.reason, report.language) == (offer.pk, "wrong", "de")
    assert report in moderation_queue().reports
    assert PageLogEntry.objects.filter(page=offer, action="directory.reported").exists()


def test_a_report_needs_a_reason_and_keeps_the_message(client, site_tree):
    offer = make_offer(site_tree, "Tanzkurs")
    with translation.override("en"):
        response = client.post(f"/en/report/{offer.pk}/", {"message": "Falsche Uhrzeit"})
    html = response.content.decode()
    assert "Choose what the problem is." in html and "Falsche Uhrzeit" in html
    assert not ProblemReport.objects.exists()


def test_reports_are_rate_limited(client, site_tree, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": (2, 3600)}
    offer = make_offer(site_tree, "Tanzkurs")
    statuses = [
        client.post(f"/ar/report/{offer.pk}/", {"reason": "other"}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert ProblemReport.objects.count() == 2


def test_only_public_offers_can_be_reported(client, site_tree):
    draft = make_offer(site_tree, "Entwurf", publish=False)
    assert client.get(f"/de/report/{draft.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_non_moderators_get_no_admin(client, site_tree, django_user_model, role):
    if role == "member":
        from tests.directory.conftest import make_member

        user, _organisation = make_member(django_user_model, site_tree, "Verein C")
        client.force_login(user)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/snippets/directory/problemreport/").status_code == 302


def test_organisation_page_unpublished_until_its_offer_is_approved(site_tree):
    from directory.offer_answers import organisation_for

    new = organisation_for("Neuer Verein", "verein", "de")
    assert not new.live
    known = make_organisation(site_tree, "Caritas")
    # Typing a name never attaches a submission to an organisation: a moderator does that.
    stranger = organisation_for("Caritas", "wohlfahrtsverband", "ar")
    assert stranger.pk != known.pk and not stranger.live


def test_moderators_deal_with_reports_and_memberships_in_the_admin(client, site_tree, moderator):
    from wagtail.models import ModelLogEntry

    offer = make_offer(site_tree, "Tanzkurs")
    report = ProblemReport.objects.create(offer=offer, reason="wrong", message="Raum geändert")
    client.force_login(moderator)
    listing = client.get("/admin/snippets/directory/problemreport/")
    assert listing.status_code == 200 and "Tanzkurs" in listing.content.decode()
    assert client.get("/admin/snippets/directory/organisationmembership/").status_code == 200
    response = client.post(
        f"/admin/snippets/directory/problemreport/edit/{report.pk}/",
        {"resolved": "on", "moderator_note": "Raum korrigiert"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolved and report.moderator_note == "Raum korrigiert"
    assert report not in moderation_queue().reports
    assert ModelLogEntry.objects.filter(object_id=str(report.pk), action="wagtail.edit").exists()


def test_a_stranger_typing_an_existing_organisations_name_is_not_attached_to_it(
    client, site_tree, moderator
):
    from directory.models import OrganisationPage
    from tests.directory.conftest import STEP_ANSWERS, submit_offer
    from tests.factories import make_organisation

    caritas = make_organisation(site_tree, "Caritas Weilheim")
    answers = {**STEP_ANSWERS, "contact": {**STEP_ANSWERS["contact"]}}
    answers["contact"]["organisation_name"] = "caritas weilheim"
    submit_offer(client, "de", answers=answers)
    offer = OfferPage.objects.get(title_de=STEP_ANSWERS["what"]["title"])
    assert offer.organisation_id != caritas.pk
    assert not offer.organisation.live
    assert not OfferPage.objects.filter(organisation=caritas).exists()
    # The moderator is told, in the offer editor, that an organisation of that name exists.
    client.force_login(moderator)
    editor = client.get(f"/admin/pages/{offer.pk}/edit/").content.decode()
    assert f"/admin/pages/{caritas.pk}/edit/" in editor  # only the review note links it
    assert OrganisationPage.objects.filter(title_de__iexact="caritas weilheim").count() == 2
