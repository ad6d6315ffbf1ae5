"""Admin customisation of the site shell: avatars as initials."""

from __future__ import annotations

import hashlib
from urllib.parse import quote
from xml.sax.saxutils import escape

from wagtail import hooks

# Background colours for initials: dark enough for white text (contrast ≥ 4.5:1).
AVATAR_COLOURS = ("#2e5e8c", "#7a3e9d", "#1f6f50", "#9c3d2e", "#5a5a1e", "#3d4f9c", "#8a2f5c")


def initials(user) -> str:
    """One or two letters for a person: first and last name, else the account name."""
    first, last = getattr(user, "first_name", ""), getattr(user, "last_name", "")
    names = [first, last] if (first or last) else []
    if not names:
        names = (user.get_username() or "?").split("@")[0].replace(".", " ").split()[:2]
    letters = "".join(name.strip()[:1] for name in names if name.strip())
    return (letters or "?").upper()


def initials_avatar(user) -> str:
    """A data: URL of an SVG circle with the person's initials, the same colour every time.

    A data: URL cannot fail to load and asks no other site (the admin's security policy
    allows data: images; Gravatar stays off for privacy)."""
    digest = hashlib.sha256(str(user.pk).encode()).digest()
    colour = AVATAR_COLOURS[digest[0] % len(AVATAR_COLOURS)]
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<circle cx="50" cy="50" r="50" fill="{colour}"/>'
        '<text x="50" y="50" dy=".35em" text-anchor="middle" fill="#fff" '
        'font-family="sans-serif" font-size="42" font-weight="bold">'
        f"{escape(initials(user))}</text></svg>"
    )
    return "data:image/svg+xml;charset=utf-8," + quote(svg)


@hooks.register("get_avatar_url")
def avatar_or_initials(user, size: int) -> str | None:
    """An uploaded avatar whose file exists stays (None lets Wagtail show it); everyone
    else — no upload, or a file that is gone, which showed as a broken image — gets
    initials instead of Wagtail's grey silhouette."""
    if user is None or not getattr(user, "pk", None):
        return None
    profile = getattr(user, "wagtail_userprofile", None)
    avatar = profile.avatar if profile is not None else None
    if avatar and avatar.storage.exists(avatar.name):
        return None
    return initials_avatar(user)
