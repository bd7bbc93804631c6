"""The periodic tasks' schedules, kept in the database by django-celery-beat: installing the defaults from
settings.PERIODIC_TASK_DEFAULTS, and an administrator's changes to a task's crontab and enabled flag."""

from collections.abc import Mapping
from typing import Any

from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from administration.models import ConfigChange
from administration.services import config_change_record
from schedules.selectors import CRONTAB_FIELDS, crontab_expression, crontab_in_words

# Options a default entry may carry. Others (a queue, a priority) would be dropped on the way into the
# database, so they are refused instead; tasks are routed by name (CELERY_TASK_ROUTES).
SUPPORTED_OPTIONS = {"expires"}


def periodic_tasks_install_defaults(*, defaults: Mapping[str, Mapping[str, Any]] | None = None) -> list[str]:
    """Create the periodic tasks of `defaults` (settings.PERIODIC_TASK_DEFAULTS) that the database lacks, by
    name. A task already there is left exactly as it is, so an administrator's schedule or enabled flag
    survives every deploy and restart. Returns the names created.

    Writes PeriodicTask rows, and CrontabSchedule rows for schedules no task used before.
    """
    defaults = settings.PERIODIC_TASK_DEFAULTS if defaults is None else defaults
    created = []
    with transaction.atomic():
        for name, entry in defaults.items():
            schedule = entry["schedule"]
            if not isinstance(schedule, crontab):
                raise ValueError(f"{name}: periodic tasks run on crontab schedules, not {schedule!r}")
            options = entry.get("options", {})
            if unsupported := set(options) - SUPPORTED_OPTIONS:
                raise ValueError(f"{name}: unsupported options {sorted(unsupported)}")
            spec = {field: str(getattr(schedule, f"_orig_{field}")) for field in CRONTAB_FIELDS}
            # get_or_create: two installs at once (a deploy and a manual run) cannot both add a task.
            _, was_created = PeriodicTask.objects.get_or_create(
                name=name,
                defaults={
                    "task": entry["task"],
                    "crontab": _crontab_get_or_create(spec=spec, timezone=settings.CELERY_TIMEZONE),
                    # django-celery-beat keeps a relative expiry in expire_seconds ("expires" is a date).
                    "expire_seconds": options.get("expires"),
                    "description": entry.get("description", ""),
                },
            )
            if was_created:
                created.append(name)
    return created


def periodic_task_update(
    *,
    actor,
    task: PeriodicTask,
    minute: str,
    hour: str,
    day_of_month: str,
    month_of_year: str,
    day_of_week: str,
    enabled: bool,
) -> ConfigChange | None:
    """Set a periodic task's crontab and enabled flag; the scheduler picks the change up within seconds.
    Returns the audit record, or None when nothing changed.

    Writes the PeriodicTask row (and a CrontabSchedule row for a schedule no task used before) and a
    ConfigChange.
    """
    spec = {
        "minute": minute,
        "hour": hour,
        "day_of_month": day_of_month,
        "month_of_year": month_of_year,
        "day_of_week": day_of_week,
    }
    with transaction.atomic():
        # Locks the task only: its crontab row may be shared with other tasks.
        task = PeriodicTask.objects.select_for_update(of=("self",)).select_related("crontab").get(pk=task.pk)
        if task.crontab is None:
            raise ValidationError(
                "This task does not run on a crontab schedule; change it in the Django admin."
            )
        before = periodic_task_snapshot(task)
        if crontab_expression(task.crontab) != crontab_expression(spec):
            # Crontab rows are shared by every task on the same schedule: point this task at a row with the
            # new schedule rather than changing the one its neighbours use too.
            task.crontab = _crontab_get_or_create(spec=spec, timezone=task.crontab.timezone)
        task.enabled = enabled
        # Only these fields: the scheduler writes last_run_at and total_run_count on its own.
        # (django-celery-beat clears last_run_at itself when a task is disabled.)
        task.save(update_fields=["crontab", "enabled", "last_run_at", "date_changed"])
        return config_change_record(
            actor=actor,
            instance=task,
            action=ConfigChange.Action.CHANGED,
            before=before,
            after=periodic_task_snapshot(task),
        )


def periodic_task_snapshot(task: PeriodicTask) -> dict[str, Any]:
    """What the audit log compares: the schedule as words and expression, and the enabled flag."""
    if task.crontab is None:
        schedule = str(task.scheduler or "")
    else:
        schedule = f"{crontab_in_words(task.crontab)} ({crontab_expression(task.crontab)})"
    return {"schedule": schedule, "enabled": task.enabled}


def _crontab_get_or_create(*, spec: Mapping[str, str], timezone) -> CrontabSchedule:
    # Not CrontabSchedule.objects.get_or_create: the table has no unique constraint, and rows made in the
    # Django admin may repeat a schedule, which get() would refuse.
    found = CrontabSchedule.objects.filter(**spec, timezone=timezone).order_by("pk").first()
    return found or CrontabSchedule.objects.create(**spec, timezone=timezone)
