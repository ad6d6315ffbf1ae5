"""Pictures typed into the public form wait here, outside the public media, until it is sent.

A picture is cleaned at once (``uploads.clean_picture``) and kept under a random
token; only sending the form turns it into a Wagtail image. ``manage.py clean_up``
removes the pictures of forms that were never sent.
"""

from __future__ import annotations

import io
import re
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage
from wagtail.models import Collection

from .uploads import CleanPicture

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def pending_storage() -> Storage:
    """Where waiting pictures live: a local folder, or a private prefix of the media bucket.

    A storage rather than a folder, so that with several web servers the picture sent to
    one of them is found by the one that receives the rest of the form.
    """
    return storages["pending"]


def keep_pending_picture(picture: CleanPicture) -> str:
    """Store a cleaned picture outside the public media; returns its token."""
    token = f"{secrets.token_urlsafe(24)}.{picture.extension}"
    saved = pending_storage().save(token, ContentFile(picture.content))
    if saved != token:  # a storage never renames a fresh random name; if it did, say so
        raise RuntimeError(f"pending picture stored as {saved!r}, not {token!r}")
    return token


def pending_picture(token: str | None) -> str | None:
    """The storage name of a pending picture, if the token is well-formed and it exists."""
    if not token:
        return None
    stem, _dot, extension = token.partition(".")
    if not _TOKEN.match(stem) or extension not in {"jpg", "png", "webp"}:
        return None
    return token if pending_storage().exists(token) else None


def read_pending_picture(token: str | None) -> bytes | None:
    """The bytes of a pending picture, or None when there is none under this token."""
    name = pending_picture(token)
    if name is None:
        return None
    with pending_storage().open(name, "rb") as handle:
        return handle.read()


def discard_pending_picture(token: str | None) -> None:
    name = pending_picture(token)
    if name is not None:
        pending_storage().delete(name)


def image_from_pending(token: str, alt: str) -> AbstractImage | None:
    """Turn a pending picture into a Wagtail image.

    Its consent flag is set: the form let it through only if no one can be recognised
    or the people shown agreed.
    """
    content = read_pending_picture(token)
    if content is None:
        return None
    stem, _dot, extension = token.partition(".")
    image = get_image_model()(
        title=alt[:255] or str(_("Picture of an offer")),
        collection=Collection.get_first_root_node(),
        people_consent=True,
    )
    image.file.save(f"offer-{stem[:12]}.{extension}", ContentFile(content), save=False)
    with PILImage.open(io.BytesIO(content)) as decoded:
        image.width, image.height = decoded.size
    image.file_size = len(content)
    image.save()
    pending_storage().delete(token)
    return image
