"""Media on S3-compatible storage (MEDIA_S3_BUCKET): a picture sent with the public form
travels through the bucket, never the local disk, and the published page links it at
MEDIA_URL, where the proxy finds it under the bucket's media/ prefix."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone, translation
from PIL import Image

from directory import retention
from directory.models import OfferPage
from tests.directory.conftest import STEP_ANSWERS, fill_step, send_blue_picture
from tests.factories import GPS_IFD
from tests.fakes.s3_server import client, keys

TITLE = STEP_ANSWERS["what"]["title"]


def _local_pending() -> list[Path]:
    return [p for p in Path(settings.SUBMISSION_UPLOAD_DIR).rglob("*") if p.is_file()]


def _local_media() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def _object(endpoint: str, bucket: str, key: str) -> bytes:
    return client(endpoint).get_object(Bucket=bucket, Key=key)["Body"].read()


def test_a_submitted_picture_travels_through_the_bucket(client, site_tree, s3_media, picture):
    from django.core.files.uploadedfile import SimpleUploadedFile

    endpoint, bucket = s3_media
    pending_before, media_before = _local_pending(), _local_media()
    for step, answers in STEP_ANSWERS.items():
        data = dict(answers)
        if step == "picture":
            data.update(
                picture=SimpleUploadedFile("photo.jpg", picture, content_type="image/jpeg"),
                picture_alt="Zwei Frauen am Tisch mit Teegläsern",
                people_shown="yes",
                people_consent="on",
            )
        assert fill_step(client, "ar", step, data).status_code == 302, step

    # Waiting for the form: in the bucket's private prefix, not on this server's disk, so
    # another web server receiving the rest of the form finds it.
    token = client.session["offer_submission"]["picture"]
    assert keys(endpoint, bucket, "pending/") == [f"pending/{token}"]
    assert _local_pending() == pending_before
    thumbnail = client.get("/ar/submit/picture/thumbnail/")
    assert thumbnail.status_code == 200 and "no-store" in thumbnail["Cache-Control"]
    shown = b"".join(thumbnail.streaming_content)
    assert shown == _object(endpoint, bucket, f"pending/{token}")
    assert Image.open(io.BytesIO(shown)).size[0] > 0

    assert client.post("/ar/submit/review/").status_code == 302
    offer = OfferPage.objects.get(title_de=TITLE)
    stored_key = f"media/{offer.image.file.name}"
    assert keys(endpoint, bucket, "pending/") == []
    assert stored_key in keys(endpoint, bucket, "media/original_images/")
    assert _local_media() == media_before
    original = Image.open(io.BytesIO(_object(endpoint, bucket, stored_key)))
    assert GPS_IFD not in original.getexif() and not original.getexif()

    # Published, the page links a rendition at MEDIA_URL; the proxy maps that to media/.
    with translation.override("de"):
        offer.save_revision().publish()
    page = client.get(f"/ar/angebote/{offer.slug}/").content.decode()
    sources = re.findall(r'<img[^>]+src="(/media/images/[^"]+)"', page)
    assert sources, "the offer page shows no picture"
    for source in sources:
        rendition = Image.open(io.BytesIO(_object(endpoint, bucket, source.lstrip("/"))))
        assert rendition.size == (640, 360)
    assert "amazonaws" not in page and endpoint not in page  # browsers only talk to the site


def test_two_pictures_with_one_name_do_not_replace_each_other(s3_media, db):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    endpoint, bucket = s3_media
    first = default_storage.save("original_images/photo.jpg", ContentFile(b"first"))
    second = default_storage.save("original_images/photo.jpg", ContentFile(b"second"))
    assert first != second
    assert _object(endpoint, bucket, f"media/{first}") == b"first"
    assert _object(endpoint, bucket, f"media/{second}") == b"second"
    assert default_storage.url(second) == f"/media/{second}"


def test_pictures_of_abandoned_forms_are_removed_from_the_bucket(client, site_tree, s3_media):
    endpoint, bucket = s3_media
    response = send_blue_picture(client, "de")
    assert response.status_code == 302
    assert len(keys(endpoint, bucket, "pending/")) == 1
    assert retention.run().pictures == 0  # a form still being typed keeps its picture
    later = timezone.now() + dt.timedelta(days=retention.periods().form_days, hours=1)
    with time_machine.travel(later, tick=False):
        assert retention.run().pictures == 1
    assert keys(endpoint, bucket, "pending/") == []


@pytest.mark.parametrize("language", ["de", "fa"])
def test_a_cdn_media_url_joins_the_image_policy(client, site_tree, settings, language):
    settings.MEDIA_URL = "https://medien.landkreis.example/"
    policy = client.get(f"/{language}/")["Content-Security-Policy"]
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert "https://medien.landkreis.example" in img_src.split()
    settings.MEDIA_URL = "/media/"
    policy = client.get(f"/{language}/")["Content-Security-Policy"]
    assert "medien.landkreis" not in policy
