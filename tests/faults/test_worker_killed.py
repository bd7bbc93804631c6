"""A worker killed with SIGKILL in the middle of a batch: the task is redelivered, and every mention is
stored once and enriched once. Each test freezes the worker inside its transaction with a lock held by
the test, kills it there, then lets the redelivered task finish."""

import time

import pytest

from enrichment.services import _ensure_model_loaded
from mentions.models import Mention
from sources.models import SourceCursor, SyncRun
from sources.services import source_queries
from tests.factories import MentionFactory

from .conftest import backend_waiting_on_a_lock, lock_held, wait_for

pytestmark = pytest.mark.faults

DEMO_IDS = {f"demo-{number:06d}" for number in range(1, 7)}


def test_a_poll_killed_before_its_page_commits_is_redelivered_and_stores_each_mention_once(
    demo_source, processes
):
    # The cursor rows exist up front, so the worker stops at the cursor UPDATE: after inserting the page's
    # mentions, before its commit.
    for planned in source_queries(source=demo_source):
        SourceCursor.objects.create(source=demo_source, query_key=planned.query.key)
    worker = processes.worker(concurrency=1)
    with lock_held("LOCK TABLE sources_sourcecursor IN EXCLUSIVE MODE"):
        processes.send("sources.source_sync", demo_source.pk)
        frozen = wait_for(backend_waiting_on_a_lock, timeout=45)
        assert frozen, "the worker never reached the cursor update\n" + processes.output()
        processes.kill_pool_child(worker)
        # The pool restarts and the broker hands the unacknowledged poll out again: it stops at the same
        # lock, on a new connection.
        assert wait_for(lambda: (pid := backend_waiting_on_a_lock()) and pid != frozen, timeout=30), (
            "the poll was not redelivered\n" + processes.output()
        )
        assert Mention.objects.count() == 0  # The killed attempt's rows were never committed.
    assert wait_for(lambda: SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED).exists(), timeout=30)
    assert set(Mention.objects.values_list("external_id", flat=True)) == DEMO_IDS
    assert Mention.objects.count() == len(DEMO_IDS)
    # The killed run is closed as interrupted, not left "running" for ever.
    assert not SyncRun.objects.filter(status=SyncRun.Status.RUNNING).exists()
    assert SyncRun.objects.filter(status=SyncRun.Status.FAILED, error__startswith="Interrupted").count() == 1
    assert worker.poll() is None


def test_a_worker_machine_lost_mid_enrichment_hands_the_batch_to_another_worker(processes):
    _ensure_model_loaded()  # Trained once here rather than by each worker.
    mentions = MentionFactory.create_batch(20, text="Waited five hours in the ER and nobody came")
    ids = [mention.pk for mention in mentions]
    first = processes.worker(concurrency=1)
    with lock_held("SELECT id FROM mentions_mention WHERE id = %s FOR UPDATE", [ids[-1]]):
        processes.send("enrichment.mentions_enrich", ids)
        assert wait_for(backend_waiting_on_a_lock, timeout=45), (
            "the worker never reached its update\n" + processes.output()
        )
        processes.kill_whole_worker(first)
    assert not Mention.objects.filter(enriched_at__isnull=False).exists()
    # Nobody acknowledged or requeued the task: Redis hands it out again once the visibility timeout
    # (2 s here, 1 h in production) has passed, to the next worker that looks.
    time.sleep(2.5)
    processes.worker(concurrency=1)
    assert wait_for(lambda: not Mention.objects.filter(enriched_at__isnull=True).exists(), timeout=45), (
        "the batch was not redelivered\n" + processes.output()
    )
    enriched = Mention.objects.filter(pk__in=ids)
    # One pass tagged them all (one timestamp); a second delivery would have skipped tagged mentions.
    assert enriched.values("enriched_at").distinct().count() == 1
    assert not enriched.filter(model_version="").exists()
    assert Mention.objects.count() == 20
