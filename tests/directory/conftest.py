"""Fixtures for contribution tests: people in their roles, and a submission typed step by step."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from directory.models import OrganisationMembership
from directory.moderation import review_workflow
from tests.factories import SiteTree, jpeg_with_gps, make_organisation
from tests.search.conftest import (  # noqa: F401
    _fresh_outage_state,
    backend,
    publish,
    use_elasticsearch,
)

STEP_ANSWERS: dict[str, dict[str, Any]] = {
    "what": {
        "title": "Frauencafé am Marienplatz",
        "kind": "activity",
        "categories": ["encounter-leisure", "family-women-children"],
        "summary": "Frauen treffen sich zum Tee und sprechen Deutsch.",
        "description": "Wir trinken Tee.\n\nKinder dürfen mitkommen <3",
    },
    "when": {"slot1_day": "1", "slot1_start": "15:00", "slot1_end": "17:00"},
    "where": {
        "format": "in_person",
        "place_name": "Pfarrheim",
        "postcode": "82362",
        "town": "Weilheim",
        "transit_note": "Bus 9613, Haltestelle Marienplatz",
    },
    "who": {"spoken_languages": ["ar", "de"], "is_free": "1", "childcare": "on"},
    "contact": {
        "organisation_name": "Frauen-Treff Weilheim",
        "org_type": "verein",
        "contact_phone": "0881 5550123",
        "submitter_email": "amal@example.org",
        "privacy": "on",
    },
    "picture": {},
}


@pytest.fixture
def moderator(db, site_tree, django_user_model):
    """A member of Wagtail's Moderators group, with the review workflow in place."""
    review_workflow()
    user = django_user_model.objects.create_user(
        "moderator", "moderator@example.org", "pw-moderator-1"
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def make_member(django_user_model, tree: SiteTree, name: str, **organisation_fields):
    """An approved member of a new organisation; returns (user, organisation)."""
    organisation = make_organisation(tree, name, **organisation_fields)
    user = django_user_model.objects.create_user(
        f"{name.lower().replace(' ', '-')}@example.org",
        f"{name.lower().replace(' ', '-')}@example.org",
        "pw-member-123",
    )
    OrganisationMembership.objects.create(
        user=user, organisation=organisation, approved=True, language="de"
    )
    return user, organisation


def fill_step(client, language: str, step: str, answers: dict[str, Any], **extra):
    """POST one step; the where step is confirmed after its map preview."""
    url = f"/{language}/submit/{step}/"
    response = client.post(url, {**answers, **extra})
    if step == "where" and response.status_code == 200 and b'name="confirm"' in response.content:
        response = client.post(url, {**answers, "confirm": "1"})
    return response


def submit_offer(
    client,
    language: str = "ar",
    *,
    picture: bytes | None = None,
    answers: dict[str, dict[str, Any]] | None = None,
):
    """Type a whole submission like a person would and send it; returns the last response."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    answers = answers or STEP_ANSWERS
    for step, step_answers in answers.items():
        data = dict(step_answers)
        if step == "picture" and picture is not None:
            data.update(
                picture=SimpleUploadedFile("photo.jpg", picture, content_type="image/jpeg"),
                picture_alt="Zwei Frauen am Tisch mit Teegläsern",
                people_shown="yes",
                people_consent="on",
            )
        response = fill_step(client, language, step, data)
        assert response.status_code == 302, (step, _errors(response))
    return client.post(f"/{language}/submit/review/")


def send_blue_picture(client, language: str, image_format: str = "JPEG"):
    """Send the picture step with a plain blue picture (no people), named photo.jpg."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 200)).save(out, format=image_format)
    return client.post(
        f"/{language}/submit/picture/",
        {
            "picture": SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg"),
            "picture_alt": "Blaue Fläche",
            "people_shown": "no",
        },
    )


def _errors(response) -> list[str]:
    return re.findall(r'class="error-message"[^>]*>(.*?)</p>', response.content.decode(), re.S)


def link_in_last_mail(kind: str = "") -> str:
    """The path of the first site link in the newest e-mail."""
    body = mail.outbox[-1].body
    match = re.search(r"http://testserver(/\S+)", body)
    assert match, body
    return match.group(1)


@pytest.fixture
def picture() -> bytes:
    return jpeg_with_gps()
