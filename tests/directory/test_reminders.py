"""Staying current: reminders, one-click confirmation, offers taken offline (never deleted)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from wagtail.models import PageLogEntry

from directory.models import OfferOwner, OfferPage, ProblemReport
from directory.moderation import in_review, moderation_queue
from directory.reminders import months_before
from search.interface import search
from search.query import OfferQuery
from tests.factories import make_offer, make_organisation

START = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def owned_offer(site_tree, django_capture_on_commit_callbacks):
    """A live offer confirmed on 10 January, submitted by someone writing in Ukrainian."""
    with time_machine.travel(START, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            offer = make_offer(site_tree, "Nähcafé", last_confirmed=START.date())
        OfferOwner.objects.create(offer=offer, email="oksana@example.org", language="uk")
    return offer


def run_reminders(when: dt.datetime, capture) -> str:
    from io import StringIO

    out = StringIO()
    with time_machine.travel(when, tick=False), capture(execute=True):
        call_command("remind_owners", "--months", "6", "--grace-days", "28", stdout=out)
    return out.getvalue()


def test_months_before_clamps_to_the_end_of_the_month():
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 7, 10), 6) == dt.date(2026, 1, 10)


def test_no_reminder_before_the_time_is_up(owned_offer, django_capture_on_commit_callbacks):
    output = run_reminders(
        dt.datetime(2026, 7, 9, 8, tzinfo=dt.UTC), django_capture_on_commit_callbacks
    )
    assert "reminded: 0" in output and not mail.outbox


def test_reminder_then_one_click_confirmation(
    client, owned_offer, django_capture_on_commit_callbacks
):
    later = dt.datetime(2026, 7, 20, 8, tzinfo=dt.UTC)
    assert "reminded: 1" in run_reminders(later, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.to == ["oksana@example.org"]
    assert message.extra_headers["Content-Language"] == "uk"
    # A second run the next day sends nothing new.
    run_reminders(later + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1

    current = re.search(r"http://testserver(/uk/offer-link/\S+/current/)", message.body).group(1)
    assert re.search(r"http://testserver/uk/offer-link/\S+/edit/", message.body)
    with time_machine.travel(later + dt.timedelta(days=3), tick=False):
        response = client.get(current)
    assert response.status_code == 200
    owned_offer.refresh_from_db()
    assert owned_offer.live and owned_offer.last_confirmed == dt.date(2026, 7, 23)
    # The latest revision carries the date too, so a later publication keeps it.
    assert owned_offer.get_latest_revision_as_object().last_confirmed == dt.date(2026, 7, 23)
    assert PageLogEntry.objects.filter(page=owned_offer, action="directory.confirmed_current")

    # Past the grace period nothing happens: the offer was confirmed.
    run_reminders(later + dt.timedelta(days=40), django_capture_on_commit_callbacks)
    owned_offer.refresh_from_db()
    assert owned_offer.live


def test_unconfirmed_offers_go_offline_after_the_grace_period_but_stay(
    client, owned_offer, django_capture_on_commit_callbacks
):
    reminded = dt.datetime(2026, 7, 20, 8, tzinfo=dt.UTC)
    run_reminders(reminded, django_capture_on_commit_callbacks)
    assert "taken offline: 0" in run_reminders(
        reminded + dt.timedelta(days=27), django_capture_on_commit_callbacks
    )
    assert "taken offline: 1" in run_reminders(
        reminded + dt.timedelta(days=29), django_capture_on_commit_callbacks
    )
    offer = OfferPage.objects.get(pk=owned_offer.pk)  # still there: never deleted
    assert not offer.live
    assert client.get(f"/de/angebote/{offer.slug}/").status_code == 404
    assert not search(OfferQuery(text="Nähcafé")).hits
    report = ProblemReport.objects.get(offer=offer)
    assert report.reason == "unconfirmed" and not report.resolved
    assert report in moderation_queue().reports
    assert PageLogEntry.objects.filter(page=offer, action="directory.retired")

    # The owner's late "still current" sends it back to the moderators.
    current = re.search(r"http://testserver(/uk/offer-link/\S+/current/)", mail.outbox[0].body)
    with time_machine.travel(reminded + dt.timedelta(days=30), tick=False):
        assert client.get(current.group(1)).status_code == 200
    assert in_review(offer) is not None


def test_organisation_offers_remind_their_members_or_the_organisation(
    site_tree, django_capture_on_commit_callbacks
):
    organisation = make_organisation(site_tree, "Tafel Schongau", email="tafel@example.org")
    with time_machine.travel(START, tick=False):
        make_offer(site_tree, "Tafel", organisation=organisation, last_confirmed=START.date())
    run_reminders(dt.datetime(2026, 8, 1, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["tafel@example.org"]
    assert mail.outbox[-1].extra_headers["Content-Language"] == "de"


def test_a_link_that_is_tampered_with_or_too_old_is_refused(client, owned_offer):
    from directory.links import link_path

    path = link_path("current", owned_offer.pk, "de", "oksana@example.org")
    assert client.get(path.replace("/current/", "x/current/")).status_code == 400
    edit = link_path("edit", owned_offer.pk, "de", "oksana@example.org")
    edit = edit.replace("/edit/", "/current/")
    assert client.get(edit).status_code == 400  # a link made for editing does not confirm
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=61)):
        response = client.get(path)
    assert response.status_code == 410


def test_funded_offers_disappear_from_search_after_their_end(site_tree, publish):
    offer = make_offer(site_tree, "Projekt Brücke", valid_until=dt.date(2026, 3, 31), publish=False)
    publish(offer)
    with time_machine.travel(dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)):
        assert [h.offer.pk for h in search(OfferQuery(text="Brücke")).hits] == [offer.pk]
    with time_machine.travel(dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC)):
        assert not search(OfferQuery(text="Brücke")).hits


def test_a_link_is_bound_to_its_recipient(client, owned_offer):
    from directory.links import link_path

    for purpose in ("current", "edit"):
        forged = link_path(purpose, owned_offer.pk, "de", "someone-else@example.org")
        assert client.get(forged).status_code == 403
        own = link_path(purpose, owned_offer.pk, "de", "Oksana@Example.org")
        assert client.get(own).status_code == 200
