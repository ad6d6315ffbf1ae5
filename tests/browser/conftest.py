"""Browser tests: Debian's Chromium driven by Playwright at a phone's size, against a live server.

The browser is never downloaded: Playwright starts ``/usr/bin/chromium``
(the test command installs Debian's package). Without it the tests skip on a
laptop and fail in CI. Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import make_offer, make_organisation, make_site_tree, restore_after_flush

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
AXE = Path(settings.BASE_DIR) / "scripts" / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


def _required(what: str) -> None:
    if os.environ.get("CI") == "true" or os.environ.get("GEMEINSAM_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is missing: the test command installs it")
    pytest.skip(f"{what} is missing (scripts/test installs it)")


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not (Path(path).is_file() or shutil.which(path)):
        _required("Chromium (Debian package chromium)")
    return path


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _required("Playwright for Python")
    executable = chromium_path()
    # Playwright's sync API keeps an event loop in this thread; the ORM calls that
    # build test data run in between, never concurrently with it. Only while the
    # browser runs: a leaked variable would fail `check --deploy` in other tests.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class Phone:
    """A browser tab at phone size that records console errors and requests."""

    def __init__(self, browser, base_url: str, **context_options):
        self.base_url = base_url
        self.context = browser.new_context(viewport=PHONE, **context_options)
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))

    def go(self, path: str):
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def horizontal_overflow(self) -> int:
        """How many CSS pixels the page is wider than the screen (0 means no sideways scrolling)."""
        return self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )

    def overflowing(self) -> list[str]:
        """The elements that stick out of the screen sideways (for failure messages)."""
        return self.page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => !e.classList.contains('skip-link'))
                .filter(e => { const r = e.getBoundingClientRect();
                               return r.right > innerWidth + 1 || r.left < -1; })
                .map(e => e.tagName + '.' + e.className + ': ' + (e.innerText || '').slice(0, 40))
                .slice(0, 5)"""
        )

    def axe_violations(self) -> list[dict]:
        """axe-core's WCAG 2.x A/AA violations on the current page."""
        if not AXE.is_file():
            _required("axe-core (npm, scripts/frontend)")
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy
        # does not govern; add_script_tag would write an inline script, which it blocks.
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            """() => axe.run(document, {runOnly: {type: 'tag', values:
                ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
        )
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]


@pytest.fixture
def phone(browser, live_server):
    tab = Phone(browser, live_server.url)
    yield tab
    tab.context.close()


@pytest.fixture
def district(transactional_db):
    """A small district: offers in two towns, some translated into Arabic.

    The live server needs committed data, so these tests run in transactions
    that end with a flush; what migrations made and the tests need (the tree's
    root, the default locale, the taxonomy) is put back first.
    """
    restore_after_flush()
    tree = make_site_tree()
    verein = make_organisation(tree, "Helferkreis Asyl Weilheim", email="helferkreis@example.org")
    soon = dt.date.today() + dt.timedelta(days=3)
    offers = [
        make_offer(
            tree,
            "Sprachcafé im Mehrgenerationenhaus",
            organisation=verein,
            title_ar="مقهى اللغة",
            summary_ar="نتحدث الألمانية مع القهوة والكعك.",
            languages=("de", "ar"),
            contact_phone="0881 555-0123",
            contact_email="sprachcafe@example.org",
            slug="sprachcafe",
        ),
        make_offer(
            tree,
            "Fußball für alle",
            categories=("sport",),
            languages=("de", "en"),
            organisation=verein,
            slug="fussball",
            slots=((3, "18:00", "19:30"),),
            places=(
                {
                    "name": "Sportplatz",
                    "postcode": "86956",
                    "town": "Schongau",
                    "latitude": 47.8115,
                    "longitude": 10.8964,
                },
            ),
        ),
        make_offer(
            tree,
            "Migrationsberatung",
            kind="counselling",
            categories=("counselling-help",),
            languages=("de", "ar", "uk"),
            organisation=verein,
            slug="beratung",
            dates=(soon,),
            slots=(),
        ),
    ]
    with translation.override("de"):
        from search.indexing import index_offer

        for offer in offers:
            index_offer(offer.pk)
    return tree, offers


def make_moderator(django_user_model, username: str, password: str, **names: str):
    """A member of the Moderators group with what Wagtail's migrations give the group.

    The flush after an earlier live-server test removed those permissions (post_migrate
    only brings back the group itself).
    """
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission, Page

    from directory.moderation import review_workflow

    review_workflow()
    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", password, **names
    )
    moderators = Group.objects.get(name="Moderators")
    user.groups.add(moderators)
    moderators.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=moderators,
            page=Page.get_first_root_node(),
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    return user


def admin_login(tab, username: str, password: str) -> None:
    """Log in to the Wagtail admin in ``tab`` at desktop size."""
    page = tab.page
    page.set_viewport_size(DESKTOP)
    tab.go("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/admin/login/" not in page.url, page.locator("main").inner_text()
