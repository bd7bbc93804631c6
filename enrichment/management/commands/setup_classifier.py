from django.core.management.base import BaseCommand

from enrichment.classifier.training import ensure_active_model


class Command(BaseCommand):
    help = "Make sure a classifier version is active; trains the default model from the bundled data if not."

    def handle(self, *args, **options):
        version = ensure_active_model()
        self.stdout.write(f"Classifier version {version} is active.")
