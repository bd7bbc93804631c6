"""Thin Celery tasks around clusters.services."""

import logging

from celery import shared_task
from django.utils import timezone

from clusters.services import (
    clusters_assign,
    clusters_assign_pending,
    clusters_detect_emerging,
    clusters_recluster,
)

logger = logging.getLogger(__name__)


# Embedding ~100 complaints takes 1-3 s once the model is loaded (~4 s the first time in a process).
@shared_task(name="clusters.clusters_assign", acks_late=True, soft_time_limit=120, time_limit=300)
def clusters_assign_task(mention_ids: list[int]) -> None:
    result = clusters_assign(mention_ids=mention_ids)
    logger.info("clustered %d complaints, %d new clusters", result.joined + result.started, result.started)


# At most CLUSTERS_CATCH_UP_LIMIT complaints (two assign chunks by default), so well inside the limits.
@shared_task(name="clusters.clusters_assign_pending", acks_late=True, soft_time_limit=240, time_limit=300)
def clusters_assign_pending_task() -> None:
    count = clusters_assign_pending()
    if count:
        logger.info("placed complaints whose assign task was lost: %d found", count)


# Re-clustering reuses stored embeddings; only complaints never placed are embedded (at most
# CLUSTERS_BACKFILL_LIMIT, about a minute), so a run stays well inside the hard limit and Redis's
# one-hour visibility timeout.
@shared_task(name="clusters.clusters_recluster", acks_late=True, soft_time_limit=1200, time_limit=1500)
def clusters_recluster_task() -> None:
    result = clusters_recluster()
    logger.info("re-clustered %s", result)


@shared_task(name="clusters.clusters_detect_emerging", acks_late=True, soft_time_limit=120, time_limit=300)
def clusters_detect_emerging_task() -> None:
    result = clusters_detect_emerging(now=timezone.now())
    if result.flagged or result.notified:
        logger.info("emerging clusters: flagged %s, notified %s", result.flagged, result.notified)
