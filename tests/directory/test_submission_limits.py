"""What an anonymous visitor can make the submission form store: little, and not for long."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from directory import retention
from directory.models import OfferOwner, OfferPage, OrganisationPage
from directory.views.common import STORED_OVERRUN

from .conftest import STEP_ANSWERS, link_in_last_mail, submit_offer


def _session_bytes() -> int:
    return sum(len(s.session_data) for s in Session.objects.all())


def test_looking_at_the_form_creates_no_session(client, site_tree):
    for step in ("what", "when", "where", "who", "contact", "picture", "review"):
        response = client.get(f"/de/submit/{step}/", follow=True)
        assert response.status_code == 200
    assert Session.objects.count() == 0
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_an_oversized_answer_is_cut_before_it_is_stored(client, site_tree):
    title = "Sprachcafé " * 80_000  # 880 kB, under the request limit
    with translation.override("en"):
        response = client.post("/en/submit/what/", {**STEP_ANSWERS["what"], "title": title})
    assert response.status_code == 200
    assert "at most 120 characters" in response.content.decode()
    stored = client.session["offer_submission"]["answers"]["what"]["title"]
    assert stored == title[: 120 + STORED_OVERRUN]
    assert _session_bytes() < 10_000


def test_a_request_over_the_size_limit_is_refused_before_anything_is_stored(site_tree):
    from django.test import Client

    client = Client(raise_request_exception=False)
    response = client.post("/ar/submit/what/", {"title": "x" * 2_400_000})
    assert response.status_code == 400
    assert 'lang="ar" dir="rtl"' in response.content.decode()
    assert Session.objects.count() == 0


def test_the_steps_are_rate_limited(client, site_tree, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "submission_step": (3, 3600)}
    answers = [client.post("/de/submit/what/", STEP_ANSWERS["what"]).status_code for _n in range(4)]
    assert answers == [302, 302, 302, 429]


START = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)


def test_unconfirmed_submissions_are_deleted_with_their_address_after_the_period(
    client, site_tree, settings, django_capture_on_commit_callbacks
):
    settings.RETENTION_UNCONFIRMED_DAYS = 14
    with time_machine.travel(START, tick=False):
        submit_offer(client, "de")  # never confirmed
        answers = {**STEP_ANSWERS, "contact": {**STEP_ANSWERS["contact"]}}
        answers["contact"]["organisation_name"] = "Zweiter Verein"
        answers["contact"]["submitter_email"] = "zweite@example.org"
        with django_capture_on_commit_callbacks(execute=True):
            submit_offer(client, "de", answers=answers)
        client.get(link_in_last_mail())  # the second one is confirmed
    assert OfferPage.objects.count() == 2
    with time_machine.travel(START + dt.timedelta(days=13, hours=23), tick=False):
        assert retention.run().submissions == 0
    with time_machine.travel(START + dt.timedelta(days=14, hours=1), tick=False):
        result = retention.run()
    assert (result.submissions, result.organisations) == (1, 1)
    assert list(OfferOwner.objects.values_list("email", flat=True)) == ["zweite@example.org"]
    assert not OrganisationPage.objects.filter(title_de="Frauen-Treff Weilheim").exists()
    assert OrganisationPage.objects.filter(title_de="Zweiter Verein").exists()


def test_pictures_of_abandoned_forms_and_expired_sessions_are_removed(client, site_tree):
    folder = Path(settings.SUBMISSION_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    old, new = folder / "abandoned.jpg", folder / "in-progress.jpg"
    old.write_bytes(b"x")
    new.write_bytes(b"y")
    age = retention.periods().form_days * 86400 + 60
    os.utime(old, (time.time() - age, time.time() - age))
    client.post("/de/submit/what/", STEP_ANSWERS["what"])
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    result = retention.run()
    assert (result.pictures, result.sessions) == (1, 1)
    assert not old.exists() and new.exists()
    assert Session.objects.count() == 0


@pytest.mark.parametrize("language", ["de", "ar", "fa"])
def test_the_privacy_page_states_the_periods(client, site_tree, language, settings):
    from wagtail.models import Site

    from cms.models import SiteLinks, StandardPage

    settings.RETENTION_UNCONFIRMED_DAYS = 13
    settings.RETENTION_IMPORT_FILE_DAYS = 29
    settings.INSIGHTS_RAW_DAYS, settings.INSIGHTS_MIN_DAYS = 31, 4
    settings.GEOCODER_ENABLED, settings.GEOCODER_DOMAIN = True, "geo.example.org"
    with translation.override("de"):
        page = StandardPage(title="Datenschutz", slug="datenschutz")
        site_tree.home.add_child(instance=page)
    links = SiteLinks.for_site(Site.objects.get(is_default_site=True))
    links.privacy_page = page
    links.save()
    html = client.get(f"/{language}/datenschutz/").content.decode()
    facts = html[html.index('id="privacy-facts-heading"') :]
    assert " 13 " in facts and " 7 " in facts and " 29 " in facts and "geo.example.org" in facts
    assert " 31 " in facts and " 4 " in facts  # the search log's retention and threshold
    with translation.override(language):
        not_stored = gettext(
            "Searching needs no account and sets no cookie. What you search for is not stored."
        )
        views = gettext(
            "How often an offer's page is opened is counted the same way: per offer, "
            "language and day."
        )
    assert escape(views) in facts and escape(not_stored) not in facts
    settings.GEOCODER_ENABLED = False
    settings.INSIGHTS_LOG = False  # no log: the page says nothing is stored
    html = client.get(f"/{language}/datenschutz/").content.decode()
    assert "geo.example.org" not in html
    assert escape(not_stored) in html and " 31 " not in html
