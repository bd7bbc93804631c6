"""Thin Celery tasks around triage.services."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from sources.connectors.base import TransientConnectorError
from sources.tasks import retry_countdown
from triage.models import Escalation, Reply
from triage.services.escalation import EscalationNotifyError, escalation_notify, escalation_notify_give_up
from triage.services.escalation_sweeper import escalations_sweep
from triage.services.replies import ReplySendInProgress, reply_send, reply_send_give_up
from triage.services.reply_sweeper import replies_sweep_stuck

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


# acks_late is safe: escalation_notify claims the row with a conditional UPDATE and stamps the email and
# the webhook as each goes out, so a redelivered or retried task sends only what has not gone yet.
@shared_task(
    name="triage.escalation_notify",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    soft_time_limit=45,
    time_limit=90,
)
def escalation_notify_task(self, escalation_id: int) -> None:
    try:
        escalation_notify(escalation_id=escalation_id)
    except Escalation.DoesNotExist:
        logger.warning("escalation %s no longer exists; nobody to notify", escalation_id)
    except (EscalationNotifyError, OperationalError, InterfaceError) as error:
        if getattr(error, "permanent", False):
            return
        if self.request.retries >= self.max_retries:
            escalation_notify_give_up(escalation_id=escalation_id, error=error)
            return
        raise self.retry(
            exc=error, countdown=retry_countdown(retries=self.request.retries, retry_after=None)
        ) from error


# Only reads the platforms (never posts), so a second run at the same time finds the replies claimed.
@shared_task(name="triage.replies_sweep_stuck", acks_late=True, soft_time_limit=240, time_limit=290)
def replies_sweep_stuck_task() -> None:
    result = replies_sweep_stuck()
    if result.sent or result.failed or result.unresolved:
        logger.info(
            "stuck replies: found sent %s, failed %s, still unresolved %s",
            result.sent,
            result.failed,
            result.unresolved,
        )


# Sends only under escalation_notify's claim and sent stamps, so a run overlapping a notify task (or a
# second run) never tells a contact twice.
@shared_task(name="triage.escalations_sweep", acks_late=True, soft_time_limit=240, time_limit=290)
def escalations_sweep_task() -> None:
    result = escalations_sweep()
    if result:
        logger.warning(
            "escalations caught up: made %s, notified %s, failed %s, handed to retries %s",
            result.escalated,
            result.notified,
            result.failed,
            result.retrying,
        )
