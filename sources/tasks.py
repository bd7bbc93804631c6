"""Thin Celery tasks around sources.services."""

import logging

import requests
from celery import shared_task

from sources.connectors.base import TransientConnectorError
from sources.models import Source
from sources.services import source_sync, sources_claim_due

logger = logging.getLogger(__name__)


@shared_task(name="sources.sources_sync_due")
def sources_sync_due_task() -> None:
    for source_id in sources_claim_due():
        source_sync_task.delay(source_id)


@shared_task(
    name="sources.source_sync",
    acks_late=True,
    autoretry_for=(TransientConnectorError, requests.ConnectionError, requests.Timeout),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=120,
    time_limit=300,
)
def source_sync_task(source_id: int) -> None:
    try:
        run = source_sync(source_id=source_id)
    except Source.DoesNotExist:
        logger.warning("source %s no longer exists; nothing to poll", source_id)
        return
    if run is not None and run.has_more:
        source_sync_task.delay(source_id)
