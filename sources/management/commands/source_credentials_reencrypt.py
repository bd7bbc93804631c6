from django.core.management.base import BaseCommand, CommandError

from sources.services.credentials import encrypted_fields_reencrypt


class Command(BaseCommand):
    help = (
        "Encrypt every stored secret again with the first key of FIELD_ENCRYPTION_KEYS (source credentials, "
        "webhook signing secrets), so an old key can then be removed. Run after putting a new key first."
    )

    def handle(self, *args, **options):
        result = encrypted_fields_reencrypt()
        counts = ", ".join(f"{count} {label}" for label, count in result.reencrypted.items())
        self.stdout.write(f"Re-encrypted with the first key: {counts}.")
        if result.unreadable:
            raise CommandError(
                "No configured key opens the secrets of: "
                + ", ".join(result.unreadable)
                + ". Add the key they were saved with, or enter them again (a source's page, or a webhook "
                "endpoint's Rotate secret); keep the old key until then."
            )
