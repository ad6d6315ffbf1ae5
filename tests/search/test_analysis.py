"""Text analysis shared by both backends: the same word in any spelling gives the same term."""

import pytest

from search.analysis import analyse_word, fuzziness, query_words, terms, within_edits


@pytest.mark.parametrize(
    "a, b, language",
    [
        ("Fußball", "Fussball", "de"),
        ("München", "Muenchen", "de"),
        ("Begegnungscafé", "Begegnungscafe", "de"),
        ("Kurse", "Kursen", "de"),
        ("Straße", "Strasse", "de"),
        ("اللغة", "لغة", "ar"),  # with and without the article
        ("الدورة", "دورة", "ar"),
        ("إسلام", "اسلام", "ar"),  # hamza forms
        ("كتاب", "کتاب", "fa"),  # Arabic and Persian kaf
        ("курси", "курс", "uk"),
        ("німецької", "німецька", "uk"),
        ("курсы", "курс", "ru"),
    ],
)
def test_spellings_meet_in_one_term(a, b, language):
    assert analyse_word(a.casefold(), language) == analyse_word(b.casefold(), language)


def test_stop_words_leave_index_and_query():
    assert terms("Deutschkurs für Frauen und Kinder", "de") == ["deutschkur", "frau", "kind"]
    assert query_words("Deutschkurs fuer Frauen", "ar") == ["deutschkurs", "frauen"]
    assert query_words("für", "de") == ["für"]  # nothing else left: keep it


def test_fuzziness_follows_elasticsearch_auto():
    assert [fuzziness(t) for t in ("ab", "abc", "abcde", "abcdef")] == [0, 1, 1, 2]
    assert within_edits("deutchkur", ["deutschkur", "deutsch", "beutschkur"], 2) == [
        "deutschkur",
        "beutschkur",
    ]
    assert within_edits("kusr", ["kurs"], 1) == ["kurs"]  # a swap is one edit
