"""Thin Celery tasks around webhooks.services."""

import logging

from celery import shared_task

from sources.tasks import retry_countdown
from webhooks.models import Delivery
from webhooks.services import DeliveryTransientError, webhook_deliveries_sweep, webhook_delivery_send

logger = logging.getLogger(__name__)


# acks_late: a redelivered task sends the delivery again, which receivers already handle (at-least-once,
# de-duplicated on the event id); the largest countdown (sources.tasks) stays below the visibility timeout.
@shared_task(
    name="webhooks.webhook_delivery_send",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    soft_time_limit=30,
    time_limit=60,
)
def webhook_delivery_send_task(self, delivery_id: int, replay: bool = False) -> None:
    last_attempt = replay or self.request.retries >= self.max_retries
    try:
        webhook_delivery_send(delivery_id=delivery_id, last_attempt=last_attempt, replay=replay)
    except Delivery.DoesNotExist:
        logger.warning("delivery %s no longer exists; nothing to send", delivery_id)
    except DeliveryTransientError as error:
        countdown = retry_countdown(retries=self.request.retries, retry_after=error.retry_after)
        raise self.retry(exc=error, countdown=countdown) from error


# Queues again the deliveries whose task was lost (webhook_deliveries_sweep); cheap when there are none.
@shared_task(name="webhooks.webhook_deliveries_sweep", soft_time_limit=120, time_limit=180)
def webhook_deliveries_sweep_task() -> None:
    queued = webhook_deliveries_sweep()
    if queued:
        logger.warning("queued again %d webhook deliveries whose send task was lost", queued)
