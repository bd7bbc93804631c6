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

# The add/remove steps of 0003, over this migration's table.
_roles = import_module("administration.migrations.0003_integration_permissions")


def permissions_add(apps, schema_editor):
    _roles.roles_permissions_add(apps, ADDED)


def permissions_remove(apps, schema_editor):
    _roles.roles_permissions_remove(apps, ADDED)


class Migration(migrations.Migration):
    dependencies = [
        ("administration", "0004_webhook_permissions"),
        ("triage", "0005_links_escalation_oncall"),
    ]

    operations = [migrations.RunPython(permissions_add, permissions_remove)]
