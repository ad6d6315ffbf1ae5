"""The insights pages as a moderator in a real browser, in German (issue 17): last month's
searches without results, coverage, translations, freshness and views; a word nobody
found becomes a search word, and the next newcomer finds the offer."""

from __future__ import annotations

import datetime as dt

import pytest

from search import insights_log
from search.models import OfferViewDay, SearchLogEntry, ThesaurusTerm
from tests.browser.conftest import admin_login, make_moderator

pytestmark = pytest.mark.browser
WORD = "mosaferyar"  # made up: no offer and no thesaurus knows it


def previous_month() -> dt.date:
    return (dt.date.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def test_a_moderator_reads_the_insights_and_closes_a_gap(phone, district, django_user_model):
    _tree, offers = district
    month = previous_month()
    for day, query, language, town in (
        (3, WORD, "fa", "Weilheim"),
        (10, WORD, "fa", "Weilheim"),
        (17, WORD, "fa", "Weilheim"),
        (4, "курси шиття", "uk", "Schongau"),
        (11, "курси шиття", "uk", "Schongau"),
        (18, "курси шиття", "uk", "Schongau"),
        (5, "einmal gesucht", "ar", ""),  # one day only: never shown
    ):
        SearchLogEntry.objects.create(
            day=month.replace(day=day), query=query, language=language, town=town, results=0
        )
    OfferViewDay.objects.create(day=month.replace(day=6), offer=offers[1], language="ar", views=12)
    make_moderator(django_user_model, "ines", "pw-ines-12345")
    page = phone.page

    # A newcomer searches in Farsi and finds nothing: the log counts it (today, this month).
    phone.go(f"/fa/angebote/?q={WORD}")
    assert "Migrationsberatung" not in page.locator("main").inner_text()

    admin_login(phone, "ines", "pw-ines-12345")
    phone.go(f"/admin/insights/?month={month:%Y-%m}")
    main = page.locator("main")
    for heading in ("Suchen ohne Ergebnis", "Abdeckung", "Übersetzungen", "Aktualität"):
        assert main.get_by_role("heading", name=heading, exact=True).count() == 1, heading
    rows = main.locator("#table-no-results + p + div tbody tr").all_inner_texts()
    assert [r.split("\t")[:3] for r in rows] == [
        [WORD, "Persisch", "Weilheim"],
        ["курси шиття", "Ukrainisch", "Schongau"],
    ], rows
    assert "einmal gesucht" not in main.inner_text()
    assert main.locator("svg[role=img]").count() >= 6  # charts, the map, the sparklines
    violations = phone.axe_violations()
    # Wagtail's own admin chrome is not ours to fix here; our content must be clean.
    ours = [
        v for v in violations if any("insights" in str(n) or "table" in str(n) for n in v["nodes"])
    ]
    assert ours == [], ours
    phone.shot("issue17-insights-01-overview")
    page.locator("#coverage").scroll_into_view_if_needed()
    phone.shot("issue17-insights-02-coverage")

    # The Farsi word becomes a search word of "migration counselling".
    with page.expect_navigation():
        main.locator("tr", has_text=WORD).locator(
            "a", has_text="Zu den Suchwörtern hinzufügen"
        ).click()
    assert page.locator("textarea[name=phrases]").input_value() == WORD
    assert page.locator("select[name=language]").input_value() == "fa"
    page.fill("input[name=concept]", "migration-counselling")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert ThesaurusTerm.objects.filter(language="fa", phrases=WORD).count() == 1

    # The next newcomer who types it finds the counselling.
    phone.go(f"/fa/angebote/?q={WORD}")
    assert "Migrationsberatung" in page.locator("main").inner_text()

    # The printable report for the committee: the same numbers, no buttons.
    phone.go(f"/admin/insights/report/?month={month:%Y-%m}")
    assert "Gemeinsam: Bericht für" in page.title()
    assert WORD in page.locator("main").inner_text()
    assert page.locator("a.button").count() == 0
    phone.shot("issue17-insights-03-report")
    insights_log.flush()
    assert SearchLogEntry.objects.filter(query=WORD, day=dt.date.today()).count() == 2
