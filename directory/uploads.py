"""Checking and cleaning uploaded pictures before anything is stored.

A picture is accepted only if Pillow can decode it as JPEG, PNG or WebP
(whatever its file name says), within size and pixel limits. It is then
re-encoded from its pixels alone, so EXIF data — GPS position, camera,
date — and any other metadata are gone. Each refusal has a message that
says why, in the reader's language.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # e.g. 8000 × 5000; more is a decompression bomb or no photo
# PNG and WebP cannot be decoded at a reduced size, and their pixels cost 4 bytes each:
# a lower limit keeps one upload under about 100 MB of memory.
MAX_PIXELS_FULL_DECODE = 24_000_000
MAX_SIDE = 2400  # stored pictures are scaled down to this (phones send 4000 px and more)


@dataclass
class CleanPicture:
    """A re-encoded picture without metadata."""

    content: bytes
    extension: str
    width: int
    height: int


def decode(picture: Image.Image) -> None:
    """Load the pixels; a large JPEG at 1/2, 1/4 or 1/8 of its size, still at least MAX_SIDE.

    An 8000 × 5000 photo then needs about 30 MB instead of 120 MB (and far more
    while it is scaled down), so a few uploads at once cannot exhaust memory.
    """
    if picture.format == "JPEG":
        picture.draft(None, (MAX_SIDE, MAX_SIDE))
    picture.load()


def clean_picture(upload) -> CleanPicture:
    """Decode, check and re-encode an uploaded file; raise ValidationError saying why not."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            _("The picture is too large (at most %(mb)d MB)."),
            code="too_large",
            params={"mb": MAX_BYTES // (1024 * 1024)},
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The picture is too large (at most %(mb)d MB)."),
            code="too_large",
            params={"mb": MAX_BYTES // (1024 * 1024)},
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            if picture.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Please upload a photo as JPEG, PNG or WebP."), code="format"
                )
            limit = MAX_PIXELS if picture.format == "JPEG" else MAX_PIXELS_FULL_DECODE
            if picture.width * picture.height > limit:
                raise ValidationError(
                    _("The picture has too many pixels. Please upload a smaller photo."),
                    code="too_many_pixels",
                )
            decode(picture)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _("The picture has too many pixels. Please upload a smaller photo."),
            code="too_many_pixels",
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("This file is not a picture we can read. Please upload a JPEG, PNG or WebP photo."),
            code="not_an_image",
        ) from error

    source_format = picture.format
    # Turn the pixels upright as the camera meant, before the orientation tag is dropped.
    picture = ImageOps.exif_transpose(picture)
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    mode = "RGBA" if has_alpha and source_format != "JPEG" else "RGB"
    # A fresh image gets the pixels and nothing else: no EXIF, XMP, ICC or text chunks.
    clean = Image.new(mode, picture.size)
    clean.paste(picture.convert(mode))
    out = io.BytesIO()
    save_options = {"JPEG": {"quality": 85, "optimize": True}, "PNG": {"optimize": True}}
    clean.save(out, format=source_format, **save_options.get(source_format, {"quality": 85}))
    return CleanPicture(out.getvalue(), ALLOWED_FORMATS[source_format], *clean.size)
