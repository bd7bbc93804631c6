"""A database connection dropped mid-transaction, and a poison payload, on a real worker."""

import json

import psycopg2
import pytest
from django.core.files.base import ContentFile

from mentions.importing import import_job_create
from mentions.models import ImportJob, Mention, RejectedPayload
from sources.models import SourceCursor, SyncRun
from sources.services import source_queries

from .conftest import _database_params, backend_waiting_on_a_lock, lock_held, wait_for

pytestmark = pytest.mark.faults


def test_a_connection_dropped_mid_page_retries_the_page_and_keeps_the_cursor_behind_it(
    demo_source, processes
):
    for planned in source_queries(source=demo_source):
        SourceCursor.objects.create(source=demo_source, query_key=planned.query.key)
    processes.worker(concurrency=1)
    with lock_held("LOCK TABLE sources_sourcecursor IN EXCLUSIVE MODE"):
        processes.send("sources.source_sync", demo_source.pk)
        frozen = wait_for(backend_waiting_on_a_lock, timeout=45)
        assert frozen, "the worker never reached the cursor update\n" + processes.output()
        # As in a failover: the server ends the worker's session in the middle of its transaction.
        with psycopg2.connect(**_database_params()) as admin, admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [frozen])
        assert wait_for(lambda: (pid := backend_waiting_on_a_lock()) and pid != frozen, timeout=30), (
            "the page was not retried\n" + processes.output()
        )
        # Nothing of the dropped transaction stayed, and the cursor did not move past the unstored page.
        assert Mention.objects.count() == 0
        assert (
            list(SourceCursor.objects.values_list("position", flat=True))
            == [{}] * SourceCursor.objects.count()
        )
    assert wait_for(lambda: SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED).exists(), timeout=30)
    assert Mention.objects.count() == 6
    assert Mention.objects.values("platform", "external_id").distinct().count() == 6
    assert all(
        position.get("index", -1) >= 0 for position in SourceCursor.objects.values_list("position", flat=True)
    )


def _jsonl(rows: list[dict]) -> ContentFile:
    return ContentFile("".join(json.dumps(row) + "\n" for row in rows).encode())


def _row(number: int) -> dict:
    return {
        "id": f"import-{number}",
        "platform": "reddit",
        "text": f"Riverside General kept me waiting, visit {number}",
        "posted_at": "2026-05-01T10:00:00Z",
    }


def test_a_poison_payload_is_kept_as_rejected_and_the_queue_keeps_flowing(processes):
    # A valid ISO date-time that falls before year 1 in UTC: Postgres would store it, but Python cannot
    # read it back, so every page listing the mention would fail. It must be rejected, alone.
    poison = {**_row(99), "posted_at": "0001-01-01T00:00:00+14:00"}
    first = import_job_create(
        file=_jsonl([_row(1), _row(2), poison, _row(3)]), original_name="a.jsonl", enqueue=False
    )
    second = import_job_create(file=_jsonl([_row(4), _row(5)]), original_name="b.jsonl", enqueue=False)
    processes.worker(concurrency=1)
    processes.send("mentions.import_job_run", first.pk)
    processes.send("mentions.import_job_run", second.pk)
    assert wait_for(
        lambda: ImportJob.objects.filter(status=ImportJob.Status.DONE).count() == 2, timeout=45
    ), processes.output()
    first.refresh_from_db()
    assert (first.rows_imported, first.rows_rejected) == (3, 1)
    rejected = RejectedPayload.objects.get()
    assert rejected.row_number == 3 and rejected.payload["id"] == "import-99"
    assert "posted_at" in rejected.error
    assert sorted(Mention.objects.values_list("external_id", flat=True)) == [
        f"import-{n}" for n in range(1, 6)
    ]
    assert len(list(Mention.objects.all())) == 5  # Every stored mention can be read back.
