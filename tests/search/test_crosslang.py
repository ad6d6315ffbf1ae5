"""Found in every language: German-only offers found by queries in every site language,
through the thesaurus and (when on) semantic search, identically in both backends; compounds;
help when nothing is found; a moderator's thesaurus entry taking effect at once.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from directory.geo import GeoPoint
from search import database, elastic_query, semantic
from search.interface import search
from search.models import ThesaurusTerm
from search.query import OfferQuery
from tests.factories import make_offer

pytestmark = pytest.mark.django_db

WEILHEIM = GeoPoint(47.8415, 11.1548)
FAR_AWAY = {  # Altenstadt, about 25 km west of Weilheim
    "postcode": "86972",
    "town": "Altenstadt",
    "latitude": 47.8198,
    "longitude": 10.8738,
}

# German-only offers, nothing translated.
OFFERS = {
    "course": ("Deutschkurs am Abend", "Deutsch lernen in kleinen Gruppen, Niveau A1 bis B1."),
    "debts": ("Schuldnerberatung", "Wir helfen bei Schulden, Mahnungen und Inkasso."),
    "football": ("Fußballtraining für Jugendliche", "Training jeden Dienstag auf dem Sportplatz."),
    "homework": ("Hausaufgabenhilfe", "Ehrenamtliche helfen Schulkindern beim Lernen."),
    "garden": ("Gemeinschaftsgarten", "Gemeinsam gärtnern, ernten und kochen."),
}
QUERIES = {
    "course": {
        "fa": "کلاس آلمانی",
        "ro": "curs de germană",
        "ru": "курсы немецкого",
        "ar": "دورة لغة ألمانية",
        "uk": "курси німецької",
        "tr": "almanca kursu",
        "en": "german course",
    },
    "debts": {
        "fa": "بدهی",
        "ro": "datorii",
        "ru": "долги",
        "ar": "ديون",
        "uk": "борги",
        "tr": "borç danışmanlığı",
        "en": "debt advice",
    },
    "football": {
        "fa": "فوتبال",
        "ro": "fotbal",
        "ru": "футбол",
        "ar": "كرة القدم",
        "uk": "футбол",
        "tr": "futbol",
        "en": "football",
    },
}


@pytest.fixture
def offer(site_tree, django_capture_on_commit_callbacks):
    def _offer(title, summary="", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return make_offer(site_tree, title, summary_de=summary, summary=summary, **fields)

    return _offer


@pytest.fixture
def district(offer):
    return {key: offer(title, summary).pk for key, (title, summary) in OFFERS.items()}


@pytest.fixture(params=[True, False], ids=["semantic", "thesaurus-only"])
def semantic_search(request, settings):
    settings.SEMANTIC_SEARCH = request.param
    return request.param


def top_ids(text: str, language: str, count: int = 3, **filters) -> list[int]:
    return [h.offer.pk for h in search(OfferQuery(text=text, language=language, **filters)).hits][
        :count
    ]


def test_semantic_search_runs_here():
    # The test machine has the package: the semantic runs below are not silently lexical.
    assert semantic.installed()


@pytest.mark.parametrize("topic", sorted(QUERIES))
def test_queries_in_every_language_find_german_only_offers(
    backend, semantic_search, district, topic
):
    for language, text in QUERIES[topic].items():
        found = top_ids(text, language)
        assert found and found[0] == district[topic], (language, text, found)


def test_meaning_vectors_rank_alike_in_both_backends(use_elasticsearch, district):
    # The semantic half alone, with no word in common: Farsi "gardening and growing
    # vegetables" against German texts. Exact cosine in the database backend and
    # Elasticsearch's kNN choose the same offers with the same boosts.
    vector = semantic.query_vector("باغبانی و کاشت سبزیجات")
    snap = database.snapshot()
    exact = semantic.candidates_from_similarities(
        database.similarities(snap, vector, {o.pk for o in snap.offers}), vector
    )
    approximate = elastic_query.semantic_candidates(vector, [])
    assert exact == approximate
    assert max(exact, key=exact.get) == district["garden"]


@pytest.mark.parametrize("semantic_on", [True, False])
def test_nonsense_finds_nothing(backend, settings, district, semantic_on):
    settings.SEMANTIC_SEARCH = semantic_on
    for text in ("asdfgh qwertz", "xyzzy", "ذذذذ ضضضض", "qqqq 1234"):
        results = search(OfferQuery(text=text, language="fa"))
        assert results.count == 0 and results.hits == [], text
        assert results.help is not None  # …and help instead


def test_compounds_meet_their_parts(backend, settings, offer):
    settings.SEMANTIC_SEARCH = False
    treff = offer("Treff für Frauen", "Jeden Montag im Gemeindehaus.").pk
    kurs = offer("Deutschkurs am Abend", "Jeden Montag im Gemeindehaus.").pk
    rad = offer("Fahrrad-Kurs", "Jeden Montag im Gemeindehaus.").pk
    assert top_ids("Frauentreff", "de") == [treff]  # query split: Frau + Treff
    assert top_ids("Kurs", "de", count=5) == sorted([kurs, rad], key=[kurs, rad].index)
    assert top_ids("Fahrradkurs", "de") == [rad]  # the offer writes it apart
    assert top_ids("Abendkurs", "de") == [kurs]  # both parts, in the title


def test_partial_multi_word_matches_come_after_full_ones(backend, semantic_search, offer):
    full = offer("Schwimmkurs für Frauen", "Im Hallenbad Weilheim.").pk
    partial = offer("Schwimmkurs für Kinder", "Im Hallenbad Weilheim.").pk
    found = top_ids("Schwimmkurs Frauen", "de", count=10)
    assert found.index(full) < found.index(partial)


def test_a_thesaurus_entry_in_the_admin_takes_effect_at_once(
    backend, settings, district, admin_client
):
    settings.SEMANTIC_SEARCH = True
    word = "dersanecik"  # a made-up word: nobody can know it yet
    assert top_ids(word, "tr") == []
    response = admin_client.post(
        reverse("wagtailsnippets_offer_search_thesaurusterm:add"),
        {"concept": "debt-counselling", "language": "tr", "phrases": word, "search_words": ""},
    )
    assert response.status_code == 302, response.content[:2000]
    assert ThesaurusTerm.objects.filter(concept="debt-counselling").count() == 1
    assert top_ids(word, "tr")[:1] == [district["debts"]]
    # A new concept needs German search words; the form says so and keeps the input.
    response = admin_client.post(
        reverse("wagtailsnippets_offer_search_thesaurusterm:add"),
        {"concept": "chess-club", "language": "en", "phrases": "chess", "search_words": ""},
    )
    with translation.override("de"):  # the admin speaks German here
        message = escape(gettext(ThesaurusTerm.NEW_CONCEPT_NEEDS_WORDS))
    assert response.status_code == 200
    assert message in response.content.decode() and "chess-club" in response.content.decode()
    assert ThesaurusTerm.objects.filter(concept="chess-club").count() == 0
    ThesaurusTerm.objects.all().delete()
    assert top_ids(word, "tr") == []


def test_category_names_in_every_language_match(backend, settings, offer):
    settings.SEMANTIC_SEARCH = False
    sport = offer("Lauftreff", "Montags am See.", categories=("sport",)).pk
    offer("Nähtreff", "Montags im Gemeindehaus.", categories=("encounter-leisure",))
    for language, name in (("de", "Sport"), ("ar", "رياضة"), ("uk", "Спорт"), ("tr", "Spor")):
        assert top_ids(name, language) == [sport], (language, name)


def test_help_when_nothing_is_found(backend, settings, offer):
    settings.SEMANTIC_SEARCH = False
    football = offer("Fußballtraining", "Auf dem Sportplatz.", places=(FAR_AWAY,)).pk
    # A typo in a thesaurus word of the searcher's language: did you mean …
    results = search(OfferQuery(text="فوتبالل", language="fa"))
    assert results.count == 0 and results.help.did_you_mean == "فوتبال"
    assert [t.category for t in results.help.topics]  # topics to browse
    # Within 5 km of Weilheim there is none: the count without radius, and the nearest.
    near = search(OfferQuery(text="Fußball", near=WEILHEIM, radius_km=5))
    assert near.count == 0
    assert near.help.without_filters == 1
    assert [h.offer.pk for h in near.help.nearest] == [football]
    assert near.help.nearest[0].distance_km > 20
    # Topics: where the same words find offers without the radius.
    assert near.help.topics[0].category == "encounter-leisure"  # the offer's category


def test_help_on_the_page_and_in_the_api(backend, settings, offer, client):
    settings.SEMANTIC_SEARCH = False
    offer("Fußballtraining", "Auf dem Sportplatz.", places=(FAR_AWAY,))
    page = client.get("/fa/angebote/", {"q": "فوتبالل"})
    html = page.content.decode()
    assert page.status_code == 200 and "search-help" in html and "فوتبال" in html
    api = client.get(
        "/api/v1/offers/", {"q": "Fußball", "near": "47.8415,11.1548", "radius_km": "5"}
    )
    body = api.json()
    assert body["count"] == 0
    assert body["help"]["without_filters"] == 1
    assert [o["title"] for o in body["help"]["nearest"]] == ["Fußballtraining"]
    assert body["help"]["nearest"][0]["place"]["town"] == "Altenstadt"


def test_a_huge_thesaurus_entry_is_refused_and_kept_in_the_form(db, admin_client):
    url = reverse("wagtailsnippets_offer_search_thesaurusterm:add")
    fields = {"concept": "debt-counselling", "language": "tr", "search_words": ""}
    # 2 MB: over the site's request limit (DATA_UPLOAD_MAX_MEMORY_SIZE), refused whole.
    response = admin_client.post(url, {**fields, "phrases": "wort\n" * 400_000})
    assert response.status_code == 400
    # Within the request limit but too many lines: the form says so and keeps the input.
    response = admin_client.post(url, {**fields, "phrases": "wort\n" * 300})
    assert response.status_code == 200
    with translation.override("de"):
        message = gettext("At most %(lines)d lines of at most 100 characters each.") % {
            "lines": ThesaurusTerm.MAX_LINES
        }
    assert escape(message) in response.content.decode()
    assert "debt-counselling" in response.content.decode()
    assert ThesaurusTerm.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_publishing_embeds_in_the_background(settings):
    """Outside SQLite the request does not wait for the model: a thread embeds the new
    texts and indexes the offer again, with its vectors."""
    from directory import background
    from search.indexing import index_offer
    from search.models import Embedding, OfferPassage
    from tests.factories import make_site_tree, restore_after_flush

    settings.SEMANTIC_EMBED_INLINE = False
    restore_after_flush()
    offer = make_offer(make_site_tree(), "Imkerkurs", summary_de="Bienen halten lernen.")
    index_offer(offer.pk)  # returns at once; the thread embeds
    background.drain("embed")  # wait for it, as a test must
    keys = set(OfferPassage.objects.filter(offer_id=offer.pk).values_list("fingerprint", flat=True))
    assert keys and Embedding.objects.filter(fingerprint__in=keys).count() == len(keys)
    snap = database.snapshot()
    assert offer.pk in set(snap.passage_offers.tolist())
