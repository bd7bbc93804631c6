import pytest

from mentions.models import Mention
from sources import tasks
from sources.connectors.base import TransientConnectorError
from sources.tasks import retry_countdown, source_sync_task, sources_sync_due_task


def test_source_sync_task_delegates_to_the_service(demo_source):
    source_sync_task.apply(args=[demo_source.pk])
    assert Mention.objects.count() == 6


def test_source_sync_task_ignores_a_deleted_source(db):
    result = source_sync_task.apply(args=[123456789])
    assert result.successful()


def test_source_sync_task_retries_on_transient_errors(demo_source, monkeypatch):
    def flaky(**kwargs):
        raise TransientConnectorError("503 from the platform")

    monkeypatch.setattr(tasks, "source_sync", flaky)
    result = source_sync_task.apply(args=[demo_source.pk])
    # apply() runs retries eagerly; after max_retries the transient error surfaces.
    assert isinstance(result.result, TransientConnectorError)
    assert result.state == "FAILURE"


def test_a_run_with_more_pages_enqueues_a_follow_up(demo_source, monkeypatch):
    enqueued = []
    monkeypatch.setattr("sources.connectors.demo.PAGE_SIZE", 1)
    monkeypatch.setattr(tasks.source_sync_task, "delay", lambda source_id: enqueued.append(source_id))
    monkeypatch.setattr("django.conf.settings.SYNC_MAX_PAGES_PER_RUN", 1)
    source_sync_task.run(demo_source.pk)
    assert enqueued == [demo_source.pk]


def test_sync_due_enqueues_one_task_per_due_source(demo_source, monkeypatch):
    enqueued = []
    monkeypatch.setattr(tasks.source_sync_task, "delay", lambda source_id: enqueued.append(source_id))
    sources_sync_due_task.run()
    sources_sync_due_task.run()
    assert enqueued == [demo_source.pk]


def test_retry_waits_for_the_platforms_reset_time():
    assert 120 < retry_countdown(retries=0, retry_after=120) <= 125


def test_retry_backoff_grows_and_is_capped():
    assert all(retry_countdown(retries=0, retry_after=None) <= 10 for _ in range(50))
    assert all(retry_countdown(retries=20, retry_after=None) <= 600 for _ in range(50))
    assert retry_countdown(retries=0, retry_after=7200) <= 900


def test_a_rate_limited_poll_is_retried_after_the_reset(demo_source, monkeypatch):
    retried = {}

    def flaky(**kwargs):
        raise TransientConnectorError("429 Too Many Requests", retry_after=300)

    def fake_retry(exc, countdown):
        retried.update(exc=exc, countdown=countdown)
        return RuntimeError("retry scheduled")

    monkeypatch.setattr(tasks, "source_sync", flaky)
    monkeypatch.setattr(source_sync_task, "retry", fake_retry)
    with pytest.raises(RuntimeError, match="retry scheduled"):
        source_sync_task.run(demo_source.pk)
    assert 300 < retried["countdown"] <= 305
