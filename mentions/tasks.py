"""Thin Celery tasks around mentions.services."""

import logging

from celery import shared_task

from mentions.importing import import_job_run, import_jobs_pending
from mentions.models import ImportJob
from mentions.partitions import mention_partitions_ensure
from mentions.services import mentions_delete_expired

logger = logging.getLogger(__name__)


@shared_task(name="mentions.import_job_run", acks_late=True, soft_time_limit=1800, time_limit=1900)
def import_job_run_task(job_id: int) -> None:
    try:
        import_job_run(job_id=job_id)
    except ImportJob.DoesNotExist:
        logger.warning("import job %s no longer exists", job_id)


@shared_task(name="mentions.import_jobs_run_pending")
def import_jobs_run_pending_task() -> None:
    """Picks up jobs whose task was lost (for example enqueued while the broker was down)."""
    for job_id in import_jobs_pending():
        import_job_run_task.delay(job_id)


# A first run after a long retention change can delete a lot; batches commit as they go, so a run cut off
# by the time limit loses nothing and the next night continues.
@shared_task(name="mentions.mentions_delete_expired", soft_time_limit=1800, time_limit=1900)
def mentions_delete_expired_task() -> None:
    mentions_delete_expired()


@shared_task(name="mentions.mention_partitions_ensure")
def mention_partitions_ensure_task() -> None:
    mention_partitions_ensure()
