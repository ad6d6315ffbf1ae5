"""Every interface text is translated into every site language: no English left in the UI."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.smoke
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code != "en"])
def test_catalogue_is_complete_and_well_formed(language):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext (msgfmt) is needed"
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [msgfmt, "--check-format", "-c", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("language", "expected"), [("ar", "عرض"), ("fa", "برنامه"), ("uk", "пропозиц")]
)
def test_pages_use_the_catalogue(client, site_tree, language, expected):
    with translation.override(language):
        html = client.get(f"/{language}/submit/what/").content.decode()
    assert expected in html
    assert "What is the offer?" not in html
