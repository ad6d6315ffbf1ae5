"""Volunteer translators: their group, the languages they may translate, and their queues.

A translator is a user in the Translators group with a ``Translator`` row that
lists their languages. They see the Wagtail admin's translation pages only — no
page permissions — and may change the translated texts of their languages,
nothing else. Moderators may translate into every language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from .i18n import SOURCE_LANGUAGE, site_languages, text_in
from .models import OfferPage, Translator
from .moderation import MODERATORS
from .translation_status import NEEDS_WORK, STATUS_LABELS, Status, statuses

TRANSLATORS = "Translators"


def install_group(sender, **kwargs) -> None:
    """post_migrate: the translators' group, allowed into the admin and nothing more;
    moderators manage who translates."""
    from django.contrib.auth.management import create_permissions

    create_permissions(sender, verbosity=0)  # our handler may run before Django's own
    group, _created = Group.objects.get_or_create(name=TRANSLATORS)
    # Made by a Wagtail migration; made again here after a flush (tests) wiped it.
    admin, _created = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access, _created = Permission.objects.get_or_create(
        content_type=admin, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    group.permissions.add(access)
    moderators = Group.objects.filter(name=MODERATORS).first()
    if moderators is not None:
        moderators.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="directory",
                codename__in=[
                    "add_translator",
                    "change_translator",
                    "view_translator",
                    "delete_translator",
                ],
            )
        )


def is_moderator(user) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.groups.filter(name=MODERATORS).exists())
    )


def translation_languages() -> list[str]:
    """Every language offers are translated into (all but the source)."""
    return [language for language in site_languages() if language != SOURCE_LANGUAGE]


def languages_of(user) -> list[str]:
    """The languages ``user`` may translate into: all for moderators, else their own."""
    if not user.is_authenticated or not user.is_active:
        return []
    if is_moderator(user):
        return translation_languages()
    profile = Translator.objects.filter(user=user).first()
    if profile is None or not user.groups.filter(name=TRANSLATORS).exists():
        return []
    return [language for language in translation_languages() if language in profile.languages]


def publishes_directly(user) -> bool:
    """Whether ``user``'s translations skip the review (moderators, trusted translators)."""
    if is_moderator(user):
        return True
    return Translator.objects.filter(user=user, trusted=True).exists()


@dataclass
class QueueEntry:
    """One offer with work in one language."""

    page: OfferPage
    counts: dict[Status, int] = field(default_factory=dict)
    waiting_since: dt.datetime | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def source_title(self) -> str:
        """The title translators work from, whatever the admin's language."""
        return text_in(self.page, "title", SOURCE_LANGUAGE).value

    @property
    def work(self) -> list[tuple[str, int]]:
        """(label, number of texts) per kind of work, most urgent first."""
        return [(STATUS_LABELS[s], self.counts[s]) for s in NEEDS_WORK if self.counts.get(s)]

    @property
    def most_urgent(self) -> Status:
        return next(status for status in NEEDS_WORK if self.counts.get(status))


def queue(language: str) -> list[QueueEntry]:
    """Live offers with texts missing, outdated or machine-translated in ``language``:
    the most urgent kind of work first (missing, outdated, automatic), oldest first."""
    return queues([language])[language]


def queues(languages: list[str]) -> dict[str, list[QueueEntry]]:
    """:func:`queue` for several languages, reading every offer's states once."""
    found: dict[str, list[QueueEntry]] = {language: [] for language in languages}
    pages = OfferPage.objects.live().prefetch_related("locations", "translation_states")
    for page in pages:
        counts: dict[str, dict[Status, int]] = {language: {} for language in languages}
        for (_key, language), status in statuses(page).items():
            if language in counts and status in NEEDS_WORK:
                counts[language][status] = counts[language].get(status, 0) + 1
        for language, by_status in counts.items():
            if by_status:
                found[language].append(_entry(page, language, by_status))
    order = {status: position for position, status in enumerate(NEEDS_WORK)}
    latest = dt.datetime.max.replace(tzinfo=dt.UTC)
    for entries in found.values():
        entries.sort(key=lambda e: (order[e.most_urgent], e.waiting_since or latest, e.page.pk))
    return found


def _entry(page: OfferPage, language: str, counts: dict[Status, int]) -> QueueEntry:
    rows = [row for row in page.translation_states.all() if row.language == language]
    entry = QueueEntry(page, counts, errors=sorted({r.error for r in rows if r.error}))
    if entry.most_urgent == Status.MACHINE:
        machine = [r.updated_at for r in rows if r.origin == "machine"]
        entry.waiting_since = min(machine) if machine else page.last_published_at
    elif entry.most_urgent == Status.OUTDATED:
        entry.waiting_since = page.last_published_at
    else:
        entry.waiting_since = page.first_published_at
    return entry
