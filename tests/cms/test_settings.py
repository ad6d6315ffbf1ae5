"""Production settings come from the environment and pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        # The browser tests allow async-unsafe ORM calls in their own process only.
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_mode():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="gemeinsam.example.org",
        DATABASE_URL="postgres://gemeinsam@127.0.0.1:5432/gemeinsam",
        ELASTICSEARCH_URL="http://127.0.0.1:9200",
        EMAIL_URL="smtp://mailer:secret@mail.example.org:587?tls=1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", DJANGO_SETTINGS_MODULE="cms.settings.production", SECRET_KEY="")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.smoke
def test_email_url_is_translated_into_django_settings():
    from cms.settings.base import _email_settings

    smtp = _email_settings("smtp://mailer:s%40cret@mail.example.org:587?tls=1")
    assert smtp["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"]) == (
        "mail.example.org",
        587,
        True,
    )
    assert (smtp["EMAIL_HOST_USER"], smtp["EMAIL_HOST_PASSWORD"]) == ("mailer", "s@cret")
    assert _email_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
