"""Who may open what: one table of roles × URLs, and one test that requests every cell."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.base_user import AbstractBaseUser

from directory.hsds.ids import uid
from tests.directory.conftest import make_member, moderator  # noqa: F401 (a fixture)
from tests.factories import SiteTree, make_offer

ROLES = ("anonymous", "member", "other_member", "moderator", "admin")

# What each cell means. A redirect names where it leads; ``next`` carries the URL asked for.
OK = 200
NF = 404  # not found
LI = "login"  # 302 to the public login page (members' pages)
AL = "admin login"  # 302 to Wagtail's login: no admin access at all
AH = "admin home"  # 302 to the Wagtail dashboard: admin access, but not to this area
DL = "django-admin login"  # 302 to the Django admin's login: not staff

REDIRECTS = {
    LI: "/de/account/login/?next={url}",
    AL: "/admin/login/?next={url}",
    AH: "/admin/",
    DL: "/django-admin/login/?next={url}",
}

# {offer}/{offer_id}: a live offer of organisation A; {draft}/{draft_id}: a never published one.
# fmt: off
ACCESS_TABLE: list[tuple[str, int | str, int | str, int | str, int | str, int | str]] = [
    # URL                                                   anon  member other mod   admin
    ("/de/",                                                OK,   OK,   OK,   OK,   OK),
    ("/ar/angebote/",                                       OK,   OK,   OK,   OK,   OK),
    ("/de/angebote/{offer}/",                               OK,   OK,   OK,   OK,   OK),
    # Drafts are never public, not even to the organisation's members or to admins.
    ("/de/angebote/{draft}/",                               NF,   NF,   NF,   NF,   NF),
    # Nor are their other public forms: the calendar file and the printable flyer.
    ("/de/offer/{offer_id}/calendar.ics",                   OK,   OK,   OK,   OK,   OK),
    ("/de/offer/{draft_id}/calendar.ics",                   NF,   NF,   NF,   NF,   NF),
    ("/de/offer/{offer_id}/flyer/",                         OK,   OK,   OK,   OK,   OK),
    ("/de/offer/{draft_id}/flyer/",                         NF,   NF,   NF,   NF,   NF),
    ("/api/v1/offers/",                                     OK,   OK,   OK,   OK,   OK),
    # Open data (HSDS): public offers only, for everybody alike.
    ("/hsds/services/{offer_uid}",                          OK,   OK,   OK,   OK,   OK),
    ("/hsds/services/{draft_uid}",                          NF,   NF,   NF,   NF,   NF),
    ("/hsds/package.zip",                                   OK,   OK,   OK,   OK,   OK),
    ("/sitemap.xml",                                        OK,   OK,   OK,   OK,   OK),
    ("/de/submit/what/",                                    OK,   OK,   OK,   OK,   OK),
    ("/de/my/",                                             LI,   OK,   OK,   OK,   OK),
    # Only members of the offer's organisation; staff edit offers in the Wagtail admin.
    ("/de/my/offers/{offer_id}/edit/",                      LI,   OK,   NF,   NF,   NF),
    ("/de/my/offers/{offer_id}/edit/when/",                 LI,   OK,   NF,   NF,   NF),
    ("/de/my/offers/{offer_id}/edit/picture/",              LI,   OK,   NF,   NF,   NF),
    # A picture waits in the session that uploaded it; with none waiting there is none.
    ("/de/my/offers/{offer_id}/edit/picture/thumbnail/",    LI,   NF,   NF,   NF,   NF),
    ("/de/my/offers/{offer_id}/edit/nonsense/",             LI,   NF,   NF,   NF,   NF),
    ("/de/submit/picture/thumbnail/",                       NF,   NF,   NF,   NF,   NF),
    ("/admin/",                                             AL,   AL,   AL,   OK,   OK),
    ("/admin/pages/{offer_id}/edit/",                       AL,   AL,   AL,   OK,   OK),
    ("/admin/snippets/directory/problemreport/",            AL,   AL,   AL,   OK,   OK),
    ("/admin/snippets/directory/organisationmembership/",   AL,   AL,   AL,   OK,   OK),
    ("/admin/snippets/directory/failednotification/",       AL,   AL,   AL,   OK,   OK),
    # Accounts are the superuser's: Wagtail sends a moderator back to the dashboard.
    ("/admin/users/",                                       AL,   AL,   AL,   AH,   OK),
    # The import is the moderators' (and the superuser's).
    ("/admin/import/",                                      AL,   AL,   AL,   OK,   OK),
    ("/admin/import/template.xlsx",                         AL,   AL,   AL,   OK,   OK),
    # The insights (issue 17) too, with the search words a gap becomes.
    ("/admin/insights/",                                    AL,   AL,   AL,   OK,   OK),
    ("/admin/insights/report/",                             AL,   AL,   AL,   OK,   OK),
    ("/admin/insights/coverage.csv",                        AL,   AL,   AL,   OK,   OK),
    ("/admin/snippets/offer_search/thesaurusterm/add/",     AL,   AL,   AL,   OK,   OK),
    # The Django admin is for superusers only: moderators are not staff.
    ("/django-admin/",                                      DL,   DL,   DL,   DL,   OK),
]
# fmt: on

CASES = [
    pytest.param(role, url, expected, id=f"{role}:{url}")
    for url, *answers in ACCESS_TABLE
    for role, expected in zip(ROLES, answers, strict=True)
]


@dataclass
class Cast:
    """The people of the table, and the offers whose addresses it uses."""

    users: dict[str, AbstractBaseUser | None]
    offer_slug: str
    offer_id: int
    draft_slug: str
    draft_id: int

    def url(self, template: str) -> str:
        """The table's URL with this cast's offers filled in."""
        return template.format(
            offer=self.offer_slug,
            offer_id=self.offer_id,
            draft=self.draft_slug,
            draft_id=self.draft_id,
            offer_uid=uid("offer", self.offer_id),
            draft_uid=uid("offer", self.draft_id),
        )


@pytest.fixture
def cast(site_tree: SiteTree, moderator, django_user_model) -> Cast:  # noqa: F811
    """Members of organisations A and B, a moderator, a superuser; a live and a draft offer of A."""
    member, organisation_a = make_member(django_user_model, site_tree, "Verein A")
    other_member, _organisation_b = make_member(django_user_model, site_tree, "Verein B")
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "pw-admin-1")
    offer_a = make_offer(site_tree, "Sprachcafé A", organisation=organisation_a)
    draft = make_offer(site_tree, "Nähtreff A", organisation=organisation_a, publish=False)
    return Cast(
        users={
            "anonymous": None,
            "member": member,
            "other_member": other_member,
            "moderator": moderator,
            "admin": admin,
        },
        offer_slug=offer_a.slug,
        offer_id=offer_a.pk,
        draft_slug=draft.slug,
        draft_id=draft.pk,
    )


@pytest.mark.parametrize(("role", "url_template", "expected"), CASES)
def test_access(client, cast: Cast, role: str, url_template: str, expected: int | str) -> None:
    """Each role gets the answer the table gives for each URL."""
    user = cast.users[role]
    if user is not None:
        client.force_login(user)
    url = cast.url(url_template)

    response = client.get(url)

    if isinstance(expected, int):
        assert response.status_code == expected, response.get("Location")
    else:
        assert response.status_code == 302
        assert response["Location"] == REDIRECTS[expected].format(url=url)
