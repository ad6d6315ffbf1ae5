"""The moderators' side: the queue on the dashboard, duplicates, reports from readers, and
deciding in the admin (labels, reasons in the submitter's language, resubmissions)."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image
from wagtail.models import PageLogEntry, TaskState

from directory.models import OfferOwner, OfferPage, ProblemReport
from directory.moderation import (
    in_review,
    moderation_queue,
    possible_duplicates,
    submit_for_review,
)
from tests.factories import make_offer, make_organisation
from tests.fakes.translation_servers import LibreTranslateHandler, serve


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
    html = client.get("/admin/").content.decode()
    assert "Warteschlange der Moderation" in html
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


# --- Deciding in the admin (issue 13: labels, reasons in the submitter's language, resubmissions)


def offer_in_review(tree, language: str = "tr", **fields) -> OfferPage:
    """An offer whose submitter wrote in ``language``, confirmed and waiting for a moderator."""
    offer = make_offer(tree, "Frauenfrühstück", publish=False, **fields)
    OfferOwner.objects.create(
        offer=offer, email="ayse@example.org", language=language, confirmed_at=timezone.now()
    )
    submit_for_review(offer)
    return offer


def decide_in_admin(client, moderator, offer: OfferPage, action: str, **data) -> dict:
    """Post the workflow action dialog as the admin's modal does; returns its JSON answer."""
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(offer.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    client.force_login(moderator)
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        kwargs={"page_id": offer.pk, "action_name": action, "task_state_id": task_state.pk},
    )
    response = client.post(url, data, headers={"X-Requested-With": "XMLHttpRequest"})
    return response.json()


def to_submitter() -> list:
    """The e-mails the submitter got (Wagtail also tells the moderators of each submission)."""
    return [message for message in mail.outbox if message.to == ["ayse@example.org"]]


def resubmit(offer: OfferPage, **changes) -> None:
    """The submitter's edit after a request for changes (what directory.views.owners does)."""
    draft = offer.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.save_revision(log_action=True)
    submit_for_review(offer)


def test_the_action_menu_has_clean_german_labels_and_only_the_decisions(
    client, site_tree, moderator
):
    offer = offer_in_review(site_tree)
    client.force_login(moderator)
    html = client.get(f"/admin/pages/{offer.pk}/edit/").content.decode()
    names = re.findall(r'data-workflow-action-name="([a-z]+)"', html)
    assert names == ["approve", "reject", "decline"]
    labels = [
        " ".join(re.sub(r"<[^>]+>", " ", label).split())
        for label in re.findall(r"data-workflow-action-name=[^>]*>(.*?)</button>", html, re.S)
    ]
    assert labels == ["Freigeben und veröffentlichen", "Änderungen anfordern", "Ablehnen"]
    assert "und Veröffentlichen" not in html
    # Nothing that goes around the review and its e-mail to the submitter.
    for bypass in ("action-publish", "action-cancel-workflow", "action-restart-workflow"):
        assert f'name="{bypass}"' not in html
    assert "Entwurf speichern" in html  # a moderator may still correct a typo first


def test_the_admin_is_german_whatever_the_browser_says_unless_the_account_chose(
    client, site_tree, moderator
):
    from wagtail.users.models import UserProfile

    client.force_login(moderator)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="de"' in html and "Warteschlange der Moderation" in html
    login = Client().get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="de"' in login
    # A moderator who chose English in their account gets English.
    profile = UserProfile.get_for_user(moderator)
    profile.preferred_language = "en"
    profile.save()
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="en"' in html and "Moderation queue" in html
    # The public site still follows its address.
    assert client.get("/ar/", HTTP_ACCEPT_LANGUAGE="de").headers["Content-Language"] == "ar"


def test_avatars_are_initials_when_there_is_no_picture_or_it_is_gone(client, site_tree, moderator):
    from wagtail.users.models import UserProfile

    moderator.first_name, moderator.last_name = "Mona", "Berger"
    moderator.save()
    profile = UserProfile.get_for_user(moderator)
    profile.avatar.name = "avatar_images/gone.png"  # the file was lost
    profile.save()
    client.force_login(moderator)
    html = client.get("/admin/").content.decode()
    assert "avatar_images/gone.png" not in html
    assert "data:image/svg+xml" in html and "MB%3C/text%3E" in html  # "MB</text>"
    assert "gravatar" not in html.lower()
    # An uploaded picture that is there stays.
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 60)).save(picture, format="PNG")
    profile.avatar.save("mona.png", ContentFile(picture.getvalue()))
    html = client.get("/admin/").content.decode()
    assert profile.avatar.url in html and "MB%3C/text%3E" not in html


def test_the_dialog_names_the_submitters_language_and_offers_ready_made_reasons(
    client, site_tree, moderator, settings
):
    settings.MACHINE_TRANSLATION = ""
    offer = offer_in_review(site_tree, "tr")
    task_state = TaskState.objects.get(status=TaskState.STATUS_IN_PROGRESS)
    client.force_login(moderator)
    url = reverse(
        "wagtailadmin_pages:collect_workflow_action_data",
        args=(offer.pk, "reject", task_state.pk),
    )
    html = client.get(url).json()["html"]
    assert "Die einreichende Person liest: Türkisch." in html
    assert "unübersetzt" in html  # no provider: their own words go out as written
    assert 'value="time_missing"' in html and 'value="duplicate"' not in html
    assert "Bitte geben Sie den Tag und die Uhrzeit Ihres Angebots an." in html
    # Rejecting for good offers the reasons that fit it.
    url = reverse(
        "wagtailadmin_pages:collect_workflow_action_data",
        args=(offer.pk, "decline", task_state.pk),
    )
    html = client.get(url).json()["html"]
    assert 'value="duplicate"' in html and 'value="time_missing"' not in html
    # With a provider the dialog says a machine translation goes along.
    settings.MACHINE_TRANSLATION = "libretranslate"
    html = client.get(url).json()["html"]
    assert "maschinellen Übersetzung" in html


def test_a_ready_made_reason_reaches_a_turkish_submitter_in_turkish(
    client, site_tree, moderator, django_capture_on_commit_callbacks, settings
):
    settings.MACHINE_TRANSLATION = ""
    offer = offer_in_review(site_tree, "tr")
    no_reason = decide_in_admin(client, moderator, offer, "reject", comment=" ")
    assert no_reason["step"] == "action" and "Kreuzen Sie einen Grund an" in no_reason["html"]

    with django_capture_on_commit_callbacks(execute=True):
        answer = decide_in_admin(
            client,
            moderator,
            offer,
            "reject",
            reasons=["time_missing", "contact_missing"],
            comment="Bitte Telefonnummer ergänzen.",
        )
    assert answer["step"] == "success"
    (message,) = to_submitter()
    assert message.to == ["ayse@example.org"] and message.extra_headers["Content-Language"] == "tr"
    assert "- Lütfen hizmetinizin gününü ve saatini ekleyin." in message.body
    assert "örneğin bir telefon numarası veya e-posta adresi" in message.body
    assert "Moderatörün notu:\nBitte Telefonnummer ergänzen." in message.body
    assert "Makine çevirisi" not in message.body  # no provider: the note as written
    html = message.alternatives[0][0]
    assert "<li>Lütfen hizmetinizin gününü ve saatini ekleyin.</li>" in html
    assert '<blockquote lang="de" dir="auto">Bitte Telefonnummer ergänzen.</blockquote>' in html

    # The history says what the submitter was told, in German, as a request for changes.
    history = client.get(f"/admin/pages/{offer.pk}/history/").content.decode()
    assert "Änderungen erbeten" in history and "Abgelehnt" not in history
    assert "Bitte geben Sie den Tag und die Uhrzeit Ihres Angebots an." in history
    assert "Offer review" not in history and "Angebotsprüfung" in history


def test_a_free_note_goes_with_a_machine_translation_beside_the_original(
    client, site_tree, moderator, django_capture_on_commit_callbacks, settings
):
    offer = offer_in_review(site_tree, "tr")
    with serve(LibreTranslateHandler) as server:
        settings.MACHINE_TRANSLATION = "libretranslate"
        settings.LIBRETRANSLATE_URL = server.url
        settings.MACHINE_TRANSLATION_INLINE = True
        with django_capture_on_commit_callbacks(execute=True):
            decide_in_admin(
                client, moderator, offer, "reject", comment="Bitte die Uhrzeit ergänzen."
            )
    (message,) = to_submitter()
    assert [(r["source"], r["target"], r["q"]) for r in server.requests] == [
        ("de", "tr", "Bitte die Uhrzeit ergänzen.")
    ]
    translated = message.body.index("[tr] Bitte die Uhrzeit ergänzen.")
    label = message.body.index("(Makine çevirisi. Almanca orijinali:)")
    original = message.body.index("Bitte die Uhrzeit ergänzen.", label)
    assert translated < label < original
    html = message.alternatives[0][0]
    assert "<blockquote>[tr] Bitte die Uhrzeit ergänzen.</blockquote>" in html


def test_a_german_submitter_and_a_failing_provider_get_the_note_as_written(
    client, site_tree, moderator, django_capture_on_commit_callbacks, settings
):
    german = offer_in_review(site_tree, "de", slug="deutsch")
    turkish = offer_in_review(site_tree, "tr", slug="tuerkisch")
    with serve(LibreTranslateHandler, mode="broken") as server:
        settings.MACHINE_TRANSLATION = "libretranslate"
        settings.LIBRETRANSLATE_URL = server.url
        settings.MACHINE_TRANSLATION_INLINE = True
        with django_capture_on_commit_callbacks(execute=True):
            decide_in_admin(client, moderator, german, "reject", comment="Uhrzeit fehlt.")
        with django_capture_on_commit_callbacks(execute=True):
            decide_in_admin(client, moderator, turkish, "reject", comment="Uhrzeit fehlt.")
    assert [r["target"] for r in server.requests] == ["tr"]  # German needs no translation
    messages = to_submitter()
    assert len(messages) == 2
    for message in messages:
        assert "Uhrzeit fehlt." in message.body and "[tr]" not in message.body
    assert "Makine" not in messages[1].body


def test_rejecting_for_good_is_logged_as_a_rejection_with_its_reasons(
    client, site_tree, moderator, django_capture_on_commit_callbacks, settings
):
    settings.MACHINE_TRANSLATION = ""
    offer = offer_in_review(site_tree, "ar")
    refused = decide_in_admin(client, moderator, offer, "decline", reasons=["time_missing"])
    assert refused["step"] == "action" and in_review(offer) is not None
    with django_capture_on_commit_callbacks(execute=True):
        decide_in_admin(client, moderator, offer, "decline", reasons=["duplicate"])
    assert in_review(offer) is None
    (message,) = to_submitter()
    assert "هذا العرض موجود بالفعل في الدليل." in message.body
    assert "يرجى إضافة اليوم" not in message.body
    actions = list(
        PageLogEntry.objects.filter(page=offer).order_by("pk").values_list("action", flat=True)
    )
    assert "wagtail.workflow.reject" not in actions and actions[-1] == "directory.declined"
    history = client.get(f"/admin/pages/{offer.pk}/history/").content.decode()
    assert "Von der Moderation abgelehnt" in history
    assert "Dieses Angebot steht schon im Verzeichnis." in history
    assert "Änderungen erbeten" not in history


def test_a_resubmission_is_marked_and_links_to_the_comparison_without_empty_fields(
    client, site_tree, moderator, django_capture_on_commit_callbacks, settings
):
    settings.MACHINE_TRANSLATION = ""
    offer = offer_in_review(site_tree, "tr", summary_de="Frauen frühstücken.")
    other = make_offer(site_tree, "Schachtreff", publish=False, slug="schach")
    submit_for_review(other)
    seen = TaskState.objects.get(
        workflow_state__object_id=str(offer.pk), status=TaskState.STATUS_IN_PROGRESS
    ).revision_id
    with django_capture_on_commit_callbacks(execute=True):
        decide_in_admin(client, moderator, offer, "reject", reasons=["time_missing"])
    assert [item.page.pk for item in moderation_queue().new] == [other.pk]

    # An edit that also turns missing translations into empty ones ("" for None).
    resubmit(offer, summary_de="Frauen frühstücken, samstags 9 bis 11 Uhr.", summary_en="")
    state = in_review(offer)
    assert state.status == "in_progress" and state.current_task_state.revision_id != seen
    queue = moderation_queue()
    assert [item.page.pk for item in queue.new] == [other.pk, offer.pk]  # by when they came
    item = queue.new[1]
    assert item.resubmitted and not queue.new[0].resubmitted
    offer.refresh_from_db()
    assert (item.seen_revision_id, item.revision_id) == (seen, offer.latest_revision_id)

    dashboard = client.get("/admin/").content.decode()
    compare = f"/admin/pages/{offer.pk}/revisions/compare/{seen}...{item.revision_id}/"
    assert "Erneut eingereicht" in dashboard and f'href="{compare}"' in dashboard
    assert dashboard.count("Erneut eingereicht") == 1
    editor = client.get(f"/admin/pages/{offer.pk}/edit/").content.decode()
    assert f'href="{compare}"' in editor  # the review notes link it too

    comparison = client.get(compare)
    assert comparison.status_code == 200
    html = comparison.content.decode()
    assert "samstags 9 bis 11 Uhr" in html
    assert "Kurzbeschreibung [de]" in html and "Kurzbeschreibung [en]" not in html
    history = client.get(f"/admin/pages/{offer.pk}/history/").content.decode()
    assert "Erneut eingereicht" in history and "abgebrochen" not in history


def test_the_workflow_keeps_working_under_its_german_name(site_tree):
    from wagtail.models import Workflow

    from directory.moderation import WORKFLOW_NAME, review_workflow

    workflow = review_workflow()
    Workflow.objects.filter(pk=workflow.pk).update(name="Offer review")  # as installed before
    assert review_workflow().pk == workflow.pk
    workflow.refresh_from_db()
    assert workflow.name == WORKFLOW_NAME == "Angebotsprüfung"
    assert Workflow.objects.filter(name__in=[WORKFLOW_NAME, "Offer review"]).count() == 1


def test_reasons_from_the_editor_are_checked_again():
    """The editor passes the dialog's answers on as JSON without a form: decide() filters."""
    from directory.moderator_notes import history_text, valid_reasons

    codes = ["x", "time_missing", "duplicate", "time_missing"]
    assert valid_reasons("reject", codes) == ["time_missing"]
    assert valid_reasons("decline", codes) == ["duplicate"]
    assert valid_reasons("approve", codes) == []
    assert history_text(["time_missing"], "Danke!") == (
        "– Bitte geben Sie den Tag und die Uhrzeit Ihres Angebots an.\nDanke!"
    )


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_decision_after_the_review_ended_says_so_instead_of_failing(
    rf, site_tree, moderator, language
):
    """A double click or a second tab: Wagtail checked the review was open, then another
    decision ended it before this one acted."""
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    from directory.views.moderation import OfferEditView

    offer = make_offer(site_tree, "Nähcafé", publish=False)
    assert offer.current_workflow_task is None  # not (or no longer) in review
    request = rf.post(f"/admin/pages/{offer.pk}/edit/")
    request.user = moderator
    request.session = {}
    request._messages = FallbackStorage(request)
    view = OfferEditView()
    view.request, view.page = request, offer
    with translation.override(language):
        response = view.perform_workflow_action()
    assert response.status_code == 302 and response.url == f"/admin/pages/{offer.pk}/edit/"
    (message,) = [str(m) for m in get_messages(request)]
    assert (
        message
        == {
            "de": "Über diese Prüfung wurde schon entschieden. Nichts wurde geändert.",
            "en": "This review was already decided. Nothing was changed.",
        }[language]
    )
