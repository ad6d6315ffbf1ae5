"""Translation status, machine translation through the providers' real clients, translators.

The providers are local servers speaking LibreTranslate's and DeepL's protocols
(tests/fakes/translation_servers.py), reached through ``libretranslatepy`` and
the official ``deepl`` client.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from directory import translation_status as ts
from directory.auto_translate import translate_offer
from directory.models import OfferPage, TranslationState, Translator
from directory.moderation import in_review
from directory.translators import TRANSLATORS, queue
from tests.factories import make_offer
from tests.fakes.translation_servers import DeepLHandler, LibreTranslateHandler, serve

from .conftest import STEP_ANSWERS, submit_offer

OTHERS = ["en", "ar", "uk", "ru", "tr", "fa", "ro"]


@pytest.fixture
def publish_page(django_capture_on_commit_callbacks):
    """Publish the page's latest revision with what follows the commit (as a request would)."""

    def _publish(page: OfferPage, **changes) -> OfferPage:
        draft = page.get_latest_revision_as_object()
        for name, value in changes.items():
            setattr(draft, name, value)
        with django_capture_on_commit_callbacks(execute=True):
            draft.save_revision().publish()
        return OfferPage.objects.get(pk=page.pk)

    return _publish


@pytest.fixture
def libretranslate(settings):
    with serve(LibreTranslateHandler, api_key="district-key") as server:
        settings.MACHINE_TRANSLATION = "libretranslate"
        settings.LIBRETRANSLATE_URL = server.url
        settings.LIBRETRANSLATE_API_KEY = "district-key"
        settings.MACHINE_TRANSLATION_INLINE = True
        yield server


@pytest.fixture
def deepl_server(settings):
    with serve(DeepLHandler, api_key="deepl-key:fx") as server:
        settings.MACHINE_TRANSLATION = "deepl"
        settings.DEEPL_AUTH_KEY = "deepl-key:fx"
        settings.DEEPL_SERVER_URL = server.url
        settings.MACHINE_TRANSLATION_INLINE = True
        yield server


def status(page: OfferPage, key: str, language: str) -> ts.Status:
    return ts.statuses(OfferPage.objects.get(pk=page.pk))[(key, language)]


# --- Status -------------------------------------------------------------------------


def test_german_edit_makes_translations_outdated_and_a_new_translation_human(
    site_tree, publish_page
):
    offer = make_offer(site_tree, "Sprachcafé", title_ar="مقهى اللغة", summary_ar="تحدث الألمانية.")
    offer = publish_page(offer)  # the first publish records who wrote what
    assert status(offer, "title", "ar") == ts.Status.HUMAN
    assert status(offer, "summary", "ar") == ts.Status.HUMAN
    assert status(offer, "summary", "fa") == ts.Status.MISSING

    offer = publish_page(offer, summary_de="Deutsch sprechen, jetzt auch dienstags.")
    assert status(offer, "summary", "ar") == ts.Status.OUTDATED
    assert status(offer, "title", "ar") == ts.Status.HUMAN  # its source did not change

    offer = publish_page(offer, summary_ar="تحدث الألمانية، الآن أيام الثلاثاء أيضاً.")
    assert status(offer, "summary", "ar") == ts.Status.HUMAN


def test_a_reader_sees_no_machine_label_without_machine_translation(site_tree, publish_page):
    offer = publish_page(make_offer(site_tree, "Sprachcafé", summary_en="Speak German."))
    assert ts.reader_context(offer, "en") == {"machine_translated": False}


# --- Machine translation on publish ------------------------------------------------------


@pytest.mark.parametrize("provider", ["libretranslate", "deepl_server"])
def test_publishing_fills_missing_languages_by_machine(
    request, provider, site_tree, publish_page, client
):
    server = request.getfixturevalue(provider)
    offer = make_offer(
        site_tree,
        "Sprachcafé",
        title_ar="مقهى اللغة",
        summary_ar="تحدث الألمانية.",
        description_de="<p>Kommen Sie <b>einfach</b> vorbei.</p>",
        schedule_note_de="nicht in den Ferien",
    )
    offer = publish_page(offer)

    for language in ["en", "uk", "ru", "tr", "fa", "ro"]:
        assert getattr(offer, f"summary_{language}") == (
            f"[{language}] Deutsch sprechen bei Kaffee und Kuchen."
        )
        assert getattr(offer, f"title_{language}") == f"[{language}] Sprachcafé"
        assert status(offer, "summary", language) == ts.Status.MACHINE
        assert status(offer, "schedule_note", language) == ts.Status.MACHINE
    # A person's translation is left alone.
    assert offer.summary_ar == "تحدث الألمانية."
    assert status(offer, "summary", "ar") == ts.Status.HUMAN
    # Rich text keeps its structure (DeepL: HTML; LibreTranslate: paragraphs).
    assert offer.description_fa.startswith("<p>") and "[fa]" in offer.description_fa
    assert not offer.locations.first().transit_note_fa  # no source text, nothing sent
    assert server.requests, "the provider was asked"

    # The reader in Farsi is told, and can see the original.
    response = client.get(offer.url.replace("/de/", "/fa/"))
    page = response.content.decode()
    assert response.status_code == 200
    notice = page.split('class="notice machine-translated"', 1)[1].split("</details>", 1)[0]
    assert "<details>" in notice and 'lang="de"' in notice
    assert "Deutsch sprechen bei Kaffee und Kuchen." in notice  # the original, on request

    # The German changes: the machine's work is redone, the person's is marked outdated.
    asked = len(server.requests)
    offer = publish_page(offer, summary_de="Deutsch sprechen, jetzt dienstags.")
    assert offer.summary_uk == "[uk] Deutsch sprechen, jetzt dienstags."
    assert status(offer, "summary", "uk") == ts.Status.MACHINE
    assert status(offer, "summary", "ar") == ts.Status.OUTDATED
    assert len(server.requests) > asked


@pytest.mark.parametrize(
    ("provider", "mode", "reason"),
    [
        ("libretranslate", "quota", "LibreTranslate 429"),
        ("libretranslate", "bad_key", "LibreTranslate 403"),
        ("libretranslate", "broken", "LibreTranslate 500"),
        ("deepl_server", "quota", "Quota"),
        ("deepl_server", "bad_key", "DeepL"),
    ],
)
def test_a_failing_provider_does_not_stop_publishing(
    request, provider, mode, reason, site_tree, publish_page
):
    server = request.getfixturevalue(provider)
    server.mode = mode
    offer = publish_page(make_offer(site_tree, "Sprachcafé"))
    assert offer.live
    assert not offer.summary_fa
    assert status(offer, "summary", "fa") == ts.Status.MISSING
    errors = set(
        TranslationState.objects.filter(page=offer, language="fa").values_list("error", flat=True)
    )
    assert errors and all(reason in error for error in errors), errors
    entry = next(e for e in queue("fa") if e.page.pk == offer.pk)
    assert entry.most_urgent == ts.Status.MISSING
    assert any(reason in error for error in entry.errors)

    # The service is back: the next publication fills the gap and the error goes.
    server.mode = ""
    offer = publish_page(offer)
    assert offer.summary_fa.startswith("[fa] ")
    assert status(offer, "summary", "fa") == ts.Status.MACHINE
    assert not TranslationState.objects.filter(page=offer, language="fa").exclude(error="")


def test_provider_text_is_cleaned_before_it_is_stored(
    deepl_server, site_tree, publish_page, client
):
    deepl_server.mode = "hostile"
    offer = make_offer(site_tree, "Sprachcafé", description_de="<p>Hallo</p>")
    offer = publish_page(offer)
    assert offer.description_en.startswith("<p>[en] Hallo</p>")
    assert "<script" not in offer.description_en and "javascript:" not in offer.description_en
    for value in (offer.description_en, offer.summary_en, offer.title_en):
        assert "\u202e" not in value and "\x07" not in value
    page = client.get(offer.url.replace("/de/", "/en/")).content.decode()
    assert "<script>[en] alert(1)" not in page  # plain texts stay text
    assert "&lt;script&gt;" in page


def test_no_provider_no_requests_and_nothing_marked(site_tree, publish_page, settings):
    settings.MACHINE_TRANSLATION = ""
    offer = publish_page(make_offer(site_tree, "Sprachcafé"))
    assert not offer.summary_en
    assert status(offer, "summary", "en") == ts.Status.MISSING
    assert translate_offer(offer.pk) == 0


def test_a_pending_change_is_not_hidden_by_machine_translation(
    libretranslate, site_tree, publish_page
):
    settings_mode, libretranslate.mode = libretranslate.mode, "broken"
    offer = publish_page(make_offer(site_tree, "Sprachcafé"))
    libretranslate.mode = settings_mode
    draft = offer.get_latest_revision_as_object()
    draft.summary_de = "Eine Änderung, die auf Prüfung wartet."
    draft.save_revision()
    assert translate_offer(offer.pk) == 0  # waits for that change to be published
    assert OfferPage.objects.get(pk=offer.pk).get_latest_revision_as_object().summary_de == (
        "Eine Änderung, die auf Prüfung wartet."
    )


# --- Submissions in another language ---------------------------------------------------


def test_an_arabic_submission_reaches_the_moderator_with_machine_german(
    libretranslate, site_tree, client
):
    answers = {step: dict(values) for step, values in STEP_ANSWERS.items()}
    answers["what"].update(title="مقهى النساء", summary="تلتقي النساء لشرب الشاي.")
    response = submit_offer(client, "ar", answers=answers)
    assert response.status_code == 302
    offer = OfferPage.objects.get(title_ar="مقهى النساء")
    draft = offer.get_latest_revision_as_object()
    assert offer.original_language == "ar"
    assert draft.title_de == "[de] مقهى النساء"
    assert draft.summary_de == "[de] تلتقي النساء لشرب الشاي."
    assert draft.summary_ar == "تلتقي النساء لشرب الشاي."
    states = ts.statuses(draft)
    assert states[("summary", "de")] == ts.Status.MACHINE
    assert states[("title", "de")] == ts.Status.MACHINE
    assert ("summary", "ar") not in states  # the original is nobody's translation
    sent = {r["q"] for r in libretranslate.requests}
    assert "تلتقي النساء لشرب الشاي." in sent
    assert all(r["source"] == "ar" and r["target"] == "de" for r in libretranslate.requests)


def test_an_arabic_submission_without_provider_keeps_the_copy(site_tree, client, settings):
    settings.MACHINE_TRANSLATION = ""
    answers = {step: dict(values) for step, values in STEP_ANSWERS.items()}
    answers["what"].update(title="مقهى النساء", summary="تلتقي النساء لشرب الشاي.")
    submit_offer(client, "ar", answers=answers)
    draft = OfferPage.objects.get(title_ar="مقهى النساء").get_latest_revision_as_object()
    assert draft.summary_de == "تلتقي النساء لشرب الشاي."


# --- Translators -------------------------------------------------------------------------


@pytest.fixture
def translator(db, site_tree, django_user_model):
    from directory.moderation import review_workflow

    review_workflow()
    user = django_user_model.objects.create_user("leyla", "leyla@example.org", "pw-leyla-123")
    user.groups.add(Group.objects.get(name=TRANSLATORS))
    Translator.objects.create(user=user, languages=["fa"])
    return user


def test_translator_works_in_own_language_only(translator, site_tree, publish_page, client):
    offer = publish_page(make_offer(site_tree, "Sprachcafé"))
    client.force_login(translator)
    assert client.get("/admin/translations/").status_code == 200
    queue_page = client.get("/admin/translations/fa/")
    assert queue_page.status_code == 200 and "Sprachcafé" in queue_page.content.decode()
    assert client.get(f"/admin/translations/fa/{offer.pk}/").status_code == 200
    for language in ["ar", "de", "xx", "en"]:
        # Wagtail turns a refusal into a redirect to the dashboard with a message.
        for response in (
            client.get(f"/admin/translations/{language}/"),
            client.post(f"/admin/translations/{language}/{offer.pk}/", {"text0": "x"}),
        ):
            assert response.status_code == 302 and response["Location"] == "/admin/"
    assert OfferPage.objects.get(pk=offer.pk).title_en in ("", None)
    # Not the page editor, nor another page id.
    assert client.get(f"/admin/pages/{offer.pk}/edit/").status_code in (302, 403)
    for page_id in ["999999999", "99999999999999999999"]:
        response = client.get(f"/admin/translations/fa/{page_id}/", follow=True)
        assert response.status_code == 404


def test_a_translator_change_goes_to_review_and_becomes_human_on_publish(
    translator, moderator, site_tree, publish_page, client, libretranslate
):
    offer = publish_page(make_offer(site_tree, "Sprachcafé"))
    assert status(offer, "summary", "fa") == ts.Status.MACHINE
    client.force_login(translator)
    form = client.get(f"/admin/translations/fa/{offer.pk}/").context["form"]
    data = {name: field.initial for name, field in form.fields.items() if name.startswith("text")}
    summary_field = next(
        name for slot, name, _confirm, _status in form.rows if slot.key == "summary"
    )
    data[summary_field] = "آلمانی صحبت کنید، با چای و کیک."
    data["contact_email"] = "attacker@example.org"  # not a field of this form: ignored
    response = client.post(f"/admin/translations/fa/{offer.pk}/", data)
    assert response.status_code == 302
    assert response["Location"] == "/admin/translations/fa/"
    live = OfferPage.objects.get(pk=offer.pk)
    assert live.summary_fa.startswith("[fa] ")  # the live page waits for the review
    assert in_review(live) is not None
    draft = live.get_latest_revision_as_object()
    assert draft.summary_fa == "آلمانی صحبت کنید، با چای و کیک."
    assert draft.contact_email == offer.contact_email
    assert draft.summary_de == offer.summary_de  # nothing else changed

    published = publish_page(live)  # the moderator approves
    assert published.summary_fa == "آلمانی صحبت کنید، با چای و کیک."
    assert status(published, "summary", "fa") == ts.Status.HUMAN


def test_a_trusted_translator_publishes_and_confirms_a_machine_text(
    translator, site_tree, publish_page, client, libretranslate, django_capture_on_commit_callbacks
):
    Translator.objects.filter(user=translator).update(trusted=True)
    offer = publish_page(make_offer(site_tree, "Sprachcafé"))
    client.force_login(translator)
    form = client.get(f"/admin/translations/fa/{offer.pk}/").context["form"]
    data = {name: field.initial for name, field in form.fields.items() if name.startswith("text")}
    confirm = next(c for slot, _n, c, _s in form.rows if slot.key == "title")
    data[confirm] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/translations/fa/{offer.pk}/", data)
    assert response.status_code == 302
    assert response["Location"] == "/admin/translations/fa/"
    assert status(offer, "title", "fa") == ts.Status.HUMAN  # checked and published
    assert status(offer, "summary", "fa") == ts.Status.MACHINE  # not checked


def test_hostile_translation_text_is_refused_and_kept(translator, site_tree, publish_page, client):
    Translator.objects.filter(user=translator).update(trusted=True)
    offer = publish_page(make_offer(site_tree, "Sprachcafé"))
    client.force_login(translator)
    form = client.get(f"/admin/translations/fa/{offer.pk}/").context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}
    summary = next(n for slot, n, _c, _s in form.rows if slot.key == "summary")
    title = next(n for slot, n, _c, _s in form.rows if slot.key == "title")
    data[summary] = '</script><img src=x onerror=alert(1)>"\u202e'
    data[title] = "Kurs\r\nSet-Cookie: x=1"
    response = client.post(f"/admin/translations/fa/{offer.pk}/", data)
    assert response.status_code == 200  # the form again, with what was typed
    page = response.content.decode()
    assert "<img src=x onerror" not in page
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert response.context["form"].errors[summary] and response.context["form"].errors[title]
    assert not OfferPage.objects.get(pk=offer.pk).summary_fa
    # Without the invisible character the same text is stored, as text.
    data[summary] = '</script><img src=x onerror=alert(1)>"'
    data[title] = "Kurs"
    client.post(f"/admin/translations/fa/{offer.pk}/", data)
    stored = OfferPage.objects.get(pk=offer.pk)
    assert stored.summary_fa == '</script><img src=x onerror=alert(1)>"'
    public = client.get(stored.url.replace("/de/", "/fa/")).content.decode()
    assert "<img src=x onerror" not in public


def test_a_moderator_makes_someone_a_translator(moderator, client, django_user_model):
    volunteer = django_user_model.objects.create_user("yusuf", "yusuf@example.org", "pw-yusuf-123")
    client.force_login(moderator)
    response = client.post(
        "/admin/snippets/directory/translator/add/",
        {"user": volunteer.pk, "languages": ["ar", "tr"], "trusted": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = Translator.objects.get(user=volunteer)
    assert profile.languages == ["ar", "tr"] and not profile.trusted
    assert volunteer.groups.filter(name=TRANSLATORS).exists()
    # German is the source, not a language to translate into.
    response = client.post(
        "/admin/snippets/directory/translator/add/",
        {"user": moderator.pk, "languages": ["de"]},
    )
    assert response.status_code == 200 and not Translator.objects.filter(user=moderator).exists()
