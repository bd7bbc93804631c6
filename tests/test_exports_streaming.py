"""Streamed exports of the mention list and the queue: every filtered row, in bounded memory, safe in a
spreadsheet, for the people allowed to take data out."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from administration import roles
from hospitallisten.lib import streaming
from tests.factories import MentionFactory, UserFactory
from tests.triage.factories import ComplaintFactory, NoteFactory, QueueItemFactory


@pytest.fixture
def marketer_client(client, user_with_role):
    client.force_login(user_with_role(roles.MARKETING))
    return client


@pytest.fixture
def worker_client(client, user_with_role):
    client.force_login(user_with_role(roles.PATIENT_EXPERIENCE))
    return client


def _body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_body(response))))


def test_the_mention_export_streams_every_filtered_mention_as_csv(marketer_client, hospitals):
    riverside, mercy = hospitals["riverside"], hospitals["mercy"]
    kept = [MentionFactory(hospital=riverside, sentiment_label="negative") for _ in range(3)]
    MentionFactory(hospital=riverside, sentiment_label="positive")
    MentionFactory(hospital=mercy, sentiment_label="negative")

    response = marketer_client.get(
        reverse("mentions:mention_export", args=["csv"]), {"hospital": "riverside", "sentiment": "negative"}
    )

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="mentions-')
    rows = _csv(response)
    assert sorted(int(row["id"]) for row in rows) == sorted(m.pk for m in kept)
    assert {row["hospital"] for row in rows} == {"Riverside General Hospital"}


@pytest.mark.parametrize(
    "dangerous", ['=HYPERLINK("http://evil")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\r=1"]
)
def test_csv_cells_that_would_run_as_formulas_are_neutralised(marketer_client, dangerous):
    MentionFactory(text=dangerous, author_name=dangerous)
    (row,) = _csv(marketer_client.get(reverse("mentions:mention_export", args=["csv"])))
    assert row["text"] == "'" + dangerous and row["author_name"] == "'" + dangerous


def test_the_jsonl_export_is_one_valid_json_object_per_line(marketer_client):
    mentions = [MentionFactory(text=f'Line {n} with "quotes", a comma\nand a newline') for n in range(3)]

    response = marketer_client.get(reverse("mentions:mention_export", args=["jsonl"]))

    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = _body(response).splitlines()
    records = [json.loads(line) for line in lines]
    assert len(lines) == 3 and {r["id"] for r in records} == {m.pk for m in mentions}
    assert records[0]["text"].endswith("and a newline") and "posted_at" in records[0]


def test_invalid_filters_are_refused_with_what_to_fix(marketer_client):
    response = marketer_client.get(reverse("mentions:mention_export", args=["csv"]), {"sentiment": "furious"})
    assert response.status_code == 400 and b"sentiment" in response.content


def test_an_unknown_format_is_not_found(marketer_client):
    assert marketer_client.get("/mentions/export.xlsx").status_code == 404


def test_reading_mentions_is_not_enough_to_export_them(client, db):
    reader = UserFactory()
    reader.user_permissions.add(Permission.objects.get(codename="view_mention"))
    client.force_login(reader)
    assert client.get(reverse("mentions:mention_list")).status_code == 200
    assert client.get(reverse("mentions:mention_export", args=["csv"])).status_code == 403


def test_the_mention_list_links_to_its_export_with_the_same_filters(marketer_client, hospitals):
    page = marketer_client.get(reverse("mentions:mention_list"), {"sentiment": "negative"}).content.decode()
    assert f"{reverse('mentions:mention_export', args=['csv'])}?sentiment=negative" in page


def test_rows_are_read_in_pages_so_no_query_loads_them_all(marketer_client, monkeypatch):
    """Bounded memory without timing anything: with pages of 3, 8 mentions take 3 queries of at most 3
    rows, and mentions sharing a timestamp are neither skipped nor repeated at a page boundary."""
    monkeypatch.setattr(streaming, "CHUNK_SIZE", 3)
    same_moment = timezone.now() - timedelta(hours=2)
    mentions = [MentionFactory(posted_at=same_moment) for _ in range(5)] + [
        MentionFactory() for _ in range(3)
    ]

    response = marketer_client.get(reverse("mentions:mention_export", args=["jsonl"]))
    with CaptureQueriesContext(connection) as queries:
        ids = [json.loads(line)["id"] for line in _body(response).splitlines()]

    expected = sorted(mentions, key=lambda m: (m.posted_at, m.pk), reverse=True)
    assert ids == [m.pk for m in expected]
    selects = [q["sql"] for q in queries if 'FROM "mentions_mention"' in q["sql"]]
    assert len(selects) == 3 and all(sql.endswith("LIMIT 3") for sql in selects)


def test_the_queue_export_follows_the_queue_filters_and_leaves_notes_out(worker_client):
    billing = QueueItemFactory(
        mention=ComplaintFactory(category="billing_insurance", text="=cmd|' /C calc'!A0")
    )
    QueueItemFactory(mention=ComplaintFactory(category="wait_times"))
    NoteFactory(item=billing, text="Spoke to the patient, Jane Doe")

    response = worker_client.get(
        reverse("triage:queue_export", args=["csv"]), {"category": "billing_insurance"}
    )

    body = _body(response)
    (row,) = list(csv.DictReader(io.StringIO(body)))
    assert int(row["queue_item_id"]) == billing.pk and row["status"] == "new" and row["sla_state"]
    assert row["text"].startswith("'=cmd")
    assert "Jane Doe" not in body


def test_the_queue_export_pages_through_equal_priorities_in_queue_order(worker_client, monkeypatch):
    monkeypatch.setattr(streaming, "CHUNK_SIZE", 2)
    items = [QueueItemFactory(priority=5) for _ in range(3)] + [
        QueueItemFactory(priority=9) for _ in range(2)
    ]

    response = worker_client.get(reverse("triage:queue_export", args=["jsonl"]))
    with CaptureQueriesContext(connection) as queries:
        ids = [json.loads(line)["queue_item_id"] for line in _body(response).splitlines()]

    assert ids == [i.pk for i in sorted(items, key=lambda i: (-i.priority, i.pk))]
    selects = [q["sql"] for q in queries if 'FROM "triage_queueitem"' in q["sql"]]
    assert len(selects) == 3 and all(sql.endswith("LIMIT 2") for sql in selects)


def test_the_queue_export_needs_the_queue_permission(marketer_client):
    assert marketer_client.get(reverse("triage:queue_export", args=["csv"])).status_code == 403
