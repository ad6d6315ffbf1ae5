"""``manage.py load_demo``: build or refresh the demo district (idempotent)."""

from django.core.management.base import BaseCommand

from cms.demo import load_demo
from cms.demo_people import ensure_demo_admin, ensure_demo_people


class Command(BaseCommand):
    help = "Create or update the demo district Landkreis Weilheim-Schongau."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-admin", action="store_true", help="Do not create the demo admin account."
        )

    def handle(self, *args, **options):
        summary = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo district loaded: {summary.organisations} organisations, "
                f"{summary.offers} offers in {len(summary.towns)} towns, "
                f"{summary.translated_offers} offers translated, {summary.images} pictures."
            )
        )
        if not options["no_admin"]:
            username, password = ensure_demo_admin()
            self.stdout.write(
                f"Admin login: http://127.0.0.1:8000/admin/  user {username}  password {password}"
            )
            for role, login, where in ensure_demo_people():
                self.stdout.write(
                    f"Demo {role}: http://127.0.0.1:8000{where}  user {login}  password {password}"
                )
