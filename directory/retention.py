"""How long the directory keeps what people leave behind, and the clean-up that enforces it.

One place for the periods, so the clean-up command and the privacy page
(``includes/retention.html``) can never disagree:

- a form in progress (the session and a picture waiting in it): as long as
  the session lives (``SESSION_COOKIE_AGE``);
- a submission whose e-mail address was never confirmed: deleted, with the
  address, ``RETENTION_UNCONFIRMED_DAYS`` after it was sent;
- rate-limit counters (a keyed hash, never the address): until their window ends;
- failed e-mails a moderator marked resolved: ``RETENTION_RESOLVED_MAIL_DAYS``;
- the rows of a file moderators imported (names, phones, e-mail addresses of contact
  persons): ``RETENTION_IMPORT_FILE_DAYS`` after the upload. The offers made from it stay,
  and so does the record of which file and row each came from.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail import hooks

from . import ratelimit
from .models import FailedNotification, ImportBatch, OfferOwner, OfferPage
from .pending_pictures import pending_storage

logger = logging.getLogger("gemeinsam.retention")


@dataclass(frozen=True)
class Periods:
    """The retention periods in days, as the privacy page states them."""

    form_days: int
    unconfirmed_days: int
    resolved_mail_days: int
    import_file_days: int


def periods() -> Periods:
    """The periods in force (from settings)."""
    return Periods(
        form_days=max(1, settings.SESSION_COOKIE_AGE // 86400),
        unconfirmed_days=settings.RETENTION_UNCONFIRMED_DAYS,
        resolved_mail_days=settings.RETENTION_RESOLVED_MAIL_DAYS,
        import_file_days=settings.RETENTION_IMPORT_FILE_DAYS,
    )


@dataclass
class CleanUp:
    """What one run removed."""

    sessions: int = 0
    pictures: int = 0
    submissions: int = 0
    organisations: int = 0
    counters: int = 0
    mails: int = 0
    import_files: int = 0


def clear_expired_sessions() -> int:
    """Delete expired sessions through the session engine; returns how many (if it can count)."""
    engine = import_module(settings.SESSION_ENGINE)
    model = getattr(engine.SessionStore, "get_model_class", None)
    before = model().objects.count() if model else 0
    engine.SessionStore.clear_expired()
    return before - model().objects.count() if model else 0


def remove_pending_pictures(older_than: dt.timedelta) -> int:
    """Delete pictures of forms that were never sent (older than any live session)."""
    storage = pending_storage()
    try:
        _folders, names = storage.listdir("")
    except FileNotFoundError:  # nothing was ever uploaded on this server
        return 0
    cutoff = timezone.now() - older_than
    removed = 0
    for name in names:
        if storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            removed += 1
    return removed


def remove_unconfirmed_submissions(older_than: dt.timedelta) -> tuple[int, int]:
    """Delete never-published submissions whose address was never confirmed.

    The organisation page a submission created goes too, if it was never
    published and no other offer uses it. Returns (offers, organisations).
    """
    cutoff = timezone.now() - older_than
    stale = OfferOwner.objects.filter(
        confirmed_at__isnull=True, created_at__lt=cutoff, offer__first_published_at__isnull=True
    ).values_list("offer_id", flat=True)
    offers = organisations = 0
    for offer in OfferPage.objects.filter(pk__in=list(stale)).select_related("organisation"):
        with transaction.atomic():
            organisation = offer.organisation
            offer.delete()
            offers += 1
            if (
                organisation is not None
                and organisation.first_published_at is None
                and not OfferPage.objects.filter(organisation=organisation).exists()
            ):
                organisation.delete()
                organisations += 1
    return offers, organisations


def forget_import_files(older_than: dt.timedelta) -> int:
    """Empty the rows of imports uploaded before ``older_than`` ago; one never confirmed ends."""
    old = ImportBatch.objects.filter(created_at__lt=timezone.now() - older_than)
    old.filter(status__in=[ImportBatch.Status.MAPPING, ImportBatch.Status.CHECKED]).update(
        status=ImportBatch.Status.CANCELLED
    )
    return old.exclude(rows=[], records=[]).update(rows=[], records=[])


def run() -> CleanUp:
    """Apply every retention period once (``manage.py clean_up``, daily by cron)."""
    keep = periods()
    result = CleanUp()
    result.sessions = clear_expired_sessions()
    result.pictures = remove_pending_pictures(dt.timedelta(days=keep.form_days))
    result.submissions, result.organisations = remove_unconfirmed_submissions(
        dt.timedelta(days=keep.unconfirmed_days)
    )
    result.counters = ratelimit.purge_expired()
    result.mails, _kinds = FailedNotification.objects.filter(
        resolved=True, created_at__lt=timezone.now() - dt.timedelta(days=keep.resolved_mail_days)
    ).delete()
    result.import_files = forget_import_files(dt.timedelta(days=keep.import_file_days))
    # What the apps above keep (search's log, for one) they clean up through this hook.
    for clean_up in hooks.get_hooks("clean_up"):
        clean_up()
    logger.info("clean-up: %s", result)
    return result
