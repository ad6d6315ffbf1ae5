"""What the district learns: the insights pages, CSV, printed report and command (issue 17)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from directory.models import OfferPage
from search import insights_log
from search.insights_report import Period, parse_month
from search.models import OfferViewDay, SearchDay, SearchLogEntry, ThesaurusTerm
from tests.factories import make_offer
from tests.search.test_crosslang import district, offer, top_ids  # noqa: F401 - fixtures
from tests.search.test_insights_log import _empty_buffer  # noqa: F401 - an empty log, autouse

pytestmark = pytest.mark.django_db

NOVEMBER = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)
OVERVIEW = "/admin/insights/"
STEINGADEN = {"postcode": "86989", "town": "Steingaden", "latitude": 47.7008, "longitude": 10.8633}


@pytest.fixture
def moderator_client(client, django_user_model):
    user = django_user_model.objects.create_user("ines", "ines@example.org", "pw-ines-123")
    user.groups.add(Group.objects.get(name="Moderators"))
    user.user_permissions.add(*_admin_access())
    client.force_login(user)
    return client


def _admin_access():
    from django.contrib.auth.models import Permission

    return [Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")]


def searched(query: str, language: str, days: list[int], *, results: int = 0, town: str = ""):
    """Raw log rows for ``query`` on the given November days (one search each)."""
    for day in days:
        SearchLogEntry.objects.create(
            day=dt.date(2026, 11, day),
            query=query,
            language=language,
            town=town,
            results=results,
            source="page",
        )


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def test_a_term_without_results_becomes_a_search_word_that_then_finds_offers(
    backend,
    settings,
    district,  # noqa: F811
    moderator_client,
    client,
):
    settings.SEMANTIC_SEARCH = True
    word = "dersanecik"  # a made-up word: nobody can know it yet
    # Three newcomers on three different days search the Turkish word and find nothing,
    # through the real page (the log's whole path: note, middleware, buffer, flush).
    for day in (10, 12, 17):
        with time_machine.travel(dt.datetime(2026, 11, day, 9, tzinfo=dt.UTC), tick=False):
            page = client.get("/tr/angebote/", {"q": word})
            assert page.status_code == 200
    insights_log.flush()
    assert SearchLogEntry.objects.filter(query=word, language="tr", results=0).count() == 3
    with time_machine.travel(NOVEMBER, tick=False):
        overview = moderator_client.get(OVERVIEW, {"month": "2026-11"})
        html = overview.content.decode()
        assert overview.status_code == 200 and word in html
        links = {
            label: url.replace("&amp;", "&")
            for url, label in re.findall(
                r'href="([^"]+)">([^<]+)<span class="visually-hidden">', html
            )
        }
        add_words = links["Zu den Suchwörtern hinzufügen"]
        assert parse_qs(urlsplit(add_words).query) == {"language": ["tr"], "phrases": [word]}
        # The thesaurus form comes prefilled; the moderator picks the topic and saves.
        form = moderator_client.get(add_words).content.decode()
        assert re.search(rf"<textarea[^>]*>\s*{word}</textarea>", form)
        assert re.search(r'<option value="tr" selected>', form)
        saved = moderator_client.post(
            reverse("wagtailsnippets_offer_search_thesaurusterm:add"),
            {"concept": "debt-counselling", "language": "tr", "phrases": word, "search_words": ""},
        )
        assert saved.status_code == 302, saved.content[:2000]
        # "Start an offer" opens the admin's new-offer form with the words as its title.
        start = moderator_client.get(links["Ein Angebot anlegen"])
        assert start.status_code == 200
        assert f'value="{word}"' in start.content.decode()
    # The same search now finds the debt counselling.
    assert top_ids(word, "tr")[:1] == [district["debts"]]
    ThesaurusTerm.objects.all().delete()


def test_rare_words_are_hidden_everywhere_the_report_goes(moderator_client, tmp_path):
    searched("schwimmkurs frauen", "ar", [3, 9, 15])  # three days: shown
    searched("zweimal", "ar", [3, 4])  # two days: hidden
    SearchDay.objects.create(
        day=dt.date(2026, 11, 2), query="einmal", language="fa", searches=10, without_results=10
    )  # ten searches, one day: hidden
    with time_machine.travel(NOVEMBER, tick=False):
        html = moderator_client.get(OVERVIEW, {"month": "2026-11"}).content.decode()
        table = csv_rows(moderator_client.get("/admin/insights/no-results.csv?month=2026-11"))
        printed = moderator_client.get("/admin/insights/report/?month=2026-11").content.decode()
        out = tmp_path / "report.csv"
        call_command("insights_report", "--month", "2026-11", "--format", "csv", "-o", str(out))
    everything = html + printed + out.read_text(encoding="utf-8") + repr(table)
    assert "schwimmkurs frauen" in html and "schwimmkurs frauen" in printed
    for hidden in ("zweimal", "einmal"):
        assert hidden not in everything
    assert table[1][:6] == ["schwimmkurs frauen", "Arabisch", "–", "3", "3", "3"]
    assert len(table) == 2
    # The by-language chart counts only what may be shown: Farsi's ten hidden searches
    # would otherwise reveal that one person searched in Farsi.
    assert "Persisch: 10" not in html and "Arabisch: 3" in html


def test_the_trend_counts_weeks_and_the_printed_report_has_no_actions(moderator_client):
    searched("nähkurs", "uk", [2, 3, 16, 17, 18], town="Schongau")
    with time_machine.travel(NOVEMBER, tick=False):
        table = csv_rows(moderator_client.get("/admin/insights/no-results.csv?month=2026-11"))
        printed = moderator_client.get("/admin/insights/report/?month=2026-11").content.decode()
    (row,) = table[1:]
    assert row[:6] == ["nähkurs", "Ukrainisch", "Schongau", "5", "5", "5"]
    weeks = [int(n) for n in row[6].split()]
    # 12 weeks, the last ending on 20 November: 14–20 Nov has three, 31 Oct–6 Nov two.
    assert len(weeks) == 12 and weeks[-1] == 3 and weeks[-3] == 2 and sum(weeks) == 5
    assert "nähkurs" in printed and "Zu den Suchwörtern" not in printed


def test_coverage_shows_the_towns_without_offers_for_families(moderator_client, site_tree):
    make_offer(
        site_tree,
        "Eltern-Kind-Turnen",
        categories=("family-women-children", "sport"),
        target_groups=("parents",),
    )
    make_offer(
        site_tree, "Sprachcafé Steingaden", categories=("language-education",), places=(STEINGADEN,)
    )
    make_offer(
        site_tree,
        "Entwurf",
        categories=("family-women-children",),
        places=(STEINGADEN,),
        publish=False,
    )  # not public: never counted
    rows = {r[0]: r for r in csv_rows(moderator_client.get("/admin/insights/coverage.csv"))}
    header = rows["Ort"]
    family, language = header.index("Familie · Frauen · Kinder"), header.index("Sprache & Bildung")
    # "Weilheim i. OB" at its coordinates is the gazetteer's Weilheim, as in the search log.
    assert rows["Weilheim"][1] == "1" and rows["Weilheim"][family] == "1"
    assert rows["Steingaden"][1] == "1" and rows["Steingaden"][family] == "0"
    assert rows["Steingaden"][language] == "1"
    assert rows["Murnau am Staffelsee"][1] == "0"  # a large town with nothing at all
    # For parents only: Steingaden has nothing.
    parents = {
        r[0]: r
        for r in csv_rows(
            moderator_client.get("/admin/insights/coverage.csv", {"group": "parents"})
        )
    }
    assert parents["Steingaden"][1] == "0" and parents["Weilheim"][1] == "1"
    html = moderator_client.get(OVERVIEW).content.decode()
    # The map names the gap; the table marks it by more than colour.
    assert re.search(r'<circle class="gap"[^>]*><title>Murnau am Staffelsee: 0</title>', html)
    assert 'class="number gap">0<span class="visually-hidden">' in html


def test_translation_freshness_and_views_are_counted(moderator_client, site_tree):
    old = make_offer(site_tree, "Altes Angebot", last_confirmed=dt.date(2025, 1, 10))
    new = make_offer(site_tree, "Neues Angebot", title_ar="عرض جديد", categories=("sport",))
    OfferViewDay.objects.create(day=dt.date(2026, 11, 3), offer=new, language="ar", views=7)
    OfferViewDay.objects.create(day=dt.date(2026, 11, 4), offer=new, language="de", views=2)
    OfferViewDay.objects.create(day=dt.date(2026, 10, 31), offer=old, language="de", views=50)
    with time_machine.travel(NOVEMBER, tick=False):
        fresh = {
            r[0]: r[1] for r in csv_rows(moderator_client.get("/admin/insights/freshness.csv"))
        }
        views = {
            r[0]: r
            for r in csv_rows(
                moderator_client.get("/admin/insights/views.csv", {"month": "2026-11"})
            )
        }
        texts = {
            r[0]: r for r in csv_rows(moderator_client.get("/admin/insights/translations.csv"))
        }
    assert fresh["mehr als 12 Monate"] == "1" and fresh["weniger als 3 Monate"] == "1"
    header = views["Thema"]
    assert views["Sport"][1] == "9"  # October's 50 are another month
    assert views["Sport"][header.index("Arabisch")] == "7"
    assert views["Begegnung & Freizeit"][1] == "0"
    # Arabic: the new offer's title is written by a person; the old one has none.
    assert int(texts["Arabisch"][1]) >= 1 and int(texts["Arabisch"][4]) >= 1
    assert OfferPage.objects.public_current().count() == 2


def test_only_moderators_see_the_insights(client, django_user_model):
    member = django_user_model.objects.create_user("mira", "mira@example.org", "pw-mira-123")
    member.user_permissions.add(*_admin_access())
    client.force_login(member)
    for url in (OVERVIEW, "/admin/insights/report/", "/admin/insights/coverage.csv"):
        refused = client.get(url)  # Wagtail turns the refusal into a way back to its start
        assert (refused.status_code, refused.get("Location")) == (302, "/admin/"), url
    client.logout()
    assert client.get(OVERVIEW).status_code == 302  # to the login


def test_hostile_words_and_parameters_stay_harmless(moderator_client):
    for text in (
        '"><img src=x onerror=alert(1)>',
        "</script/x>",
        '=hyperlink("http://x")',
        "\u202egnp.exe",
    ):
        searched(text, "fa", [5, 6, 7])
    with time_machine.travel(NOVEMBER, tick=False):
        html = moderator_client.get(OVERVIEW, {"month": "2026-11"}).content.decode()
        table = csv_rows(moderator_client.get("/admin/insights/no-results.csv?month=2026-11"))
        for month in ("٢٠٢٦-١١", "2026-13", "9999-01", "2026-11\r\nX: y", "x" * 5000):
            response = moderator_client.get(OVERVIEW, {"month": month})
            assert response.status_code == 200  # this month, with a message
            assert "Für diesen Monat gibt es keinen Bericht" in response.content.decode()
        assert moderator_client.get("/admin/insights/nothing.csv").status_code == 404
        assert moderator_client.get(OVERVIEW, {"group": "<b>"}).status_code == 200
    assert "<img src=x" not in html and "</script/x>" not in html
    assert escape('"><img src=x onerror=alert(1)>') in html
    words = [row[0] for row in table[1:]]
    # A spreadsheet would run a cell starting with "=": the CSV quotes it as text.
    assert '\'=hyperlink("http://x")' in words and '=hyperlink("http://x")' not in words


def test_the_command_writes_the_printable_report(tmp_path):
    searched("fahrradkurs", "ro", [1, 8, 15])
    out = tmp_path / "november.html"
    with time_machine.travel(NOVEMBER, tick=False):
        call_command("insights_report", "--month", "2026-11", "-o", str(out))
        with pytest.raises(CommandError):
            call_command("insights_report", "--month", "2026-12")  # not yet begun
    html = out.read_text(encoding="utf-8")
    assert "Gemeinsam: Bericht für November 2026" in html
    assert "fahrradkurs" in html and html.count('role="img"') >= 5
    assert "<script" not in html  # nothing to run, nothing from elsewhere
    assert not re.search(r'(src|href)="https?://', html)


def test_months_are_parsed_strictly():
    with time_machine.travel(NOVEMBER, tick=False):
        assert parse_month("2026-11") == Period(dt.date(2026, 11, 1), dt.date(2026, 11, 20))
        assert parse_month("2026-10").until == dt.date(2026, 10, 31)
        for text in ("2026-12", "2026-1", "٢٠٢٦-١١", "2026-00", " 2026-11", "1999-12", ""):
            assert parse_month(text) is None, text
        assert timezone.localdate() == dt.date(2026, 11, 20)


def test_map_names_stay_inside_and_apart():
    from search.insights_charts import coverage_map, label_box
    from search.insights_report import _district_towns

    towns = _district_towns()
    assert len(towns) > 30  # the demo district's gazetteer: the test has something to place
    drawn = coverage_map(
        "Karte",
        (
            (name, lat, lon, (index % 3) * 4, population >= 5000)
            for index, (name, (lat, lon, population)) in enumerate(towns.items())
        ),
    )
    boxes = []
    for town in drawn.towns:
        if not town.anchor:
            continue
        boxes.append(label_box(town.label_x, town.label_y, town.anchor, town.name))
    gaps = [town for town in drawn.towns if not town.offers]
    assert sum(1 for town in gaps if town.anchor) >= len(gaps) * 2 // 3  # most gaps are named
    for i, a in enumerate(boxes):
        assert a[0] >= 0 and a[2] <= drawn.size and a[1] >= 0 and a[3] <= drawn.size, a
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
