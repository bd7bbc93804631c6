"""The roles migration: the groups hold exactly the documented permissions, every time it runs."""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from administration.roles import (
    ADMIN,
    MARKETING,
    PATIENT_EXPERIENCE,
    REPLY_APPROVER,
    ROLE_PERMISSIONS,
    ROLES,
    access_denied_message,
    role_groups_sync,
)
from tests.factories import MentionFactory

roles_migration = importlib.import_module("administration.migrations.0002_roles")
integration_migration = importlib.import_module("administration.migrations.0003_integration_permissions")
webhook_migration = importlib.import_module("administration.migrations.0004_webhook_permissions")
oncall_migration = importlib.import_module("administration.migrations.0005_oncall_permissions")
schedule_migration = importlib.import_module("administration.migrations.0006_schedule_permissions")


def _migrated_roles() -> dict[str, set[str]]:
    """The roles as the migrations leave them: 0002's table plus what later migrations add."""
    result = {name: set(perms) for name, perms in roles_migration.ROLES.items()}
    for migration in (integration_migration, webhook_migration, oncall_migration, schedule_migration):
        for name, perms in migration.ADDED.items():
            result[name] |= set(perms)
    return result


def _group_permissions(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def _migration_apps(migration: str = "0002_roles"):
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(("administration", migration)).apps


@pytest.fixture
def migrated(db):
    """The groups as the migration left them. A transactional test empties every table (and --reuse-db
    keeps it so), so run the migration's own function again when they are gone."""
    if Group.objects.filter(name__in=ROLES).count() != len(ROLES):
        roles_migration.roles_create(_migration_apps(), None)
        integration_migration.permissions_add(_migration_apps("0003_integration_permissions"), None)
        webhook_migration.permissions_add(_migration_apps("0004_webhook_permissions"), None)
        oncall_migration.permissions_add(_migration_apps("0005_oncall_permissions"), None)
        schedule_migration.permissions_add(_migration_apps("0006_schedule_permissions"), None)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_holds_exactly_the_documented_permissions(migrated, role):
    assert _group_permissions(role) == ROLE_PERMISSIONS[role]


def test_the_migrations_and_the_documented_table_agree():
    assert _migrated_roles() == {name: set(perms) for name, perms in ROLE_PERMISSIONS.items()}


def test_roles_build_on_each_other_as_the_issue_describes():
    assert ROLE_PERMISSIONS[MARKETING] < ROLE_PERMISSIONS[PATIENT_EXPERIENCE] < ROLE_PERMISSIONS[ADMIN]
    assert ROLE_PERMISSIONS[REPLY_APPROVER] < ROLE_PERMISSIONS[ADMIN]
    assert not ROLE_PERMISSIONS[MARKETING] & {"triage.add_reply", "sources.view_source", "auth.change_user"}
    assert "triage.approve_reply" not in ROLE_PERMISSIONS[PATIENT_EXPERIENCE]


def test_running_the_migration_again_puts_each_role_back_exactly(migrated):
    marketing = Group.objects.get(name=MARKETING)
    marketing.permissions.add(Permission.objects.get(codename="change_source"))
    marketing.permissions.remove(Permission.objects.get(codename="export_mentions"))

    roles_migration.roles_create(_migration_apps(), None)
    roles_migration.roles_create(_migration_apps(), None)

    assert _group_permissions(MARKETING) == ROLE_PERMISSIONS[MARKETING]
    assert Group.objects.filter(name__in=ROLES).count() == len(ROLES)


def test_the_migration_reverses_by_deleting_the_groups(db, user_with_role):
    analyst = user_with_role(MARKETING)
    roles_migration.roles_delete(_migration_apps(), None)
    assert not Group.objects.filter(name__in=ROLES).exists()
    assert not analyst.groups.exists()

    roles_migration.roles_create(_migration_apps(), None)
    assert _group_permissions(ADMIN) == set(roles_migration.ROLES[ADMIN])


def test_role_groups_sync_rebuilds_emptied_roles_as_the_migration_does(db):
    Group.objects.filter(name__in=ROLES).delete()
    role_groups_sync()
    assert {role: _group_permissions(role) for role in ROLES} == ROLE_PERMISSIONS


def test_a_refusal_names_the_roles_that_would_let_you_in():
    assert access_denied_message("triage.approve_reply") == "This needs the Reply approver or Admin role."
    assert access_denied_message("auth.delete_user") == "Only an administrator with full rights can do this."


def test_the_no_access_page_is_friendly_and_points_back(client, user_with_role):
    client.force_login(user_with_role(MARKETING))
    response = client.get(reverse("triage:queue_list"))
    assert response.status_code == 403
    assert b"You don't have access to this page" in response.content
    assert reverse("dashboards:overview").encode() in response.content


def test_the_navigation_shows_only_what_the_role_may_open(client, user_with_role):
    client.force_login(user_with_role(MARKETING))
    page = client.get(reverse("mentions:mention_list")).content.decode()
    assert reverse("mentions:mention_list") in page
    assert reverse("sources:coverage") in page
    hidden = ("triage:queue_list", "sources:source_list", "tracking:overview", "administration:user_list")
    for name in hidden + ("admin:index",):
        assert f'href="{reverse(name)}"' not in page

    client.force_login(user_with_role(ADMIN))
    page = client.get(reverse("mentions:mention_list")).content.decode()
    for name in ("triage:queue_list", "sources:source_list", "tracking:overview"):
        assert f'href="{reverse(name)}"' in page
    # Settings is one link; its pages carry tabs to each part the role may open.
    settings = client.get(reverse("tracking:overview")).content.decode()
    for name in (
        "administration:user_list",
        "administration:history",
        "webhooks:endpoint_list",
        "admin:index",
    ):
        assert f'href="{reverse(name)}"' in settings


def test_exports_and_corrections_are_offered_only_with_their_permission(client, user_with_role, hospitals):
    mention = MentionFactory(hospital=hospitals["riverside"])
    reader = user_with_role(None)
    reader.user_permissions.add(Permission.objects.get(codename="view_mention"))
    client.force_login(reader)
    assert b"Download data (CSV)" not in client.get(reverse("dashboards:overview")).content
    detail = client.get(reverse("mentions:mention_detail", args=[mention.pk])).content.decode()
    assert reverse("mentions:mention_correct", args=[mention.pk]) not in detail

    client.force_login(user_with_role(PATIENT_EXPERIENCE))
    assert b"Download data (CSV)" in client.get(reverse("dashboards:overview")).content
    detail = client.get(reverse("mentions:mention_detail", args=[mention.pk])).content.decode()
    assert reverse("mentions:mention_correct", args=[mention.pk]) in detail
