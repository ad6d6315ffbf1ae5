"""Uploaded pictures: decoded for real, limited, re-encoded without metadata."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from directory.uploads import MAX_PIXELS_FULL_DECODE, MAX_SIDE, clean_picture, decode
from tests.factories import GPS_IFD, jpeg_with_gps


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English here; their translations at the end."""
    with translation.override("en"):
        yield


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_gps_exif_is_stripped_from_a_real_jpeg():
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS_IFD)  # the test file really has a position
    cleaned = clean_picture(upload("photo.jpg", original))
    assert cleaned.extension == "jpg" and (cleaned.width, cleaned.height) == (640, 480)
    with Image.open(io.BytesIO(cleaned.content)) as after:
        assert after.format == "JPEG"
        assert not after.getexif()
        assert "exif" not in after.info


def test_png_renamed_jpg_is_taken_for_what_it_is():
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 255, 128)).save(out, format="PNG")
    cleaned = clean_picture(upload("holiday.jpg", out.getvalue()))
    assert cleaned.extension == "png"
    with Image.open(io.BytesIO(cleaned.content)) as after:
        assert after.format == "PNG" and after.mode == "RGBA"


def test_big_photos_are_scaled_down():
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), "white").save(out, format="WEBP")
    cleaned = clean_picture(upload("big.webp", out.getvalue()))
    assert max(cleaned.width, cleaned.height) == MAX_SIDE


def test_decompression_bomb_is_refused():
    # A tiny PNG that claims 30000 × 30000 pixels.
    out = io.BytesIO()
    Image.new("1", (30000, 30000)).save(out, format="PNG", optimize=True)
    assert len(out.getvalue()) < 1024 * 1024
    with pytest.raises(ValidationError) as caught:
        clean_picture(upload("bomb.png", out.getvalue()))
    assert caught.value.code == "too_many_pixels"
    assert "too many pixels" in caught.value.messages[0]


@pytest.mark.parametrize(
    "name, content",
    [
        ("letter.jpg", b"%PDF-1.4 this is a PDF, not a picture"),
        ("empty.png", b""),
        ("truncated.jpg", jpeg_with_gps()[:200]),
    ],
)
def test_non_images_get_a_clear_error(name, content):
    with pytest.raises(ValidationError) as caught:
        clean_picture(upload(name, content))
    assert caught.value.code == "not_an_image"
    assert "JPEG, PNG or WebP" in caught.value.messages[0]


def test_other_image_formats_are_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(ValidationError) as caught:
        clean_picture(upload("anim.gif", out.getvalue()))
    assert caught.value.code == "format"


def test_too_many_bytes_is_refused_before_decoding():
    with pytest.raises(ValidationError) as caught:
        clean_picture(upload("huge.jpg", b"\xff" * (8 * 1024 * 1024 + 1)))
    assert caught.value.code == "too_large"


@pytest.mark.parametrize(
    "language, expected",
    [("de", "kein Bild"), ("ar", "ليس صورة"), ("uk", "не є зображенням")],
)
def test_refusals_are_translated(language, expected):
    with translation.override(language), pytest.raises(ValidationError) as caught:
        clean_picture(upload("letter.jpg", b"not a picture"))
    with translation.override(language):
        assert expected in caught.value.messages[0]


def test_a_large_jpeg_is_decoded_at_reduced_size():
    """8000 × 5000 pixels decoded whole cost about 120 MB; at half size a quarter of that."""
    out = io.BytesIO()
    Image.new("RGB", (8000, 5000), (10, 90, 160)).save(out, format="JPEG", quality=30)
    picture = Image.open(io.BytesIO(out.getvalue()))
    decode(picture)
    assert picture.size == (4000, 2500)
    assert min(picture.size) >= MAX_SIDE
    cleaned = clean_picture(SimpleUploadedFile("big.jpg", out.getvalue()))
    assert (cleaned.width, cleaned.height) == (MAX_SIDE, 1500)


def test_png_and_webp_have_a_lower_pixel_limit_than_jpeg():
    """They cannot be decoded at reduced size, so fewer pixels are accepted whole."""
    side = int((MAX_PIXELS_FULL_DECODE + 1_000_000) ** 0.5)
    for image_format in ("PNG", "JPEG"):
        out = io.BytesIO()
        Image.new("L", (side, side)).save(out, format=image_format)
        upload = SimpleUploadedFile("big", out.getvalue())
        if image_format == "PNG":
            with pytest.raises(ValidationError) as refused:
                clean_picture(upload)
            assert refused.value.code == "too_many_pixels"
        else:
            assert max(clean_picture(upload).width, clean_picture(upload).height) == MAX_SIDE
