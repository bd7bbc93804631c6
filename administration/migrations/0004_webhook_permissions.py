"""Roles gain the webhook settings: the Admin role registers, changes and replays outbound webhooks.

Frozen here like 0002_roles and 0003: administration/roles.py documents the result, and a test asserts
they agree.
"""

from importlib import import_module

from django.db import migrations

ADDED = {
    "Admin": ["webhooks.view_endpoint", "webhooks.add_endpoint", "webhooks.change_endpoint"],
}

# The add/remove steps of 0003, over this migration's table.
_roles = import_module("administration.migrations.0003_integration_permissions")


def permissions_add(apps, schema_editor):
    _roles.roles_permissions_add(apps, ADDED)


def permissions_remove(apps, schema_editor):
    _roles.roles_permissions_remove(apps, ADDED)


class Migration(migrations.Migration):
    dependencies = [
        ("administration", "0003_integration_permissions"),
        ("webhooks", "0001_initial"),
    ]

    operations = [migrations.RunPython(permissions_add, permissions_remove)]
