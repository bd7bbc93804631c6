from django.db import migrations

import sources.fields


class Migration(migrations.Migration):
    """The signing secret moves to the project's encrypted field. The column already holds the same Fernet
    token of {"secret": …} that the field writes, so the rows are kept as they are; only the name changes."""

    dependencies = [
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="endpoint", options={"ordering": ["name", "id"], "verbose_name": "webhook endpoint"}
        ),
        migrations.RenameField(model_name="endpoint", old_name="secret_encrypted", new_name="secret"),
        migrations.AlterField(
            model_name="endpoint",
            name="secret",
            field=sources.fields.EncryptedJSONField(blank=True, default=dict, editable=False),
        ),
    ]
