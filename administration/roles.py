"""The roles people are given, as Django groups, and the permissions each one holds.

The groups are created by the migration administration/0002_roles, which keeps its own frozen copy of this
table (a migration must not import code that changes later); later migrations add to it (0003: integration
tokens), and a test asserts the migrations and this table agree. To change a role, change ROLE_PERMISSIONS
and add a migration that changes the group's permissions.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

MARKETING = "Marketing"
PATIENT_EXPERIENCE = "Patient experience"
REPLY_APPROVER = "Reply approver"
ADMIN = "Admin"

ROLES = (MARKETING, PATIENT_EXPERIENCE, REPLY_APPROVER, ADMIN)

_CRUD = ("view", "add", "change", "delete")

_MARKETING = (
    "mentions.view_mention",
    "mentions.export_mentions",
    "clusters.view_cluster",
)
_PATIENT_EXPERIENCE = _MARKETING + (
    "triage.view_queueitem",
    "triage.change_queueitem",
    "triage.add_reply",
    "triage.add_note",
    "enrichment.add_classificationlabel",
    "clusters.change_cluster",
)
_REPLY_APPROVER = ("triage.approve_reply",)
_ADMIN = (
    _PATIENT_EXPERIENCE
    + _REPLY_APPROVER
    + tuple(
        f"tracking.{action}_{model}"
        for model in (
            "healthsystem",
            "hospital",
            "location",
            "department",
            "clinician",
            "trackedterm",
            "backfilljob",
        )
        for action in _CRUD
    )
    + tuple(f"sources.{action}_source" for action in _CRUD)
    + ("auth.view_user", "auth.add_user", "auth.change_user")
    + tuple(
        f"triage.{action}_{model}" for model in ("replytemplate", "team", "slatarget") for action in _CRUD
    )
    + ("enrichment.add_retagjob", "administration.view_configchange")
    # Added by administration/0003_integration_permissions.
    + ("api.manage_integrations",)
    # Added by administration/0004_webhook_permissions: outbound webhooks (no delete: disabling keeps the
    # delivery history).
    + ("webhooks.view_endpoint", "webhooks.add_endpoint", "webhooks.change_endpoint")
    # Added by administration/0005_oncall_permissions: who is on call for escalations.
    + tuple(f"triage.{action}_oncallcontact" for action in _CRUD)
    # Added by administration/0006_schedule_permissions: the periodic tasks' schedules (no add or delete:
    # the tasks are the product's own).
    + ("django_celery_beat.view_periodictask", "django_celery_beat.change_periodictask")
)

# Role name -> "app_label.codename" permissions, exactly.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    MARKETING: frozenset(_MARKETING),
    PATIENT_EXPERIENCE: frozenset(_PATIENT_EXPERIENCE),
    REPLY_APPROVER: frozenset(_REPLY_APPROVER),
    ADMIN: frozenset(_ADMIN),
}


def roles_for_permission(permission: str) -> list[str]:
    """The roles that hold `permission` ("app_label.codename"), for telling people whom to ask."""
    return [role for role in ROLES if permission in ROLE_PERMISSIONS[role]]


def access_denied_message(permission: str) -> str:
    """What the "no access" page tells someone lacking `permission`: which roles would let them in."""
    holders = roles_for_permission(permission)
    if not holders:
        return "Only an administrator with full rights can do this."
    return f"This needs the {' or '.join(holders)} role."


def role_groups_sync() -> None:
    """Create the role groups if missing and set their permissions to exactly ROLE_PERMISSIONS, as the
    migration does (used where the database was emptied since, e.g. after a transactional test).

    Writes Group rows and their permission links.
    """
    with transaction.atomic():
        for role in ROLES:
            permissions = [
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in (name.split(".") for name in sorted(ROLE_PERMISSIONS[role]))
            ]
            group, _ = Group.objects.get_or_create(name=role)
            group.permissions.set(permissions)
