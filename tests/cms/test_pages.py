"""Public pages render in a left-to-right and a right-to-left language, and hide drafts."""

import pytest

from tests.factories import make_offer, make_organisation

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture
def offer(site_tree):
    organisation = make_organisation(site_tree, "Caritas Weilheim")
    return make_offer(
        site_tree,
        "Sprachcafé",
        slug="sprachcafe",
        organisation=organisation,
        title_ar="مقهى اللغة",
        summary_ar="تحدث الألمانية مع القهوة والكعك.",
        languages=("de", "ar"),
    )


def test_root_redirects_to_a_language(client, site_tree):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 302
    assert response["Location"] == "/ar/"


@pytest.mark.parametrize(
    "language, direction", [("de", "ltr"), ("ar", "rtl"), ("fa", "rtl"), ("uk", "ltr")]
)
def test_home_renders_with_writing_direction(client, site_tree, offer, language, direction):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert "/angebote/sprachcafe/" in html  # newest offers list


def test_offer_page_in_german(client, offer):
    html = client.get("/de/angebote/sprachcafe/").content.decode()
    assert "<h1>Sprachcafé</h1>" in html
    assert "Caritas Weilheim" in html
    assert "Pöltnerstraße 12" in html


def test_offer_page_in_arabic_is_translated_and_rtl(client, offer):
    html = client.get("/ar/angebote/sprachcafe/").content.decode()
    assert 'dir="rtl"' in html
    assert "<h1>مقهى اللغة</h1>" in html
    assert 'role="note"' not in html  # translated, so no fallback note


def test_offer_page_without_translation_shows_german_with_note(client, offer):
    html = client.get("/uk/angebote/sprachcafe/").content.decode()
    assert '<h1 lang="de" dir="ltr">Sprachcafé</h1>' in html
    assert 'role="note"' in html
    assert 'lang="de"' in html


def test_draft_offer_is_not_public(client, site_tree):
    make_offer(site_tree, "Entwurf", slug="entwurf", publish=False)
    assert client.get("/de/angebote/entwurf/").status_code == 404
    listing = client.get("/de/angebote/").content.decode()
    assert "Entwurf" not in listing


def test_offer_list_and_organisation_pages(client, offer):
    listing = client.get("/ar/angebote/")
    assert listing.status_code == 200
    assert "مقهى اللغة" in listing.content.decode()
    organisation_page = client.get(offer.organisation.url.replace("/de/", "/ar/"))
    assert organisation_page.status_code == 200
    assert "/ar/angebote/sprachcafe/" in organisation_page.content.decode()
    organisation_list = client.get("/de/organisationen/")
    assert "Caritas Weilheim" in organisation_list.content.decode()


def test_offer_list_rejects_bad_parameters_with_message(client, offer):
    response = client.get("/de/angebote/?page=0&category=unknown")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "<title>Error:" in html or "<title>Fehler:" in html


def test_offer_list_filters_by_category(client, site_tree, offer):
    make_offer(site_tree, "Fußballtraining", categories=("sport",), slug="fussball")
    html = client.get("/de/angebote/?category=sport").content.decode()
    assert "Fußballtraining" in html
    assert "Sprachcafé" not in html


def test_sitemap_lists_public_offers_in_every_language_only(client, site_tree, offer):
    import datetime as dt

    make_offer(site_tree, "Entwurf", slug="entwurf", publish=False)
    make_offer(site_tree, "Beendet", slug="beendet", valid_until=dt.date(2020, 1, 1))
    xml = client.get("/sitemap.xml", HTTP_HOST="localhost").content.decode()
    assert "http://localhost/de/angebote/sprachcafe/" in xml
    assert 'hreflang="ar" href="http://localhost/ar/angebote/sprachcafe/"' in xml
    assert "/angebote/entwurf/" not in xml
    assert "/angebote/beendet/" not in xml
