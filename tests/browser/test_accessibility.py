"""axe-core in Chromium: no WCAG 2.2 A/AA violations on newcomers' pages, in German and Arabic."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/{lang}/",
    "results": "/{lang}/angebote/?q=sprachcafe&spoken_language=ar",
    "offer": "/{lang}/angebote/sprachcafe/",
    "submission": "/{lang}/submit/what/",
}


@pytest.mark.parametrize("language", ["de", "ar"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_axe_violations(phone, district, name, language):
    phone.go(PAGES[name].format(lang=language))
    violations = phone.axe_violations()
    phone.shot(f"axe-{name}-{language}")
    assert violations == []


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_submission_form_with_errors_has_no_axe_violations(phone, district, language):
    page = phone.go(f"/{language}/submit/what/")
    page.click("form button[type=submit]:not([name])")
    page.wait_for_load_state("networkidle")
    assert page.locator("#error-summary").count() == 1
    assert phone.axe_violations() == []
    phone.shot(f"axe-submission-errors-{language}")


def test_everything_is_reachable_by_keyboard_with_a_visible_focus(phone, district):
    """Tab through the home page: every stop is visible and shows a focus outline."""
    page = phone.go("/de/")
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                return {tag: e.tagName, text: (e.innerText || e.value || '').trim().slice(0, 30),
                        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
                        shadow: s.boxShadow !== 'none'}; }"""
        )
        if info["tag"] == "BODY":  # past the last control: the whole page was reached
            break
        seen.append(info)
        assert info["outline"] or info["shadow"], info
    texts = [item["text"] for item in seen]
    assert "Zum Inhalt springen" in texts[0] or "Skip" in texts[0]
    assert any("Suchen" in text for text in texts)  # the search button is reached
    assert any("Angebot eintragen" in text for text in texts)  # and the footer at the end
