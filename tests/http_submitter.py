"""A stranger sending an offer through HTTP, step by step, with a real session and CSRF
tokens: used by tests/cms/test_sqlite_concurrency.py and bench/load.py."""

from __future__ import annotations

import re
import threading

import requests

STEPS = {
    "what": {
        "title": "Nähcafé {n}",
        "kind": "activity",
        "categories": ["encounter-leisure"],
        "summary": "Wir nähen zusammen und sprechen Deutsch.",
    },
    "when": {"slot1_day": "2", "slot1_start": "10:00", "slot1_end": "12:00"},
    "where": {"format": "in_person", "postcode": "86956", "town": "Schongau"},
    "who": {"spoken_languages": ["de"], "is_free": "1"},
    "contact": {
        "organisation_name": "Nähkreis {n}",
        "org_type": "verein",
        "contact_phone": "0881 5550{n:03d}",
        "submitter_email": "naeh{n}@example.org",
        "privacy": "on",
    },
    "picture": {},
}


def _token(response: requests.Response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    assert found, (response.status_code, response.url)
    return found.group(1)


def _post_step(session: requests.Session, url: str, data: dict) -> requests.Response:
    page = session.get(url, timeout=60)
    assert page.status_code == 200, (url, page.status_code)
    return session.post(
        url,
        data={**data, "csrfmiddlewaretoken": _token(page)},
        headers={"Referer": url},
        timeout=120,
    )


def submit(base: str, n: int, ready: threading.Barrier) -> int:
    """One stranger types the steps, waits for the others, then everyone sends at once."""
    session = requests.Session()
    for step, answers in STEPS.items():
        data = {
            key: value.format(n=n) if isinstance(value, str) else value
            for key, value in answers.items()
        }
        url = f"{base}/de/submit/{step}/"
        response = _post_step(session, url, data)
        if step == "where":
            assert 'name="confirm"' in response.text, response.status_code
            response = session.post(
                url,
                data={**data, "confirm": "1", "csrfmiddlewaretoken": _token(response)},
                headers={"Referer": url},
                timeout=120,
            )
        assert response.history or response.url != url, (step, response.status_code)
    review = session.get(f"{base}/de/submit/review/", timeout=60)
    assert review.status_code == 200
    ready.wait(timeout=300)
    sent = session.post(
        f"{base}/de/submit/review/",
        data={"csrfmiddlewaretoken": _token(review)},
        headers={"Referer": f"{base}/de/submit/review/"},
        timeout=120,
        allow_redirects=False,
    )
    return sent.status_code
