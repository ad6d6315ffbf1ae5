"""Keeping the directory current: ask owners whether offers still run, retire the silent ones.

An offer not confirmed for ``OFFER_CONFIRM_AFTER_MONTHS`` gets a reminder with a
one-click "still current" link and an edit link. If nobody confirms within
``OFFER_CONFIRM_GRACE_DAYS`` of that reminder, the offer is unpublished (never
deleted) and a report puts it in the moderators' queue.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from . import emails, links
from .constants.reports import ReportReason
from .i18n import text_in
from .models import OfferPage, OfferReminder, ProblemReport

logger = logging.getLogger("gemeinsam.reminders")


@dataclass
class ReminderRun:
    """What one run did."""

    reminded: int = 0
    unreachable: int = 0
    retired: int = 0


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (clamped to the month's end)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for candidate in range(day.day, 27, -1):
        try:
            return dt.date(year, month + 1, candidate)
        except ValueError:
            continue
    return dt.date(year, month + 1, min(day.day, 28))


def run(months: int, grace_days: int, now: dt.datetime | None = None) -> ReminderRun:
    """Send due reminders and retire offers whose grace period has passed."""
    from .moderation import recipients

    now = now or timezone.now()
    today = timezone.localdate(now)
    stale = OfferPage.objects.live().filter(last_confirmed__lt=months_before(today, months))
    result = ReminderRun()
    for offer in stale.order_by("pk"):
        cycle_start = timezone.make_aware(dt.datetime.combine(offer.last_confirmed, dt.time.min))
        last = offer.reminders.filter(sent_at__gte=cycle_start).order_by("-sent_at").first()
        if last is None:
            sent_to = _remind(offer, recipients(offer))
            OfferReminder.objects.create(offer=offer, sent_at=now, recipients=", ".join(sent_to))
            if sent_to:
                result.reminded += 1
            else:
                result.unreachable += 1
        elif last.sent_at <= now - dt.timedelta(days=grace_days):
            retire(offer)
            result.retired += 1
    return result


def _remind(offer: OfferPage, to: list[tuple[str, str]]) -> list[str]:
    sent = []
    for address, language in to:
        context = {
            "title": text_in(offer, "title", language).value,
            "last_confirmed": offer.last_confirmed,
            "current_url": emails.absolute_url(
                links.link_path("current", offer.pk, language, address)
            ),
            "edit_url": emails.absolute_url(links.link_path("edit", offer.pk, language, address)),
        }
        # A reminder nobody received does not count: the offer must not go offline for it.
        if emails.send("reminder", address, language, context, offer=offer):
            sent.append(address)
    return sent


@transaction.atomic
def retire(offer: OfferPage) -> None:
    """Unpublish an unconfirmed offer and tell the moderators; the page and its history stay."""
    offer.unpublish(log_action=True)
    log(
        instance=offer,
        action="directory.retired",
        data={"last_confirmed": str(offer.last_confirmed)},
    )
    ProblemReport.objects.create(offer=offer, reason=ReportReason.UNCONFIRMED)


@transaction.atomic
def confirm_current(offer: OfferPage, user=None) -> None:
    """Someone responsible says the offer still runs as described: today is its new date.

    The live row and the latest revision both get the date, so a later
    publication of that revision does not bring the old date back. An offer
    retired for silence goes back to the moderators to be published again.
    """
    from .moderation import in_review, submit_for_review

    today = timezone.localdate()
    OfferPage.objects.filter(pk=offer.pk).update(last_confirmed=today)
    revision = offer.get_latest_revision()
    if revision is not None:
        revision.content["last_confirmed"] = today.isoformat()
        revision.save(update_fields=["content"])
    log(instance=offer, action="directory.confirmed_current", user=user)
    offer.refresh_from_db()
    if not offer.live and offer.first_published_at and in_review(offer) is None:
        submit_for_review(offer, user)
