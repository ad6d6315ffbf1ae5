"""Ask owners whether their offers are still current; take offline those nobody confirms.

Run daily by cron, e.g. ``15 6 * * * manage.py remind_owners``.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from directory import reminders


class Command(BaseCommand):
    help = (
        "E-mail owners of unconfirmed offers; unpublish offers unconfirmed after the grace period."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=settings.OFFER_CONFIRM_AFTER_MONTHS,
            help="Remind when an offer was not confirmed for this many months.",
        )
        parser.add_argument(
            "--grace-days",
            type=int,
            default=settings.OFFER_CONFIRM_GRACE_DAYS,
            help="Take an offer offline this many days after its reminder.",
        )

    def handle(self, *args, months: int, grace_days: int, **options):
        run = reminders.run(months=months, grace_days=grace_days)
        self.stdout.write(
            f"reminded: {run.reminded}, nobody to remind: {run.unreachable}, "
            f"taken offline: {run.retired}"
        )
