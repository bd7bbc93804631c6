"""Thin Celery tasks around triage.services."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from sources.connectors.base import TransientConnectorError
from sources.tasks import retry_countdown
from triage.models import Reply
from triage.services.replies import ReplySendInProgress, reply_send, reply_send_give_up

logger = logging.getLogger(__name__)


# acks_late is safe here: reply_send claims the reply with a conditional UPDATE, counts the attempt before
# calling the platform and, on any later attempt, looks on the platform for the reply before posting, so a
# redelivered task never posts twice. The hard limit stays below the service's claim (180 s), and every
# countdown below the broker's visibility timeout (sources.tasks.MAX_RETRY_COUNTDOWN).
@shared_task(
    name="triage.reply_send",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=120,
)
def reply_send_task(self, reply_id: int) -> None:
    try:
        reply_send(reply_id=reply_id)
    except Reply.DoesNotExist:
        logger.warning("reply %s no longer exists; nothing to post", reply_id)
    except (TransientConnectorError, ReplySendInProgress, OperationalError, InterfaceError) as error:
        if self.request.retries >= self.max_retries:
            reply_send_give_up(reply_id=reply_id, error=error)
            return
        countdown = retry_countdown(
            retries=self.request.retries, retry_after=getattr(error, "retry_after", None)
        )
        raise self.retry(exc=error, countdown=countdown) from error
