from django.core.management.base import BaseCommand

from sources.demo.setup import DEMO_PASSWORD, DEMO_USERNAME, demo_setup


class Command(BaseCommand):
    help = "Create the demo hospitals, tracked terms, demo source and demo login (safe to repeat)."

    def handle(self, *args, **options):
        source = demo_setup()
        self.stdout.write(
            f"Demo source '{source.name}' is ready; log in as {DEMO_USERNAME} / {DEMO_PASSWORD}."
        )
