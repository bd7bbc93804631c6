"""Thin Celery tasks around tracking.services (default queue: re-matching is CPU and database work)."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from tracking.models import BackfillJob
from tracking.services import BACKFILL_ACTIVE_STATUSES, backfill_job_run

logger = logging.getLogger(__name__)

# Batches per task run: about 20,000 mentions, well inside the soft time limit; the task then re-enqueues
# itself, so one long backfill never holds a worker past its time limit.
BATCHES_PER_RUN = 20
FETCH_CHECK_SECONDS = 5


@shared_task(
    name="tracking.backfill_job_run",
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
    # A deadlock with a concurrent enrichment write, or a dropped connection: the batch rolled back whole.
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def backfill_job_run_task(job_id: int) -> None:
    try:
        job = backfill_job_run(job_id=job_id, max_batches=BATCHES_PER_RUN)
    except BackfillJob.DoesNotExist:
        logger.warning("backfill %s no longer exists", job_id)
        return
    except SoftTimeLimitExceeded:
        # The batch in flight rolled back; the job resumes from the last committed one.
        job = BackfillJob.objects.get(pk=job_id)
    if job.status in BACKFILL_ACTIVE_STATUSES:
        # While the sources fetch history, look again a few seconds later instead of spinning.
        waiting = job.status == BackfillJob.Status.FETCHING and job.fetch_requested_at is not None
        backfill_job_run_task.apply_async((job_id,), countdown=FETCH_CHECK_SECONDS if waiting else 0)
