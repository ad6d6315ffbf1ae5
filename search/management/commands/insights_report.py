"""``manage.py insights_report --month 2026-11``: the month's insights report, as the
admin's printable page (HTML) or as its tables (CSV), for the district's committee."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import translation

from search.insights_report import Period, build, parse_month


class Command(BaseCommand):
    help = "Write the month's insights report (HTML, as printed from the admin, or CSV)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: this month)")
        parser.add_argument("--format", choices=("html", "csv"), default="html")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, choices=dict(settings.LANGUAGES)
        )

    def handle(self, *args, month=None, format="html", output=None, language=None, **options):
        period = parse_month(month) if month else Period.current()
        if period is None:
            raise CommandError(f"--month must be a month that has begun, as YYYY-MM: {month!r}")
        with translation.override(language):
            report = build(period)
            if format == "html":
                text = render_to_string("search/admin/insights/report.html", {"report": report})
            else:
                # One file: each table under its title, a blank line between tables.
                text = "\n".join(f"{table.title}\n{table.csv()}" for table in report.tables())
        if output:
            with open(output, "w", encoding="utf-8", newline="") as file:
                file.write(text)
            self.stdout.write(f"{period.key}: {output}")
        else:
            sys.stdout.write(text)
