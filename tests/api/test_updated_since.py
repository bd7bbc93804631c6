"""updated_since: an integration asks for what changed since its last run, on mentions and queue items."""

from datetime import timedelta

import pytest
from django.utils import timezone

from administration import roles
from enrichment.services import mention_correct, mentions_enrich
from mentions.models import Mention
from tests.factories import MentionFactory
from tests.triage.factories import ComplaintFactory
from triage.models import QueueItem
from triage.services import (
    queue_item_assign,
    queue_item_ensure,
    queue_item_note_add,
    queue_item_transition,
    queue_items_copies_refresh,
)

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - timedelta(days=30)


@pytest.fixture
def reader(make_token, api_client):
    return api_client(make_token(roles.MARKETING))


def _age(model, *rows) -> None:
    """Make rows look untouched for a month; a plain update() does not apply auto_now."""
    model.objects.filter(pk__in=[row.pk for row in rows]).update(updated_at=LONG_AGO)


def _ids(client, path: str, **params) -> list[int]:
    response = client.get(path, params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def _all_pages(client, path: str, **params) -> list[int]:
    ids, response = [], client.get(path, params)
    while True:
        assert response.status_code == 200, response.json()
        ids += [row["id"] for row in response.json()["results"]]
        if not response.json()["next"]:
            return ids
        assert "updated_since" in response.json()["next"]
        response = client.get(response.json()["next"])


def test_a_corrected_mention_is_listed_since_the_correction_and_an_untouched_one_is_not(reader):
    corrected, untouched = MentionFactory(text="Billed twice"), MentionFactory(text="Nice garden")
    _age(Mention, corrected, untouched)
    since = timezone.now()
    mention_correct(
        mention=corrected, user=None, is_complaint=True, category="billing_insurance", severity="low"
    )
    assert _ids(reader, "/api/v1/mentions/", updated_since=since.isoformat()) == [corrected.pk]
    # An earlier time lists both; the value each row carries is the one filtered on.
    rows = reader.get("/api/v1/mentions/", {"updated_since": LONG_AGO.isoformat()}).json()["results"]
    assert {row["id"] for row in rows} == {corrected.pk, untouched.pk}
    assert next(row for row in rows if row["id"] == corrected.pk)["updated_at"] >= since.isoformat()[:19]


def test_bulk_writes_move_a_mentions_updated_at(reader, monkeypatch):
    """The classifier's raw UPDATE and the queue's status mirror (update()) both move it."""
    tagged, triaged, untouched = ComplaintFactory(), ComplaintFactory(), ComplaintFactory()
    item = queue_item_ensure(mention=triaged)
    _age(Mention, tagged, triaged, untouched)
    since = timezone.now()

    def model_fails(texts):
        raise RuntimeError("model crashed")

    monkeypatch.setattr("enrichment.services._ensure_model_loaded", lambda: "test-version")
    monkeypatch.setattr("enrichment.services.classify_texts", model_fails)
    mentions_enrich(mention_ids=[tagged.pk], force=True)
    queue_item_transition(item=item, user=None, status="in_progress")

    assert set(_ids(reader, "/api/v1/mentions/", updated_since=since.isoformat())) == {tagged.pk, triaged.pk}
    assert Mention.objects.get(pk=tagged.pk).enrichment_error.startswith("RuntimeError")


def test_queue_items_changed_since_are_listed_whatever_the_kind_of_change(px_writer):
    noted, assigned, retagged, untouched = (
        queue_item_ensure(mention=ComplaintFactory(text=f"Complaint {n}")) for n in range(4)
    )
    _age(QueueItem, noted, assigned, retagged, untouched)
    since = timezone.now()
    queue_item_note_add(item=noted, user=None, text="Called the patient back.")
    queue_item_assign(item=assigned, user=None, assignee=None, team=None)
    Mention.objects.filter(pk=retagged.mention_id).update(severity="critical")
    queue_items_copies_refresh(mention_ids=[retagged.mention_id])

    listed = _ids(px_writer, "/api/v1/queue-items/", status="all", updated_since=since.isoformat())
    assert listed == sorted([noted.pk, assigned.pk, retagged.pk])
    assert untouched.pk in _ids(px_writer, "/api/v1/queue-items/", updated_since=LONG_AGO.isoformat())


def test_a_change_through_the_api_itself_is_listed(px_writer):
    changed, untouched = (
        queue_item_ensure(mention=ComplaintFactory(text=f"Complaint {n}")) for n in range(2)
    )
    _age(QueueItem, changed, untouched)
    since = timezone.now().isoformat().replace("+00:00", "Z")
    px_writer.post(f"/api/v1/queue-items/{changed.pk}/status/", {"status": "in_progress"}, format="json")
    assert _ids(px_writer, "/api/v1/queue-items/", updated_since=since) == [changed.pk]


def test_cursor_pages_keep_the_filter(px_writer, reader):
    items = [queue_item_ensure(mention=ComplaintFactory(text=f"Complaint {n}")) for n in range(7)]
    _age(QueueItem, *items[:2])
    _age(Mention, *(item.mention for item in items[:2]))
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    assert _all_pages(px_writer, "/api/v1/queue-items/", updated_since=since, page_size=2) == [
        item.pk for item in items[2:]
    ]
    expected = {item.mention_id for item in items[2:]}
    pages = _all_pages(reader, "/api/v1/mentions/", updated_since=since, page_size=2)
    assert len(pages) == len(expected) and set(pages) == expected


@pytest.mark.parametrize("path", ["/api/v1/mentions/", "/api/v1/queue-items/"])
@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00Z", "2026-11-20T08:00:00 01:00"])
def test_a_value_that_is_not_a_date_and_time_is_refused_in_the_api_error_shape(px_writer, path, value):
    response = px_writer.get(path, {"updated_since": value})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["updated_since"]
    assert "ISO 8601" in error["message"]


def test_the_schema_documents_the_parameter_on_both_lists(db, api_client):
    schema = api_client(None).get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/mentions/", "/api/v1/queue-items/"):
        [parameter] = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "updated_since"]
        assert parameter["schema"] == {"type": "string", "format": "date-time"}
        assert "ISO 8601" in parameter["description"]
