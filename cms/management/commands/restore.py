"""``manage.py restore DIR``: a backup into this empty installation, then the search index.

The backup's schema may be older than the code: ``migrate`` runs after the
restore, and the search indexes (derived data) are rebuilt from the offers.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cms.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup folder into this empty installation and rebuild the search index."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        try:
            summary = restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {summary.database}: {summary.offers} offers, "
            f"{summary.media_files} media files"
        )
        call_command("migrate", interactive=False, verbosity=0)
        call_command("search_index", "rebuild", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Restore finished; the search index is rebuilt."))
