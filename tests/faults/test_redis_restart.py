"""Redis stopped and started again while polling runs: the worker and the scheduler reconnect, polling
resumes from the saved cursors, and the polls that could not run show as a coverage gap. The Redis is the
test's own (never the shared one on 6379)."""

import time
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from mentions.models import Mention
from sources.models import CoverageGap, Source, SyncRun
from tests.factories import SourceFactory, demo_post

from .conftest import wait_for

pytestmark = pytest.mark.faults


def test_workers_and_scheduler_come_back_after_redis_restarts_and_the_missed_polls_show_as_a_gap(
    hospitals, write_dataset, processes, own_redis
):
    posts = [demo_post(n, f"Parking at Riverside General, visit {n}", age_hours=10 - n) for n in range(1, 5)]
    # Two posts "published" an hour after the data set's end: they appear only once the clock moves on.
    posts += [demo_post(n, f"Riverside General ER, visit {n}", age_hours=-1) for n in (5, 6)]
    source = SourceFactory(
        name="Demo data",
        kind=Source.Kind.DEMO,
        config={"anchor": timezone.now().isoformat(), "dataset_path": str(write_dataset(posts))},
        poll_interval_minutes=1,
    )
    worker, beat = processes.worker(concurrency=1), processes.beat()
    assert wait_for(lambda: Mention.objects.count() == 4, timeout=45), processes.output()

    own_redis.stop()
    # While the broker is down: the clock moves on two hours, so the two posts appear on the platform, and
    # (compressed for the test) the source goes unpolled for ten minutes; it is due again.
    config = {
        **source.config,
        "anchor": (datetime.fromisoformat(source.config["anchor"]) - timedelta(hours=2)),
    }
    config["anchor"] = config["anchor"].isoformat()
    Source.objects.filter(pk=source.pk).update(
        config=config,
        last_run_at=timezone.now() - timedelta(minutes=10),
        next_poll_at=timezone.now(),
    )
    runs_before = SyncRun.objects.count()
    time.sleep(3)
    assert worker.poll() is None and beat.poll() is None, (
        "a process died with the broker\n" + processes.output()
    )
    assert SyncRun.objects.count() == runs_before  # Nothing polled without the broker.
    own_redis.start()

    assert wait_for(lambda: Mention.objects.count() == 6, timeout=45), (
        "polling did not resume after Redis came back\n" + processes.output()
    )
    assert Mention.objects.values("external_id").distinct().count() == 6
    gap = CoverageGap.objects.get(source=source, reason=CoverageGap.Reason.OUTAGE)
    assert gap.end is not None and gap.end - gap.start >= timedelta(minutes=8)
    assert "Not polled for" in gap.detail
    assert worker.poll() is None and beat.poll() is None
