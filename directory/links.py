"""Signed, expiring links in e-mails: confirm a submission, say "still current", edit.

A link carries the offer's id and its purpose, signed with the secret key;
it cannot be forged or reused for another purpose, and it expires.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.urls import reverse
from django.utils import translation

SALT = "gemeinsam.offer-links"
LIFETIMES = {
    "confirm": dt.timedelta(days=7),
    "current": dt.timedelta(days=60),
    "edit": dt.timedelta(days=60),
}
VIEWS = {
    "confirm": "submission-confirm",
    "current": "owner-still-current",
    "edit": "owner-edit",
}


class LinkExpired(Exception):
    """The link was genuine but is too old."""


class LinkInvalid(Exception):
    """The link was not made by us, or for something else."""


def make_token(purpose: str, offer_id: int) -> str:
    """A token for ``purpose`` on one offer."""
    return signing.dumps({"p": purpose, "o": offer_id}, salt=SALT)


def read_token(token: str, purpose: str) -> int:
    """The offer id in a token made for ``purpose``; raises LinkExpired or LinkInvalid."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LIFETIMES[purpose])
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    if not isinstance(data, dict) or data.get("p") != purpose or not isinstance(data.get("o"), int):
        raise LinkInvalid
    return data["o"]


def link_path(purpose: str, offer_id: int, language: str) -> str:
    """The site path of a signed link, in ``language``."""
    with translation.override(language):
        return reverse(VIEWS[purpose], kwargs={"token": make_token(purpose, offer_id)})
