"""The default schedules go into the database once; after that the database, edited on the schedules page,
is the only copy, and neither a second install nor a scheduler start writes over it."""

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from administration.models import ConfigChange
from hospitallisten.celery import app
from schedules.selectors import periodic_task_defaults_missing, periodic_task_list
from schedules.services import periodic_task_update, periodic_tasks_install_defaults

EVERY_SIX_HOURS = {
    "minute": "17",
    "hour": "*/6",
    "day_of_month": "*",
    "month_of_year": "*",
    "day_of_week": "*",
}


def _edit(task: PeriodicTask, *, actor=None, enabled: bool = True, **fields) -> ConfigChange | None:
    spec = {name: getattr(task.crontab, name) for name in EVERY_SIX_HOURS} | fields
    return periodic_task_update(actor=actor, task=task, enabled=enabled, **spec)


def test_it_installs_every_default_with_its_crontab_expiry_and_description(db):
    created = periodic_tasks_install_defaults()

    assert created == list(settings.PERIODIC_TASK_DEFAULTS)
    recluster = PeriodicTask.objects.select_related("crontab").get(name="clusters-recluster")
    assert recluster.task == "clusters.clusters_recluster"
    assert (recluster.crontab.minute, recluster.crontab.hour, recluster.crontab.day_of_week) == (
        "17",
        "*/6",
        "*",
    )
    assert str(recluster.crontab.timezone) == settings.CELERY_TIMEZONE
    # The relative expiry of each run, where django-celery-beat keeps it (its "expires" is a date).
    assert recluster.expire_seconds == 6 * 3600 - 60 and recluster.expires is None
    assert recluster.enabled and recluster.description.startswith("Regroups recent complaints")
    assert periodic_task_defaults_missing() == []


def test_it_installs_only_what_is_missing_and_leaves_edited_tasks_alone(db, user_with_role):
    periodic_tasks_install_defaults()
    recluster = PeriodicTask.objects.select_related("crontab").get(name="clusters-recluster")
    _edit(recluster, minute="23", enabled=False)
    PeriodicTask.objects.filter(name="mentions-delete-expired").delete()

    # The next deploy or start runs the install again.
    assert periodic_tasks_install_defaults() == ["mentions-delete-expired"]

    recluster.refresh_from_db()
    assert (recluster.crontab.minute, recluster.crontab.hour, recluster.enabled) == ("23", "*/6", False)
    assert PeriodicTask.objects.count() == len(settings.PERIODIC_TASK_DEFAULTS)


def test_a_scheduler_start_reads_the_edit_and_does_not_write_over_it(db, monkeypatch):
    # Between ticks beat drops stale connections; in here that would be the test's own transaction.
    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)
    periodic_tasks_install_defaults()
    task = PeriodicTask.objects.select_related("crontab").get(name="sources-sync-due")
    _edit(task, minute="*/2")
    _edit(PeriodicTask.objects.select_related("crontab").get(name="enrichment-pending"), enabled=False)

    # What `celery beat` does on start: setup_schedule, which writes app.conf.beat_schedule into the database.
    scheduler = DatabaseScheduler(app=app)

    task.refresh_from_db()
    assert task.crontab.minute == "*/2"
    entry = scheduler.schedule["sources-sync-due"]
    assert entry.schedule.minute == set(range(0, 60, 2))
    assert entry.options["expires"] == 55
    assert "enrichment-pending" not in scheduler.schedule  # Disabled: never sent.
    assert "celery.backend_cleanup" not in scheduler.schedule


def test_the_defaults_must_be_crontabs_without_options_that_would_be_dropped(db):
    with pytest.raises(ValueError, match="crontab"):
        periodic_tasks_install_defaults(
            defaults={"every-minute": {"task": "sources.sources_sync_due", "schedule": timedelta(minutes=1)}}
        )
    with pytest.raises(ValueError, match="queue"):
        periodic_tasks_install_defaults(
            defaults={
                "queued": {"task": "x", "schedule": crontab(), "options": {"expires": 5, "queue": "default"}}
            }
        )
    assert not PeriodicTask.objects.exists()


def test_an_edit_changes_the_crontab_and_records_who_changed_what(db, user_with_role):
    ada = user_with_role("Admin")
    periodic_tasks_install_defaults()
    task = PeriodicTask.objects.select_related("crontab").get(name="clusters-detect-emerging")

    change = _edit(task, actor=ada, minute="15", hour="8-18", day_of_week="mon-fri")

    task.refresh_from_db()
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("15", "8-18", "mon-fri")
    assert change.actor == ada and change.action == ConfigChange.Action.CHANGED
    assert change.object_id == str(task.pk)
    assert change.changes == {
        "schedule": [
            "At 47 minutes past the hour (47 * * * *)",
            "At 15 minutes past the hour, between 08:00 and 18:59, Monday through Friday"
            " (15 8-18 * * mon-fri)",
        ]
    }


def test_turning_a_task_off_is_recorded_and_an_edit_that_changes_nothing_is_not(db):
    periodic_tasks_install_defaults()
    task = PeriodicTask.objects.select_related("crontab").get(name="imports-run-pending")

    assert _edit(task) is None
    change = _edit(task, enabled=False)

    assert change.changes == {"enabled": [True, False]}
    assert ConfigChange.objects.count() == 1


def test_an_edit_never_changes_the_schedule_of_another_task_on_the_same_crontab(db):
    periodic_tasks_install_defaults()
    enrichment = PeriodicTask.objects.get(name="enrichment-pending")
    imports = PeriodicTask.objects.get(name="imports-run-pending")
    assert enrichment.crontab_id == imports.crontab_id  # Both every five minutes: one shared row.

    _edit(enrichment, minute="*/15")

    imports.refresh_from_db()
    assert imports.crontab.minute == "*/5"
    assert PeriodicTask.objects.get(name="enrichment-pending").crontab.minute == "*/15"
    # Going back reuses the existing row rather than adding another.
    crontabs = CrontabSchedule.objects.count()
    _edit(PeriodicTask.objects.get(name="enrichment-pending"), minute="*/5")
    assert CrontabSchedule.objects.count() == crontabs
    assert PeriodicTask.objects.get(name="enrichment-pending").crontab_id == imports.crontab_id


def test_the_list_says_what_each_task_does_and_when_in_one_query(db, django_assert_num_queries):
    periodic_tasks_install_defaults()
    with django_assert_num_queries(1):
        rows = {row.task.name: row for row in periodic_task_list()}
    assert list(rows) == sorted(settings.PERIODIC_TASK_DEFAULTS)
    assert rows["sources-sync-due"].schedule_in_words == "Every minute"
    assert rows["mentions-delete-expired"].schedule_in_words == "At 03:41"
    assert rows["clusters-recluster"].expression == "17 */6 * * *"
    assert "poll interval is set on the source" in rows["sources-sync-due"].description


def test_the_command_installs_the_missing_defaults_and_says_so(db, capsys):
    call_command("setup_periodic_tasks")
    assert f"Installed {len(settings.PERIODIC_TASK_DEFAULTS)} periodic task(s)" in capsys.readouterr().out
    call_command("setup_periodic_tasks")
    assert "Every default periodic task is installed." in capsys.readouterr().out
