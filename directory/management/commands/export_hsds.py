"""Write the public directory as an Open Referral HSDS 3.0 data package (ZIP).

``manage.py export_hsds OUT.zip [--language fa] [--base-url https://…]``: the same
package as ``/hsds/package.zip``, e.g. for a nightly copy on a static file server.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directory.hsds.package import build_package
from directory.i18n import SOURCE_LANGUAGE, site_languages


class Command(BaseCommand):
    help = "Write public, current offers and organisations as an HSDS 3.0 tabular data package."

    def add_arguments(self, parser):
        parser.add_argument("out", help="Where to write the ZIP file.")
        parser.add_argument(
            "--language",
            default=SOURCE_LANGUAGE,
            choices=site_languages(),
            help="Language of the texts in the tables (translations.csv has all of them).",
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="Scheme and host for the page links (default: the SITE_URL setting).",
        )

    def handle(self, *args, **options):
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"No such folder: {out.parent}")
        content = build_package(options["language"], options["base_url"] or settings.SITE_URL)
        # Written next to the target first, so a reader never sees half a file.
        partial = out.with_name(out.name + ".partial")
        partial.write_bytes(content)
        partial.replace(out)
        self.stdout.write(f"{out}: {len(content)} bytes")
