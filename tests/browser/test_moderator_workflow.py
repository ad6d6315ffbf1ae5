"""A moderator at work in the admin, in a real browser at desktop size: clean German labels,
a change request with a ready-made reason that reaches a Turkish submitter in Turkish, and
the resubmission marked in the queue with a link to what changed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from directory.models import OfferOwner
from directory.moderation import in_review, submit_for_review
from tests.browser.conftest import admin_login, make_moderator
from tests.factories import make_offer

pytestmark = pytest.mark.browser
TURKISH_REASON = "Lütfen hizmetinizin gününü ve saatini ekleyin."


@pytest.fixture
def offer_from_turkish_submitter(district, settings, django_user_model):
    """A moderator, and an offer written in Turkish that waits for them."""
    settings.MACHINE_TRANSLATION = ""
    tree, _offers = district
    make_moderator(
        django_user_model, "mona", "pw-mona-12345", first_name="Mona", last_name="Berger"
    )
    offer = make_offer(
        tree,
        "Türkisch-deutsches Frauenfrühstück",
        publish=False,
        slug="fruehstueck",
        title_tr="Türk-Alman kadın kahvaltısı",
        summary_de="Frauen frühstücken zusammen.",
        summary_tr="Kadınlar birlikte kahvaltı yapıyor.",
    )
    OfferOwner.objects.create(
        offer=offer, email="ayse@example.org", language="tr", confirmed_at=timezone.now()
    )
    submit_for_review(offer)
    return offer


def test_a_moderator_asks_a_turkish_submitter_for_changes_and_sees_the_resubmission(
    phone, offer_from_turkish_submitter
):
    offer = offer_from_turkish_submitter
    page = phone.page
    # The browser asks for English (Playwright's default); the admin still speaks German.
    admin_login(phone, "mona", "pw-mona-12345")
    assert page.locator("html").get_attribute("lang") == "de"

    phone.go(f"/admin/pages/{offer.pk}/edit/")
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    actions = page.locator("footer [data-workflow-action-name]")
    assert [" ".join(text.split()) for text in actions.all_inner_texts()] == [
        "Freigeben und veröffentlichen",
        "Änderungen anfordern",
        "Ablehnen",
    ]
    footer = page.locator("footer").inner_text()
    assert "und Veröffentlichen" not in footer and "Workflow abbrechen" not in footer
    assert page.locator("footer [name='action-publish']").count() == 0
    page.wait_for_timeout(300)  # the menu fades in
    phone.shot("moderator-01-actions")

    page.click("footer [data-workflow-action-name='reject']")
    dialog = page.locator(".modal form")
    dialog.wait_for()
    assert "Die einreichende Person liest: Türkisch." in page.locator(".modal").inner_text()
    phone.shot("moderator-02-dialog")
    page.locator(".modal input[value='time_missing']").check()
    # The dialog's answers go back to the editor, which saves and leaves for the listing.
    page.locator(".modal button[type=submit]").click()
    page.wait_for_url(lambda url: "/edit/" not in url)
    page.wait_for_load_state("networkidle")

    assert in_review(offer).status == "needs_changes"
    (message,) = [m for m in mail.outbox if m.to == ["ayse@example.org"]]
    assert message.extra_headers["Content-Language"] == "tr"
    assert f"- {TURKISH_REASON}" in message.body

    # The submitter changes the time and sends the offer again.
    draft = offer.get_latest_revision_as_object()
    draft.summary_de = "Frauen frühstücken zusammen, samstags von 9 bis 11 Uhr."
    draft.save_revision(log_action=True)
    submit_for_review(offer)

    phone.go("/admin/")
    queue = page.locator("#moderation-queue-content, #moderation-queue").first
    entry = queue.locator("li", has_text="Türkisch-deutsches Frauenfrühstück")
    assert "Erneut eingereicht" in entry.text_content()  # (shown in capitals)
    phone.shot("moderator-03-queue")
    with page.expect_navigation():
        entry.locator("a", has_text="Mit der geprüften Fassung vergleichen").click()
    assert "/revisions/compare/" in page.url
    comparison = page.locator("main").inner_text()
    assert "samstags von 9 bis 11 Uhr" in comparison
    assert "Kurzbeschreibung [en]" not in comparison  # empty on both sides
    phone.shot("moderator-04-comparison")
    assert phone.console_errors == []
