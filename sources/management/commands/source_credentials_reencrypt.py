from django.core.management.base import BaseCommand, CommandError

from sources.services.credentials import source_credentials_reencrypt


class Command(BaseCommand):
    help = (
        "Encrypt every source's stored secrets again with the first key of FIELD_ENCRYPTION_KEYS, so an old "
        "key can then be removed. Run after putting a new key first."
    )

    def handle(self, *args, **options):
        result = source_credentials_reencrypt()
        self.stdout.write(f"Re-encrypted the secrets of {result.reencrypted} source(s) with the first key.")
        if result.unreadable:
            raise CommandError(
                "No configured key opens the secrets of: "
                + ", ".join(result.unreadable)
                + ". Add the key they were saved with, or enter them again on the Sources page; "
                "keep the old key until then."
            )
