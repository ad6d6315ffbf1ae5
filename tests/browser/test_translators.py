"""A volunteer translator at work, in a real browser: the queue for Farsi, the side-by-side
page, and a saved translation that goes to the moderators."""

import pytest
from django.contrib.auth.models import Group

from directory.models import OfferPage, Translator
from directory.moderation import in_review, review_workflow
from directory.translators import TRANSLATORS
from tests.factories import make_offer
from tests.fakes.translation_servers import LibreTranslateHandler, serve

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def translator(district, settings, django_user_model):
    tree, _offers = district
    review_workflow()
    with serve(LibreTranslateHandler) as server:
        settings.MACHINE_TRANSLATION = "libretranslate"
        settings.LIBRETRANSLATE_URL = server.url
        settings.MACHINE_TRANSLATION_INLINE = True
        make_offer(tree, "Nähcafé", slug="naehcafe", summary_de="Gemeinsam nähen und reden.")
    settings.MACHINE_TRANSLATION = ""
    user = django_user_model.objects.create_user("leyla", "leyla@example.org", "pw-leyla-123")
    user.groups.add(Group.objects.get(name=TRANSLATORS))
    Translator.objects.create(user=user, languages=["fa"])
    return user


def test_a_translator_works_through_the_farsi_queue(phone, translator):
    page = phone.page
    page.set_viewport_size(DESKTOP)
    phone.go("/admin/login/")
    page.fill("input[name=username]", "leyla")
    page.fill("input[name=password]", "pw-leyla-123")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/admin/login/" not in page.url

    phone.go("/admin/translations/")
    assert page.locator("table.listing a[href='/admin/translations/fa/']").count() == 1
    assert page.locator("table.listing a[href='/admin/translations/ar/']").count() == 0
    phone.shot("translators-01-overview")

    phone.go("/admin/translations/fa/")
    rows = page.locator("table.listing tbody tr")
    assert rows.count() >= 2  # the district's offers have no Farsi yet; Nähcafé by machine
    titles = rows.locator("th").all_inner_texts()
    assert titles.index("Nähcafé") == len(titles) - 1  # automatic ones after the missing ones
    phone.shot("translators-02-queue-fa")

    with page.expect_navigation():
        page.click("text=Sprachcafé im Mehrgenerationenhaus")
    source = page.locator("table.gemeinsam-side-by-side tbody tr").first.locator("td").first
    assert source.get_attribute("lang") == "de"
    textareas = page.locator("textarea[lang=fa]")
    textareas.first.fill("با قهوه و کیک آلمانی صحبت کنید.")
    phone.shot("translators-03-side-by-side-fa")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith("/admin/translations/fa/")
    offer = OfferPage.objects.get(slug="sprachcafe")
    assert in_review(offer) is not None
    assert offer.get_latest_revision_as_object().summary_fa == "با قهوه و کیک آلمانی صحبت کنید."
    assert not offer.summary_fa  # live once a moderator approves
    assert phone.console_errors == []
