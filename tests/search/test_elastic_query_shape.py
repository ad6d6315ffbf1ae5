"""The shape of the Elasticsearch text query: few clauses, and the same answers as before.

Issue 15 reshaped the query for speed (one ``terms`` clause per score on the
combined ``words`` field, counting apart from scoring, fewer distance rings);
the previous shape is kept in ``bench/es_text_shapes.py`` for comparison, and
here both must find, order, count and facet alike.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

from directory.i18n import site_languages
from search import elastic_query
from search.analysis import analyse_word
from search.elastic_index import WORDS, word_key
from search.query import OfferQuery
from search.understanding import Unit, WordMatch, interpret, ring_limits_km
from search.vocabulary import Vocabulary
from tests.factories import make_offer

from .test_search import WEILHEIM, place_north_of

BENCH = Path(__file__).resolve().parents[2] / "bench" / "es_text_shapes.py"


def _clauses(query: dict) -> list[dict]:
    return query["dis_max"]["queries"] if "dis_max" in query else [query]


def test_a_word_costs_one_clause_per_score_not_per_language_and_field():
    # A word that is a term, a prefix and a typo of terms in every language.
    terms = sorted({"kurs", "kurse", "kursus", "kurz", "kursraum"})
    known = Vocabulary(0, dict.fromkeys(site_languages(), terms))
    unit = Unit("kurs", (WordMatch("kurs"),))
    clauses = _clauses(elastic_query._unit_query(unit, "en", known, 100.0).to_dict())
    scores = [clause["constant_score"]["boost"] for clause in clauses]
    assert len(scores) == len(set(scores))  # alike scores share a clause
    # Searcher's language, German, the others × exact, prefix, fuzzy × title, text.
    assert len(clauses) <= 3 * 3 * 2 < len(site_languages()) * 3 * 2
    best = clauses[0]["constant_score"]
    assert best["boost"] == max(scores)
    assert word_key("title", "en", analyse_word("kurs", "en")) in best["filter"]["terms"][WORDS]


def test_rings_inside_the_radius_become_one_clause():
    rings = elastic_query._distance_rings(OfferQuery(text="Kurs", near=WEILHEIM, radius_km=10))
    distances = [r.filter.distance for r in rings if r.filter.name == "geo_distance"]
    assert distances == ["5.0km"]
    assert rings[0].filter.name == "match_all"
    assert rings[0].boost == 100.0 * sum(1 for limit in ring_limits_km() if limit >= 10)
    assert len(elastic_query._distance_rings(OfferQuery(text="Kurs", near=WEILHEIM))) == 12


@pytest.fixture(scope="module")
def shapes():
    """bench/es_text_shapes.py, which holds the previous shape."""
    spec = importlib.util.spec_from_file_location("es_text_shapes", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_the_previous_and_the_current_shape_answer_alike(
    use_elasticsearch, site_tree, django_capture_on_commit_callbacks, shapes
):
    near = [place_north_of(WEILHEIM, km) for km in (2, 4, 8, 12, 31)]
    with django_capture_on_commit_callbacks(execute=True):
        for n, (title, extra) in enumerate(
            [
                ("Deutschkurs am Abend", {"title_en": "German course"}),
                ("Deutschkurse für Frauen", {"summary_de": "Sprachcafé danach."}),
                ("Sprachcafé Weilheim", {"title_ar": "مقهى اللغة", "languages": ("de", "ar")}),
                ("Migrationsberatung", {"categories": ("counselling-help",)}),
                ("Sozialberatung", {"summary_de": "Beratung und Deutschkurs."}),
                ("Schwimmkurs", {"kind": "club_offer", "categories": ("sport",)}),
                ("Deutsch lernen im Café", {}),
                ("Kurs für Eltern", {"summary_de": "Kurse und Beratung."}),
            ]
        ):
            make_offer(site_tree, title, slug=f"offer-{n}", places=(near[n % 5],), **extra)
    queries = [
        OfferQuery(text="Deutschkurs"),
        OfferQuery(text="Deutchkurs"),
        OfferQuery(text="Sprachcafe Weilheim"),
        OfferQuery(text="Beratung", language="en"),
        OfferQuery(text="Kurs", categories=("sport",)),
        OfferQuery(text="Sprachcafé", near=WEILHEIM, radius_km=10),
        OfferQuery(text="Deutschkurs Beratung", near=WEILHEIM),
        OfferQuery(text="Beratung", near=WEILHEIM, sort="distance"),
        OfferQuery(text="Kurs", page=2, page_size=2),
    ]
    for query in queries:
        meaning = interpret(query.text, query.language)
        previous = shapes.run_previous(query, meaning)
        current = shapes.run_current(query, meaning)
        assert current.decided() == previous.decided(), query
    assert shapes.run_current(queries[0], interpret("Deutschkurs", "de")).count >= 3


@pytest.mark.django_db
def test_the_previous_shape_site_answers_through_the_previous_shape(
    use_elasticsearch, site_tree, django_capture_on_commit_callbacks, shapes, monkeypatch
):
    """The bench's API comparison serves a site whose searches take the previous shape:
    the search interface must reach it, with the same answers as the current shape."""
    from search import elastic_query
    from search.interface import search

    with django_capture_on_commit_callbacks(execute=True):
        for n, title in enumerate(["Deutschkurs am Abend", "Sprachcafé", "Deutschkurse"]):
            make_offer(site_tree, title, slug=f"offer-{n}", places=(place_north_of(WEILHEIM, 1),))
    query = OfferQuery(text="Deutschkurs", near=WEILHEIM, radius_km=10)
    current = search(query)
    built = []
    original = shapes.build_search_previous

    def spy(*args, **kwargs):
        built.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(shapes, "build_search_previous", spy)
    monkeypatch.setattr(elastic_query, "search", elastic_query.search)  # undone afterwards
    shapes.use_previous_shape()
    previous = search(query)
    assert built == [query]
    assert previous.backend == current.backend == "elasticsearch"
    assert [h.offer.pk for h in previous.hits] == [h.offer.pk for h in current.hits]
    assert previous.count == current.count >= 2
