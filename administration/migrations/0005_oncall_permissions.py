"""Roles gain the on-call list: the Admin role names who is on call for escalations.

Frozen here like 0002_roles to 0004: administration/roles.py documents the result, and a test asserts
they agree.
"""

from importlib import import_module

from django.db import migrations

ADDED = {
    "Admin": [
        "triage.view_oncallcontact",
        "triage.add_oncallcontact",
        "triage.change_oncallcontact",
        "triage.delete_oncallcontact",
    ],
}

# Same add/remove steps as 0004, over this migration's table.
_previous = import_module("administration.migrations.0004_webhook_permissions")


def permissions_add(apps, schema_editor):
    _previous._create_permissions(apps)
    Group = apps.get_model("auth", "Group")
    for role, names in ADDED.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.add(*_previous._permissions(apps, names))


def permissions_remove(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role, names in ADDED.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(*_previous._permissions(apps, names))


class Migration(migrations.Migration):
    dependencies = [
        ("administration", "0004_webhook_permissions"),
        ("triage", "0005_links_escalation_oncall"),
    ]

    operations = [migrations.RunPython(permissions_add, permissions_remove)]
