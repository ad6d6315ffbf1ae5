"""Signed, expiring links in e-mails: confirm a submission, say "still current", edit.

A link carries the offer's id, its purpose and the address it was sent to,
signed with the secret key; it cannot be forged, reused for another purpose
or passed to someone else's offer, and it expires. The view that opens it
also checks that the address may still act for the offer (``recipient``):
a member whose membership was revoked loses their links at once.
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


def make_token(purpose: str, offer_id: int, recipient: str) -> str:
    """A token for ``purpose`` on one offer, for the person at ``recipient``."""
    return signing.dumps({"p": purpose, "o": offer_id, "r": recipient.strip().lower()}, salt=SALT)


def read_token(token: str, purpose: str) -> tuple[int, str]:
    """The offer id and recipient in a token made for ``purpose``.

    Raises LinkExpired or LinkInvalid.
    """
    try:
        data = signing.loads(token, salt=SALT, max_age=LIFETIMES[purpose])
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    if (
        not isinstance(data, dict)
        or data.get("p") != purpose
        or not isinstance(data.get("o"), int)
        or not isinstance(data.get("r"), str)
        or not data["r"]
    ):
        raise LinkInvalid
    return data["o"], data["r"]


def link_path(purpose: str, offer_id: int, language: str, recipient: str) -> str:
    """The site path of a signed link for ``recipient``, in ``language``."""
    with translation.override(language):
        token = make_token(purpose, offer_id, recipient)
        return reverse(VIEWS[purpose], kwargs={"token": token})
