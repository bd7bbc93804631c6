"""One PHI-safe starting reply per complaint category, plus a general one; admins edit them afterwards.

Each acknowledges the experience without confirming that anyone was a patient, says nothing about care,
and moves the conversation to a private channel (docs/replies.md). tests/triage/test_replies.py renders
every one and runs the PHI check on it.
"""

from django.db import migrations

CONTACT = "Please contact our Patient Experience team at {contact_phone} or {contact_email}"

# (category, name, body); a blank category is offered for every complaint.
DEFAULTS = [
    (
        "",
        "General acknowledgement",
        "Hi {first_name}, thank you for your feedback. We're sorry to hear about this experience and would "
        f"like to learn more. {CONTACT}.",
    ),
    (
        "clinical_quality",
        "Quality of care concern",
        "Hi {first_name}, we're sorry to hear about this experience. We take concerns like this seriously, "
        f"and to protect everyone's privacy we can't discuss details here. {CONTACT}.",
    ),
    (
        "safety",
        "Safety concern",
        "Hi {first_name}, thank you for raising this. Safety is our highest priority and we want to "
        f"understand what happened. We can't discuss details here. {CONTACT}.",
    ),
    (
        "wait_times",
        "Long wait",
        "Hi {first_name}, we're sorry to hear about the wait you describe. We know how hard long waits are "
        f"and would like to hear more. {CONTACT}.",
    ),
    (
        "appointments_access",
        "Access and scheduling",
        "Hi {first_name}, we're sorry for the frustration you describe. Getting care at {hospital} should be "
        f"straightforward. {CONTACT} so we can help.",
    ),
    (
        "billing_insurance",
        "Billing question",
        "Hi {first_name}, we're sorry for the billing frustration you describe. Please don't share account "
        "details here; our team can help privately at {contact_phone} or {contact_email}.",
    ),
    (
        "admission_discharge",
        "Admission or discharge concern",
        "Hi {first_name}, thank you for sharing this. We're sorry to hear about this experience. We can't "
        f"discuss details here, but we'd like to understand more. {CONTACT}.",
    ),
    (
        "facilities_environment",
        "Facilities feedback",
        "Hi {first_name}, thank you for letting us know. We're sorry this fell short of what you expect from "
        "{hospital}. We've shared it with the teams responsible; to tell us more, call {contact_phone} or "
        "email {contact_email}.",
    ),
    (
        "communication",
        "Communication concern",
        "Hi {first_name}, we're sorry to hear you didn't get the clear information you needed. We'd like to "
        f"learn more. {CONTACT}.",
    ),
    (
        "staff_attitude",
        "Courtesy and respect",
        "Hi {first_name}, we're sorry to hear about this experience. Everyone at {hospital} should be met "
        f"with courtesy and respect, and we'd like to learn more. {CONTACT}.",
    ),
    (
        "privacy_rights",
        "Privacy concern",
        "Hi {first_name}, thank you for raising this. We take privacy very seriously and want to look into "
        "it. Please don't share personal details here; contact our Patient Experience team privately at "
        "{contact_phone} or {contact_email}.",
    ),
]


def create_defaults(apps, schema_editor):
    ReplyTemplate = apps.get_model("triage", "ReplyTemplate")
    for category, name, body in DEFAULTS:
        ReplyTemplate.objects.get_or_create(category=category, name=name, defaults={"body": body})


class Migration(migrations.Migration):
    dependencies = [("triage", "0003_replies")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
