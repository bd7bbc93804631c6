"""A token may do at most what its role may, and nothing but reads when it is read-only."""

import pytest

from administration import roles
from triage.models import AuditEntry, QueueItem

pytestmark = pytest.mark.django_db

MARKETING, PX, APPROVER, ADMIN = roles.MARKETING, roles.PATIENT_EXPERIENCE, roles.REPLY_APPROVER, roles.ADMIN


def _reads(item_id):
    return {
        "mentions": ("/api/v1/mentions/", (MARKETING, PX, ADMIN)),
        "clusters": ("/api/v1/clusters/", (MARKETING, PX, ADMIN)),
        "queue": ("/api/v1/queue-items/", (PX, ADMIN)),
        "queue item": (f"/api/v1/queue-items/{item_id}/", (PX, ADMIN)),
    }


@pytest.mark.parametrize("role", [MARKETING, PX, APPROVER, ADMIN])
@pytest.mark.parametrize("endpoint", ["mentions", "clusters", "queue", "queue item"])
def test_reads_follow_the_role(make_token, api_client, queue_item, role, endpoint):
    url, allowed = _reads(queue_item.pk)[endpoint]
    response = api_client(make_token(role)).get(url)
    assert response.status_code == (200 if role in allowed else 403)


def _writes(item_id):
    base = f"/api/v1/queue-items/{item_id}"
    return {
        "status": ("post", f"{base}/status/", {"status": "in_progress"}, 200),
        "assign": ("post", f"{base}/assign/", {"assignee": None, "team": None}, 200),
        "note": ("post", f"{base}/notes/", {"text": "Called the patient."}, 201),
        "correction": (
            "post",
            f"{base}/correction/",
            {"category": "billing_insurance", "severity": "high"},
            200,
        ),
        "external case": ("put", f"{base}/external-case/", {"case_id": "CASE-1", "url": ""}, 200),
    }


WRITES = ["status", "assign", "note", "correction", "external case"]


@pytest.mark.parametrize("write", WRITES)
def test_a_marketing_token_cannot_change_the_queue_even_read_write(make_token, api_client, queue_item, write):
    method, url, body, _ = _writes(queue_item.pk)[write]
    response = getattr(api_client(make_token(MARKETING, "read_write")), method)(url, body, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "Marketing" in response.json()["error"]["message"]
    assert not AuditEntry.objects.exclude(action=AuditEntry.Action.CREATED).exists()


@pytest.mark.parametrize("write", WRITES)
def test_a_read_only_token_cannot_write_whatever_its_role(make_token, api_client, queue_item, write):
    method, url, body, _ = _writes(queue_item.pk)[write]
    response = getattr(api_client(make_token(ADMIN, "read")), method)(url, body, format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["error"]["message"]
    assert not AuditEntry.objects.exclude(action=AuditEntry.Action.CREATED).exists()


@pytest.mark.parametrize("write", WRITES)
def test_a_read_write_token_of_a_queue_role_writes_through_the_services(
    make_token, api_client, queue_item, write
):
    method, url, body, expected = _writes(queue_item.pk)[write]
    token = make_token(PX, "read_write", name="Case system")
    response = getattr(api_client(token), method)(url, body, format="json")
    assert response.status_code == expected, response.json()
    entry = AuditEntry.objects.exclude(action=AuditEntry.Action.CREATED).get()
    # The audit trail names the integration.
    assert entry.actor.first_name == "Case system"


def test_the_role_is_read_on_every_request(make_token, api_client, queue_item):
    """Taking a permission away from a role takes it away from the role's tokens at once."""
    from django.contrib.auth.models import Group, Permission

    client = api_client(make_token(PX))
    assert client.get("/api/v1/queue-items/").status_code == 200
    Group.objects.get(name=PX).permissions.remove(Permission.objects.get(codename="view_queueitem"))
    assert client.get("/api/v1/queue-items/").status_code == 403


def test_without_a_token_the_answer_is_401_with_the_scheme(api_client):
    response = api_client(None).get("/api/v1/mentions/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_signed_in_session_is_not_enough(client, user_with_role):
    """The API is for integrations: a browser session (and its cookies) never authenticates it."""
    client.force_login(user_with_role(ADMIN))
    assert client.get("/api/v1/mentions/").status_code == 401


def test_queue_writes_keep_the_status_machine(px_writer, queue_item):
    response = px_writer.post(
        f"/api/v1/queue-items/{queue_item.pk}/status/", {"status": "replied"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_transition"
    assert "Allowed next states" in response.json()["error"]["message"]
    assert QueueItem.objects.get().status == "new"
