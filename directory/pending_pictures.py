"""Pictures typed into the public form wait here, outside the public media folder, until it is sent.

A picture is cleaned at once (``uploads.clean_picture``) and kept under a random
token; only sending the form turns it into a Wagtail image. ``manage.py clean_up``
removes the pictures of forms that were never sent.
"""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage
from wagtail.models import Collection

from .uploads import CleanPicture

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _pending_dir() -> Path:
    folder = Path(settings.SUBMISSION_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep_pending_picture(picture: CleanPicture) -> str:
    """Store a cleaned picture outside the public media folder; returns its token."""
    token = secrets.token_urlsafe(24)
    (_pending_dir() / f"{token}.{picture.extension}").write_bytes(picture.content)
    return f"{token}.{picture.extension}"


def pending_picture(token: str | None) -> Path | None:
    """The file of a pending picture, if the token is well-formed and the file exists."""
    if not token:
        return None
    stem, _dot, extension = token.partition(".")
    if not _TOKEN.match(stem) or extension not in {"jpg", "png", "webp"}:
        return None
    path = _pending_dir() / token
    return path if path.is_file() else None


def discard_pending_picture(token: str | None) -> None:
    path = pending_picture(token)
    if path is not None:
        path.unlink(missing_ok=True)


def image_from_pending(token: str, alt: str) -> AbstractImage | None:
    """Turn a pending picture into a Wagtail image.

    Its consent flag is set: the form let it through only if no one can be recognised
    or the people shown agreed.
    """
    path = pending_picture(token)
    if path is None:
        return None
    image = get_image_model()(
        title=alt[:255] or str(_("Picture of an offer")),
        collection=Collection.get_first_root_node(),
        people_consent=True,
    )
    content = path.read_bytes()
    image.file.save(f"offer-{path.stem[:12]}{path.suffix}", ContentFile(content), save=False)
    with PILImage.open(io.BytesIO(content)) as decoded:
        image.width, image.height = decoded.size
    image.file_size = len(content)
    image.save()
    path.unlink(missing_ok=True)
    return image
