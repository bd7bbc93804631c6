"""A real Celery worker process, consuming from the real Redis and writing to the real Postgres."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from mentions.models import Mention
from sources.models import SyncRun
from sources.tasks import source_sync_task

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def worker_process(transactional_db):
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hospitallisten.settings.test",
        # The worker must use the database this test is using, which pytest-django created.
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "hospitallisten",
        "worker",
        "--queues",
        ",".join(settings.WORKER_QUEUES),
        "--concurrency",
        "2",
        "--loglevel",
        "warning",
        "--without-gossip",
        "--without-mingle",
    ]
    process = subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    yield process
    process.terminate()
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    if os.environ.get("SHOW_WORKER_OUTPUT"):
        print(output.decode(errors="replace"))


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def test_a_worker_ingests_a_source_and_repeated_polls_store_nothing_twice(demo_source, worker_process):
    # Two polls of the same source at once, then one more: the lock and the unique constraint keep
    # every mention stored exactly once.
    source_sync_task.delay(demo_source.pk)
    source_sync_task.delay(demo_source.pk)
    assert wait_for(lambda: SyncRun.objects.filter(finished_at__isnull=False).exists()), (
        "the worker did not poll"
    )
    source_sync_task.delay(demo_source.pk)
    assert wait_for(lambda: SyncRun.objects.filter(finished_at__isnull=False).count() >= 2)
    assert worker_process.poll() is None, "the worker crashed"
    assert Mention.objects.count() == 6
    assert Mention.objects.filter(match_status="matched", hospital__isnull=False).count() == 5
