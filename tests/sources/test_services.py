from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from mentions.models import Mention
from sources.connectors.base import Connector, ConnectorError, TransientConnectorError
from sources.models import Source, SourceCursor, SyncRun
from sources.services import source_sync, sources_claim_due, sync
from tests.factories import SourceFactory


def test_source_sync_stores_mentions_and_records_the_run(demo_source):
    run = source_sync(source_id=demo_source.pk)
    assert run.status == SyncRun.Status.SUCCEEDED
    # Six posts; "have mercy" is fetched by the Mercy query and kept as excluded; the post naming both
    # hospitals is fetched by both queries and stored once.
    assert Mention.objects.count() == 6
    assert Mention.objects.filter(match_status="matched").count() == 5
    assert run.mentions_new == 6
    assert run.duplicates == 1
    assert run.api_calls == 2
    demo_source.refresh_from_db()
    assert demo_source.status == Source.Status.OK
    assert demo_source.last_run_at is not None


def test_source_sync_advances_each_query_cursor(demo_source):
    source_sync(source_id=demo_source.pk)
    cursors = dict(SourceCursor.objects.values_list("query_key", "position"))
    assert cursors == {"hospital:mercy-valley": {"index": 5}, "hospital:riverside": {"index": 5}}


def test_a_second_sync_finds_nothing_new(demo_source):
    source_sync(source_id=demo_source.pk)
    run = source_sync(source_id=demo_source.pk)
    assert (run.items_fetched, run.mentions_new) == (0, 0)
    assert Mention.objects.count() == 6


def test_the_cursor_does_not_move_when_storing_fails(demo_source, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("worker died between fetch and store")

    monkeypatch.setattr(sync, "mention_ingest", crash)
    with pytest.raises(RuntimeError):
        source_sync(source_id=demo_source.pk)
    assert SourceCursor.objects.filter(position={}).count() == 1
    assert not SourceCursor.objects.exclude(position={}).exists()
    assert Mention.objects.count() == 0

    monkeypatch.undo()
    source_sync(source_id=demo_source.pk)
    assert Mention.objects.count() == 6


def test_a_run_stopped_mid_query_is_continued_until_the_query_is_done(demo_source, monkeypatch):
    monkeypatch.setattr("sources.connectors.demo.PAGE_SIZE", 2)
    first = source_sync(source_id=demo_source.pk, max_pages=1)
    assert first.has_more
    runs = [first]
    while runs[-1].has_more and len(runs) < 10:
        runs.append(source_sync(source_id=demo_source.pk, max_pages=1))
    assert not runs[-1].has_more
    runs.append(source_sync(source_id=demo_source.pk, max_pages=1))  # The next scheduled poll.
    assert Mention.objects.count() == 6
    assert sum(run.mentions_new for run in runs) == 6


def test_queries_not_reached_within_the_page_limit_come_first_next_time(demo_source):
    first = source_sync(source_id=demo_source.pk, max_pages=1)
    assert not first.has_more, "the first query finished; the second waits for the next poll"
    assert Mention.objects.count() == 3  # Mercy Valley's query ran first.
    source_sync(source_id=demo_source.pk, max_pages=1)
    assert Mention.objects.count() == 6


class FailingConnector(Connector):
    kind = "failing"

    def __init__(self, error):
        super().__init__({})
        self.error = error

    def fetch(self, query, cursor):
        raise self.error

    def normalize(self, raw):
        return raw


def test_a_permanent_error_marks_the_source_broken(demo_source, monkeypatch):
    error = ConnectorError("401 Unauthorized: the bearer token was revoked")
    monkeypatch.setattr(sync, "connector_for", lambda kind, config: FailingConnector(error))
    run = source_sync(source_id=demo_source.pk)
    assert run.status == SyncRun.Status.FAILED
    assert "revoked" in run.error
    demo_source.refresh_from_db()
    assert demo_source.status == Source.Status.BROKEN
    assert "revoked" in demo_source.last_error


def test_a_transient_error_is_recorded_and_raised_for_retry(demo_source, monkeypatch):
    error = TransientConnectorError("503 Service Unavailable")
    monkeypatch.setattr(sync, "connector_for", lambda kind, config: FailingConnector(error))
    with pytest.raises(TransientConnectorError):
        source_sync(source_id=demo_source.pk)
    demo_source.refresh_from_db()
    assert demo_source.status == Source.Status.ERROR
    assert SyncRun.objects.get().status == SyncRun.Status.FAILED


def test_a_source_being_polled_elsewhere_is_skipped(demo_source):
    other = connections.create_connection("default")  # Stands in for another worker's session.
    lock = [sync.SOURCE_LOCK_NAMESPACE, demo_source.pk]
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", lock)
        assert source_sync(source_id=demo_source.pk) is None
        assert SyncRun.objects.count() == 0
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", lock)
    finally:
        other.close()
    assert source_sync(source_id=demo_source.pk) is not None


def test_claim_due_claims_each_due_source_once(db):
    now = timezone.now()
    due = SourceFactory(name="due", next_poll_at=now - timedelta(minutes=1), poll_interval_minutes=15)
    never_polled = SourceFactory(name="new")
    SourceFactory(name="later", next_poll_at=now + timedelta(minutes=5))
    SourceFactory(name="off", is_enabled=False)
    SourceFactory(name="broken", status=Source.Status.BROKEN)
    SourceFactory(name="imports", kind=Source.Kind.FILE_IMPORT)

    assert sorted(sources_claim_due(now=now)) == sorted([due.pk, never_polled.pk])
    assert sources_claim_due(now=now) == []
    due.refresh_from_db()
    assert due.next_poll_at == now + timedelta(minutes=15)
