"""Reads of the periodic tasks for the schedules settings page."""

from collections.abc import Mapping
from dataclasses import dataclass

from cron_descriptor import ExpressionDescriptor, FormatException, Options, WrongArgumentException
from django.conf import settings
from django_celery_beat.models import CrontabSchedule, PeriodicTask

# A cron expression's fields, in its order.
CRONTAB_FIELDS = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")


@dataclass(frozen=True)
class PeriodicTaskRow:
    task: PeriodicTask
    description: str
    schedule_in_words: str
    expression: str | None  # None for a schedule that is not a crontab (set in the Django admin)
    # Shown only when it differs from the site's; "every 5 minutes" needs none.
    time_zone: str | None

    @property
    def editable(self) -> bool:
        return self.expression is not None


def crontab_spec(schedule: CrontabSchedule) -> dict[str, str]:
    return {field: getattr(schedule, field) for field in CRONTAB_FIELDS}


def crontab_expression(spec: CrontabSchedule | Mapping[str, str]) -> str:
    """The five-field cron expression: "17 */6 * * *"."""
    if isinstance(spec, CrontabSchedule):
        spec = crontab_spec(spec)
    return " ".join(str(spec[field]) for field in CRONTAB_FIELDS)


def crontab_in_words(spec: CrontabSchedule | Mapping[str, str]) -> str:
    """The schedule in plain English ("At 17 minutes past the hour, every 6 hours"), or the expression
    itself where the describer cannot read it."""
    expression = crontab_expression(spec)
    options = Options()
    options.use_24hour_time_format = True
    try:
        return ExpressionDescriptor(expression, options).get_description()
    except (FormatException, WrongArgumentException, ValueError):
        return expression


def periodic_task_list() -> list[PeriodicTaskRow]:
    """Every periodic task the scheduler knows, by name, with what it does and its schedule in words.
    One query."""
    tasks = PeriodicTask.objects.select_related("crontab", "interval", "solar", "clocked").order_by("name")
    defaults = settings.PERIODIC_TASK_DEFAULTS
    rows = []
    for task in tasks:
        # The defaults' text is the product's own and follows the code; a task added elsewhere keeps its own.
        description = defaults.get(task.name, {}).get("description") or task.description
        if task.crontab is not None:
            zone = str(task.crontab.timezone)
            rows.append(
                PeriodicTaskRow(
                    task=task,
                    description=description,
                    schedule_in_words=crontab_in_words(task.crontab),
                    expression=crontab_expression(task.crontab),
                    time_zone=None if zone == settings.CELERY_TIMEZONE else zone,
                )
            )
        else:
            schedule = str(task.scheduler) if task.scheduler else "No schedule"
            rows.append(PeriodicTaskRow(task, description, schedule, expression=None, time_zone=None))
    return rows


def periodic_task_defaults_missing() -> list[str]:
    """Default tasks the database lacks: the scheduler never sends them until setup_periodic_tasks runs."""
    names = list(settings.PERIODIC_TASK_DEFAULTS)
    present = set(PeriodicTask.objects.filter(name__in=names).values_list("name", flat=True))
    return [name for name in names if name not in present]
