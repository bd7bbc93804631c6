"""Queue items: reads with notes and replies, and every write done by the queue's services."""

import pytest

from tests.factories import UserFactory
from tests.triage.factories import TeamFactory
from triage.models import AuditEntry, QueueItem
from triage.services import queue_item_note_add

pytestmark = pytest.mark.django_db


def _url(item, action=""):
    return f"/api/v1/queue-items/{item.pk}/" + (f"{action}/" if action else "")


def test_an_item_comes_with_its_notes_replies_and_sla(px_writer, queue_item):
    queue_item_note_add(item=queue_item, user=None, text="Spoke to the ER manager.")
    body = px_writer.get(_url(queue_item)).json()
    assert body["status"] == "new" and body["sla_state"] in ("on_track", "due_soon", "breached")
    assert body["mention"]["text"] == "Waited six hours in the ER at Riverside"
    assert [note["text"] for note in body["notes"]] == ["Spoke to the ER manager."]
    assert body["replies"] == []


def test_status_moves_and_closing_with_an_outcome(px_writer, queue_item):
    assert (
        px_writer.post(_url(queue_item, "status"), {"status": "in_progress"}, format="json").status_code
        == 200
    )
    response = px_writer.post(
        _url(queue_item, "status"),
        {"status": "resolved", "outcome": "followed_up_privately", "action_taken": "New signage"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["outcome"]) == ("resolved", "followed_up_privately")
    actions = list(queue_item.audit_entries.order_by("id").values_list("action", flat=True))
    assert actions == ["created", "status_changed", "closed"]


def test_dismissing_needs_a_reason(px_writer, queue_item):
    response = px_writer.post(_url(queue_item, "status"), {"status": "dismissed"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "needs_reason"
    ok = px_writer.post(_url(queue_item, "status"), {"status": "dismissed", "reason": "spam"}, format="json")
    assert ok.status_code == 200 and ok.json()["dismiss_reason"] == "spam"


def test_assigning_to_a_person_and_a_team(px_writer, queue_item):
    person, team = UserFactory(username="dana", first_name="Dana"), TeamFactory(name="Billing")
    response = px_writer.post(
        _url(queue_item, "assign"), {"assignee": person.pk, "team": team.pk}, format="json"
    )
    body = response.json()
    assert body["status"] == "assigned"
    assert body["assignee"] == {"id": person.pk, "username": "dana", "name": "Dana"}
    assert body["team"] == {"id": team.pk, "name": "Billing"}
    unknown = px_writer.post(_url(queue_item, "assign"), {"assignee": 10**12}, format="json")
    assert unknown.status_code == 400 and "assignee" in unknown.json()["error"]["fields"]


def test_a_note(px_writer, queue_item):
    response = px_writer.post(_url(queue_item, "notes"), {"text": "  Logged in the CRM.  "}, format="json")
    assert response.status_code == 201 and response.json()["text"] == "Logged in the CRM."
    empty = px_writer.post(_url(queue_item, "notes"), {"text": "   "}, format="json")
    assert empty.status_code == 400


def test_correcting_category_and_severity_replans_the_item(px_writer, queue_item):
    response = px_writer.post(
        _url(queue_item, "correction"), {"category": "safety", "severity": "critical"}, format="json"
    )
    assert response.status_code == 200
    item = QueueItem.objects.select_related("mention").get()
    assert (item.mention.category, item.mention.severity, item.routed_to_risk) == ("safety", "critical", True)
    assert response.json()["mention"]["severity"] == "critical"


def test_linking_an_external_case_and_unlinking_it(px_writer, queue_item):
    body = {"case_id": "SF-00123", "url": "https://crm.example.org/cases/00123"}
    response = px_writer.put(_url(queue_item, "external-case"), body, format="json")
    assert response.status_code == 200
    assert (response.json()["external_case_id"], response.json()["external_case_url"]) == (
        "SF-00123",
        "https://crm.example.org/cases/00123",
    )
    entry = queue_item.audit_entries.get(action=AuditEntry.Action.EXTERNAL_CASE_LINKED)
    assert entry.after == {
        "external_case_id": "SF-00123",
        "external_case_url": "https://crm.example.org/cases/00123",
    }

    unlinked = px_writer.put(_url(queue_item, "external-case"), {"case_id": ""}, format="json")
    assert unlinked.json()["external_case_id"] == "" and unlinked.json()["external_case_url"] == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"case_id": "", "url": "https://crm.example.org/1"}, "case_id"),
        ({"case_id": "A1", "url": "javascript:alert(1)"}, "url"),
        ({"case_id": "x" * 201}, "case_id"),
    ],
)
def test_an_external_case_link_is_checked(px_writer, queue_item, body, field):
    response = px_writer.put(_url(queue_item, "external-case"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert QueueItem.objects.get().external_case_id == ""


def test_queue_filters_are_the_queue_pages(px_writer, queue_item):
    assert [row["id"] for row in px_writer.get("/api/v1/queue-items/").json()["results"]] == [queue_item.pk]
    assert px_writer.get("/api/v1/queue-items/?status=closed").json()["results"] == []
    assert px_writer.get("/api/v1/queue-items/?category=wait_times&status=all").json()["results"]
    invalid = px_writer.get("/api/v1/queue-items/?status=sideways")
    assert invalid.status_code == 400 and "status" in invalid.json()["error"]["fields"]


def test_an_unknown_item_is_a_404_in_the_error_shape(px_writer):
    response = px_writer.get("/api/v1/queue-items/999999999/")
    assert response.status_code == 404
    assert set(response.json()["error"]) == {"code", "message", "fields"}
