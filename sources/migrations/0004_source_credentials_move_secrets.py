"""Moves the secret settings of existing sources out of `config` (plain JSON) into `credentials`
(encrypted with FIELD_ENCRYPTION_KEYS), and back when reversed."""

from django.db import migrations

# Frozen copy of sources.constants.SECRET_SETTINGS as it stood when this migration was written: a migration
# must not change meaning when that table does.
SECRET_SETTINGS = {
    "x": ("bearer_token", "consumer_key", "consumer_secret", "access_token", "access_token_secret"),
    "reddit": ("client_secret", "password"),
    "brave_search": ("api_key",),
    "google_reviews": ("client_secret", "refresh_token"),
    "bluesky": ("app_password",),
}


def secrets_to_credentials(apps, schema_editor):
    Source = apps.get_model("sources", "Source")
    for source in Source.objects.filter(kind__in=list(SECRET_SETTINGS)):
        keys = [key for key in SECRET_SETTINGS[source.kind] if key in source.config]
        if not keys:
            continue
        credentials = dict(source.credentials) if isinstance(source.credentials, dict) else {}
        for key in keys:
            credentials[key] = source.config.pop(key)
        source.credentials = credentials
        source.save(update_fields=["config", "credentials"])


def credentials_to_secrets(apps, schema_editor):
    Source = apps.get_model("sources", "Source")
    for source in Source.objects.exclude(credentials=""):
        if not isinstance(source.credentials, dict):
            raise RuntimeError(
                f"The credentials of source {source.name!r} cannot be decrypted with FIELD_ENCRYPTION_KEYS; "
                "add the key they were saved with before reversing this migration."
            )
        source.config = {**source.config, **source.credentials}
        source.credentials = {}
        source.save(update_fields=["config", "credentials"])


class Migration(migrations.Migration):
    dependencies = [("sources", "0003_source_credentials")]

    operations = [migrations.RunPython(secrets_to_credentials, credentials_to_secrets)]
