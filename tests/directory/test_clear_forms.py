"""Forms that say what they mean: contact ways, the people-in-the-picture question,
the site's own district map for the place check, the thumbnail on the check page."""

from __future__ import annotations

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from directory.district_map import district_map
from directory.forms.offer_steps import ContactForm, PictureForm
from tests.directory.conftest import STEP_ANSWERS, fill_step, make_member


def png(colour=(10, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), colour).save(out, format="PNG")
    return out.getvalue()


def test_the_contact_ways_are_one_question_that_asks_for_at_least_one(client, site_tree):
    html = client.get("/de/submit/contact/").content.decode()
    assert html.count('name="homepage"') == 1  # the honeypot once, in its hidden place
    group = html.split('<fieldset class="contact-ways"', 1)[1].split("</fieldset>", 1)[0]
    assert "Wie kann man Kontakt aufnehmen?" in group
    assert "Geben Sie mindestens eine dieser vier Möglichkeiten an." in group
    for name in ContactForm.contact_ways:
        assert f'name="{name}"' in group
    # None of the four is marked optional on its own: together they are not.
    ways = "|".join(ContactForm.contact_ways)
    labels = re.findall(rf'<label for="id_(?:{ways})">([^<]*)', group)
    assert len(labels) == 4 and not any("freiwillig" in label for label in labels)
    answers = {**STEP_ANSWERS["contact"], "contact_phone": ""}
    refused = fill_step(client, "de", "contact", answers)
    assert refused.status_code == 200
    assert "Geben Sie mindestens einen Kontaktweg an" in refused.content.decode()


def test_a_members_contact_starts_from_the_organisations(client, site_tree, django_user_model):
    user, verein = make_member(
        django_user_model,
        site_tree,
        "Verein Brücke",
        phone="0881 5550999",
        email="info@bruecke.example",
        website="https://bruecke.example/",
    )
    client.force_login(user)
    html = client.get("/de/submit/contact/").content.decode()
    assert 'value="0881 5550999"' in html and 'value="info@bruecke.example"' in html
    assert 'value="https://bruecke.example/"' in html
    assert "Kontaktdaten Ihrer Organisation eingetragen" in html
    # Once the member typed their own, that is what comes back.
    fill_step(client, "de", "contact", {"organisation": str(verein.pk), "contact_phone": "0881 1"})
    again = client.get("/de/submit/contact/").content.decode()
    assert 'value="0881 1"' in again and "info@bruecke.example" not in again


def test_consent_is_asked_only_when_people_can_be_recognised():
    def form(**data):
        upload = SimpleUploadedFile("tea.png", png(), content_type="image/png")
        return PictureForm(data={"picture_alt": "Eine Teekanne", **data}, files={"picture": upload})

    teapot = form(people_shown="no")
    assert teapot.is_valid(), teapot.errors
    unanswered = form()
    assert not unanswered.is_valid() and list(unanswered.errors) == ["people_shown"]
    people = form(people_shown="yes")
    assert not people.is_valid() and list(people.errors) == ["people_consent"]
    assert form(people_shown="yes", people_consent="on").is_valid()
    assert PictureForm(data={}).is_valid()  # no picture, no question


def test_the_district_map_shows_the_point_among_the_districts_towns(settings):
    settings.DISTRICT_CENTER = "47.80,11.05"
    schongau = district_map(47.8115, 10.8964)
    names = {town.name for town in schongau.labels}
    assert {"Weilheim", "Schongau", "Penzberg"} <= names
    assert schongau.nearest_name == "Schongau" and schongau.nearest_km < 2
    assert not schongau.outside
    town = next(t for t in schongau.labels if t.name == "Schongau")
    # The pin is drawn where Schongau's dot is (same projection), within a few units.
    assert abs(town.x - schongau.pin_x) < 6 and abs(town.y - schongau.pin_y) < 6
    weilheim = next(t for t in schongau.labels if t.name == "Weilheim")
    assert weilheim.x > town.x  # east of Schongau
    assert 0 <= min(schongau.pin_x, schongau.pin_y) and max(schongau.pin_x, schongau.pin_y) <= 300
    # A hit in Hamburg (a wrong "Weilheim"?) is far away, and the map widens to show it.
    hamburg = district_map(53.55, 10.0)
    assert hamburg.outside and hamburg.centre_km > 600
    assert 0 <= hamburg.pin_y <= 300


def test_the_place_check_draws_the_district_without_a_tile_server(client, site_tree, settings):
    settings.MAP_TILE_URL = ""
    for step in ("what", "when"):
        fill_step(client, "ar", step, STEP_ANSWERS[step])
    answers = {**STEP_ANSWERS["where"], "postcode": "86956", "town": "Schongau"}
    html = client.post("/ar/submit/where/", answers).content.decode()
    assert '<svg class="district-map"' in html and "district-map__pin" in html
    assert "map-preview__tiles" not in html  # no tiles without a tile server
    assert "<bdi>Schongau</bdi>" in html
    assert 'direction="ltr"' in html  # German place names keep their order on Arabic pages


def test_the_check_page_shows_the_pictures_thumbnail_to_its_submitter_only(client, site_tree):
    from django.test import Client

    for step in ("what", "when", "where", "who", "contact"):
        fill_step(client, "de", step, STEP_ANSWERS[step])
    upload = SimpleUploadedFile("tea.png", png(), content_type="image/png")
    fill_step(
        client,
        "de",
        "picture",
        {"picture": upload, "picture_alt": "Eine Teekanne", "people_shown": "no"},
    )
    review = client.get("/de/submit/review/").content.decode()
    thumbnail = re.search(r'<img class="answers__picture" src="([^"]+)" alt="([^"]*)"', review)
    assert thumbnail and thumbnail.group(2) == "Eine Teekanne"
    assert "Ein Bild ist hinzugefügt." not in review
    # Consent does not apply to a teapot: the check page does not show it as "No".
    assert "Die abgebildeten Personen" not in review
    shown = client.get(thumbnail.group(1))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert {"private", "no-store"} <= set(shown["Cache-Control"].replace(",", " ").split())
    assert Image.open(io.BytesIO(b"".join(shown.streaming_content))).size == (300, 200)
    assert Client().get(thumbnail.group(1)).status_code == 404  # another visitor's session
