"""Delete what the privacy page promises not to keep: stale sessions, pictures, submissions.

Run daily by cron, e.g. ``30 3 * * * manage.py clean_up``.
"""

from django.core.management.base import BaseCommand

from directory import retention


class Command(BaseCommand):
    help = (
        "Delete expired sessions, pictures of abandoned forms, unconfirmed submissions, "
        "old rate-limit counters and the rows of old imports."
    )

    def handle(self, *args, **options):
        run = retention.run()
        self.stdout.write(
            f"sessions: {run.sessions}, pictures: {run.pictures}, "
            f"unconfirmed submissions: {run.submissions} (organisations: {run.organisations}), "
            f"rate counters: {run.counters}, resolved failed e-mails: {run.mails}, "
            f"imported files: {run.import_files}"
        )
