"""Default SLA targets per severity; staff can change them in the admin afterwards."""

from django.db import migrations

DEFAULTS = {
    # severity: (first response hours, resolution hours)
    "critical": (1, 24),
    "high": (4, 72),
    "medium": (24, 7 * 24),
    "low": (72, 14 * 24),
}


def create_defaults(apps, schema_editor):
    SlaTarget = apps.get_model("triage", "SlaTarget")
    for severity, (first_response_hours, resolution_hours) in DEFAULTS.items():
        SlaTarget.objects.get_or_create(
            severity=severity,
            defaults={"first_response_hours": first_response_hours, "resolution_hours": resolution_hours},
        )


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
