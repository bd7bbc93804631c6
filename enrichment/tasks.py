"""Thin Celery tasks around enrichment.services."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from clusters.tasks import clusters_assign_task
from dashboards.rollups import mention_days_refresh_enqueue
from enrichment.models import RetagJob
from enrichment.services import mentions_enrich, mentions_enrich_pending, retag_job_run
from hospitallisten.lib.tasks import task_send_or_log
from triage.services import queue_items_sync

logger = logging.getLogger(__name__)


@shared_task(name="enrichment.mentions_enrich", acks_late=True, soft_time_limit=120, time_limit=300)
def mentions_enrich_task(mention_ids: list[int]) -> None:
    result = mentions_enrich(mention_ids=mention_ids)
    # The dashboards' daily rollup counts sentiment and complaint tags, which just changed.
    mention_days_refresh_enqueue(days=result.days)
    if not result.complaint_ids:
        return
    # Complaints about the customer's own hospital join the triage queue as soon as they are tagged.
    queue_items_sync(mention_ids=result.complaint_ids)
    # Outside any transaction here, so the cluster task sees the tags just written. If the broker is down,
    # the catch-up schedule places them within minutes instead of the next re-clustering.
    task_send_or_log(
        clusters_assign_task, list(result.complaint_ids), fallback="the clusters-assign-pending schedule"
    )


@shared_task(name="enrichment.mentions_enrich_pending")
def mentions_enrich_pending_task() -> None:
    count = mentions_enrich_pending()
    if count:
        logger.info("re-enqueued enrichment of %d mentions", count)


@shared_task(name="enrichment.retag_job_run", acks_late=True, soft_time_limit=240, time_limit=300)
def retag_job_run_task(job_id: int) -> None:
    try:
        job = retag_job_run(job_id=job_id, max_chunks=20)
    except RetagJob.DoesNotExist:
        logger.warning("re-tag job %s no longer exists", job_id)
        return
    except SoftTimeLimitExceeded:
        job = RetagJob.objects.get(pk=job_id)
    if job.status == RetagJob.Status.RUNNING:
        retag_job_run_task.delay(job_id)
