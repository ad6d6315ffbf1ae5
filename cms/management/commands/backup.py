"""``manage.py backup DIR``: the database, the media files and a manifest (see ``cms.backup``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the media files into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        try:
            summary = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {summary.database}: {summary.offers} offers, "
                f"{summary.media_files} media files, into {folder}"
            )
        )
