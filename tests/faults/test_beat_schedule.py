"""The scheduler as deployed: a real `celery beat` process with django-celery-beat's DatabaseScheduler on
the test database. It sends what the database says, starts without writing over an administrator's edits,
and picks up a change made on the schedules page while it runs. Bounded to a few seconds."""

import re

import pytest
import redis
from django_celery_beat.models import PeriodicTask

from schedules.services import periodic_task_update, periodic_tasks_install_defaults

from .conftest import wait_for

pytestmark = pytest.mark.faults


def _log(processes) -> str:
    return processes.logs[-1].read_text(errors="replace")


def _edit(name: str, **fields) -> None:
    task = PeriodicTask.objects.select_related("crontab").get(name=name)
    spec = {
        f: getattr(task.crontab, f)
        for f in ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
    }
    periodic_task_update(actor=None, task=task, **(spec | {"enabled": task.enabled} | fields))


def test_beat_sends_from_the_database_keeps_edits_on_start_and_follows_a_live_change(processes, own_redis):
    periodic_tasks_install_defaults()
    _edit("clusters-recluster", minute="23")
    _edit("enrichment-pending", enabled=False)

    beat = processes.beat(loglevel="debug")  # The due-sources check every second, from the database.

    assert wait_for(lambda: "Sending due task sources-sync-due" in _log(processes), timeout=15), (
        processes.output()
    )
    assert redis.Redis.from_url(own_redis.url).llen("polling") >= 1  # Handed to the workers' queue.
    startup = _log(processes)
    assert re.search(
        r"clusters-recluster clusters\.clusters_recluster.*<crontab: 23 \*/6\s+\*\s+\*\s+\*", startup
    )
    assert "enrichment-pending" not in startup.split("Current schedule:", 1)[1]
    recluster = PeriodicTask.objects.select_related("crontab").get(name="clusters-recluster")
    assert recluster.crontab.minute == "23"  # Starting did not put the default back.
    assert not PeriodicTask.objects.get(name="enrichment-pending").enabled

    _edit("clusters-detect-emerging", minute="5")

    changed = wait_for(
        lambda: re.search(r"Schedule changed\.(?s:.*)<crontab: 5 \*\s+\*\s+\*\s+\*", _log(processes)),
        timeout=10,
    )
    assert changed, processes.output()
    assert beat.poll() is None
