"""The demo's people: an admin, a moderator and a member of an organisation, one password."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model

from directory.models import (
    OrganisationPage,
)

DEMO_ADMIN_USERNAME = "admin"
DEFAULT_DEMO_PASSWORD = "demo-gemeinsam"  # noqa: S105 - local demo only, printed on purpose


def ensure_demo_admin(stdout: Any = None) -> tuple[str, str]:
    """A superuser for the demo; its password comes from DEMO_ADMIN_PASSWORD or the default."""
    password = os.environ.get("DEMO_ADMIN_PASSWORD", DEFAULT_DEMO_PASSWORD)
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(
        username=DEMO_ADMIN_USERNAME, defaults={"email": "admin@example.org"}
    )
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return DEMO_ADMIN_USERNAME, password


DEMO_MODERATOR = "moderatorin"
DEMO_MEMBER = "verein@example.org"
DEMO_MEMBER_ORGANISATION = "helferkreis-asyl-peissenberg"


def ensure_demo_people() -> list[tuple[str, str, str]]:
    """A moderator (admin) and a member of one organisation ("my offers"), both demo-only.

    Returns (role, login, where) for printing; the password is the demo admin's.
    """
    from django.contrib.auth.models import Group

    from directory.models import OrganisationMembership

    password = os.environ.get("DEMO_ADMIN_PASSWORD", DEFAULT_DEMO_PASSWORD)
    user_model = get_user_model()
    moderator, _created = user_model.objects.get_or_create(
        username=DEMO_MODERATOR, defaults={"email": "moderation@example.org"}
    )
    moderator.set_password(password)
    moderator.save()
    moderator.groups.add(Group.objects.get(name="Moderators"))
    people = [("moderator", DEMO_MODERATOR, "/admin/")]
    organisation = OrganisationPage.objects.filter(slug=DEMO_MEMBER_ORGANISATION).first()
    if organisation is not None:
        member, _created = user_model.objects.get_or_create(
            username=DEMO_MEMBER, defaults={"email": DEMO_MEMBER, "first_name": "Demo"}
        )
        member.set_password(password)
        member.save()
        OrganisationMembership.objects.update_or_create(
            user=member, organisation=organisation, defaults={"approved": True}
        )
        people.append(("member", DEMO_MEMBER, "/de/my/"))
    return people
