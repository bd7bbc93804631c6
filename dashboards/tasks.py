"""Thin Celery tasks around dashboards.rollups."""

from datetime import date

from celery import shared_task

from dashboards.rollups import mention_days_rebuild_recent, mention_days_refresh


# A day is ~5,000 mentions at 2M a year: its recompute takes tens of milliseconds. Idempotent, so a
# redelivered task (acks_late) only repeats the same result.
@shared_task(name="dashboards.mention_days_refresh", acks_late=True, soft_time_limit=120, time_limit=300)
def mention_days_refresh_task(days: list[str]) -> None:
    mention_days_refresh(days=[date.fromisoformat(day) for day in days])


@shared_task(
    name="dashboards.mention_days_rebuild_recent", acks_late=True, soft_time_limit=120, time_limit=300
)
def mention_days_rebuild_recent_task() -> None:
    mention_days_rebuild_recent()
