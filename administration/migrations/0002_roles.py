"""The roles (Django groups) and exactly the permissions each one holds.

Frozen here on purpose: administration/roles.py documents the same table for the code, and a test asserts
the two agree. Running this again sets each group's permissions back to exactly this list.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CRUD = ("view", "add", "change", "delete")

MARKETING = ["mentions.view_mention", "mentions.export_mentions", "clusters.view_cluster"]
PATIENT_EXPERIENCE = MARKETING + [
    "triage.view_queueitem",
    "triage.change_queueitem",
    "triage.add_reply",
    "triage.add_note",
    "enrichment.add_classificationlabel",
    "clusters.change_cluster",
]
REPLY_APPROVER = ["triage.approve_reply"]
TRACKING_MODELS = (
    "healthsystem",
    "hospital",
    "location",
    "department",
    "clinician",
    "trackedterm",
    "backfilljob",
)
ADMIN = (
    PATIENT_EXPERIENCE
    + REPLY_APPROVER
    + [f"tracking.{action}_{model}" for model in TRACKING_MODELS for action in CRUD]
    + [f"sources.{action}_source" for action in CRUD]
    + ["auth.view_user", "auth.add_user", "auth.change_user"]
    + [f"triage.{action}_{model}" for model in ("replytemplate", "team", "slatarget") for action in CRUD]
    + ["enrichment.add_retagjob", "administration.view_configchange"]
)

ROLES = {
    "Marketing": MARKETING,
    "Patient experience": PATIENT_EXPERIENCE,
    "Reply approver": REPLY_APPROVER,
    "Admin": ADMIN,
}


def roles_create(apps, schema_editor):
    # On a fresh database permissions are only created after the whole migrate run (post_migrate), so
    # create them now for every app this migration can see.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLES.items():
        found = []
        for permission in permissions:
            app_label, codename = permission.split(".")
            # .get() so that a permission renamed or missing fails the migration instead of a role
            # silently losing it.
            found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(found)


def roles_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("administration", "0001_config_change"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clusters", "0001_initial"),
        ("enrichment", "0001_initial"),
        ("mentions", "0003_export_permission"),
        ("sources", "0002_coverage_and_cost"),
        ("tracking", "0004_fold_exclusions_into_query"),
        ("triage", "0004_default_reply_templates"),
    ]

    operations = [migrations.RunPython(roles_create, roles_delete)]
