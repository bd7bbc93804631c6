"""Thin Celery tasks around sources.services."""

import logging
import random

from celery import shared_task
from django.db import InterfaceError, OperationalError

from sources.connectors.base import TransientConnectorError
from sources.models import Source
from sources.services import source_sync, sources_claim_due
from sources.services.webhooks import instagram_mentions_fetch, webhook_notification_fail

logger = logging.getLogger(__name__)

# Kept well below the broker's visibility timeout (1 h), or Redis would hand the task to a second worker.
MAX_RETRY_COUNTDOWN = 900
BACKOFF_BASE = 10
BACKOFF_MAX = 600


def retry_countdown(*, retries: int, retry_after: float | None) -> float:
    """Seconds before the next try: when the platform said (rate limits), else exponential backoff with
    full jitter, so many failing sources do not retry in step."""
    if retry_after:
        return min(retry_after + random.uniform(1, 5), MAX_RETRY_COUNTDOWN)
    return random.uniform(0, min(BACKOFF_MAX, BACKOFF_BASE * 2**retries))


@shared_task(name="sources.sources_sync_due")
def sources_sync_due_task() -> None:
    for source_id in sources_claim_due():
        source_sync_task.delay(source_id)


@shared_task(
    name="sources.source_sync", bind=True, acks_late=True, max_retries=5, soft_time_limit=120, time_limit=300
)
def source_sync_task(self, source_id: int) -> None:
    try:
        run = source_sync(source_id=source_id)
    except Source.DoesNotExist:
        logger.warning("source %s no longer exists; nothing to poll", source_id)
        return
    except (TransientConnectorError, OperationalError, InterfaceError) as error:
        # A dropped database connection (failover, restart) rolled back the page being stored and left its
        # cursor where it was: the retry fetches that page again.
        countdown = retry_countdown(
            retries=self.request.retries, retry_after=getattr(error, "retry_after", None)
        )
        raise self.retry(exc=error, countdown=countdown) from error
    if run is not None and run.has_more:
        source_sync_task.delay(source_id)


@shared_task(
    name="sources.instagram_mentions_fetch",
    bind=True,
    acks_late=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=120,
)
def instagram_mentions_fetch_task(self, notification_id: int) -> None:
    # Safe to run twice: ingest stores each mention once, and a processed notification is skipped.
    try:
        notification = instagram_mentions_fetch(notification_id=notification_id)
    except (TransientConnectorError, OperationalError, InterfaceError) as error:
        if self.request.retries >= self.max_retries:
            webhook_notification_fail(notification_id=notification_id, error=str(error))
            return
        countdown = retry_countdown(
            retries=self.request.retries, retry_after=getattr(error, "retry_after", None)
        )
        raise self.retry(exc=error, countdown=countdown) from error
    if notification is None:
        logger.warning("webhook notification %s no longer exists; nothing to read", notification_id)
