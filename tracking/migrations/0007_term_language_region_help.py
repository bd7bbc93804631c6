from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tracking', '0006_backfill_waits_for_history'),
    ]

    operations = [
        migrations.AlterField(
            model_name='trackedterm',
            name='language',
            field=models.CharField(blank=True, help_text='ISO 639-1 code (en, es): sources that can search by language ask for it, and posts a platform reports in another language do not match. Empty: any.', max_length=8),
        ),
        migrations.AlterField(
            model_name='trackedterm',
            name='region',
            field=models.CharField(blank=True, help_text="ISO 3166-1 country code (US, MX) where the name is used: sources that can search by country ask for it. Empty: the source's own setting.", max_length=2),
        ),
    ]
