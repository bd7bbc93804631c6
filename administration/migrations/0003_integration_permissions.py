"""Roles gain the permissions of the integrations settings: the Admin role creates and revokes API tokens.

Frozen here like 0002_roles: administration/roles.py documents the result, and a test asserts they agree.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADDED = {
    "Admin": ["api.manage_integrations"],
}


def _permissions(apps, names):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for name in names:
        app_label, codename = name.split(".")
        # .get() so a missing permission fails the migration instead of a role silently lacking it.
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def _create_permissions(apps):
    # Permissions of apps migrated in this same run only exist after it (post_migrate): make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def roles_permissions_add(apps, added):
    """Give each role in `added` its listed permissions (later role migrations call this too)."""
    _create_permissions(apps)
    Group = apps.get_model("auth", "Group")
    for role, names in added.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.add(*_permissions(apps, names))


def roles_permissions_remove(apps, added):
    Group = apps.get_model("auth", "Group")
    for role, names in added.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, names))


def permissions_add(apps, schema_editor):
    roles_permissions_add(apps, ADDED)


def permissions_remove(apps, schema_editor):
    roles_permissions_remove(apps, ADDED)


class Migration(migrations.Migration):
    dependencies = [
        ("administration", "0002_roles"),
        ("api", "0001_integration_tokens"),
    ]

    operations = [migrations.RunPython(permissions_add, permissions_remove)]
