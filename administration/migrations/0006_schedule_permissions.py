"""Roles gain the schedules settings: the Admin role sees and changes the periodic tasks' schedules.

Frozen here like 0002_roles to 0005: administration/roles.py documents the result, and a test asserts
they agree.
"""

from importlib import import_module

from django.db import migrations

ADDED = {
    "Admin": ["django_celery_beat.view_periodictask", "django_celery_beat.change_periodictask"],
}

# The add/remove steps of 0003, over this migration's table.
_roles = import_module("administration.migrations.0003_integration_permissions")


def permissions_add(apps, schema_editor):
    _roles.roles_permissions_add(apps, ADDED)


def permissions_remove(apps, schema_editor):
    _roles.roles_permissions_remove(apps, ADDED)


class Migration(migrations.Migration):
    dependencies = [
        ("administration", "0005_oncall_permissions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(permissions_add, permissions_remove)]
