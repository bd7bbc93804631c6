"""Sending follow-up tasks after a commit, when the broker may be down."""

import logging

from celery import Task
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)


def task_send_or_log(task: Task, *args, fallback: str, countdown: float | None = None, **kwargs) -> bool:
    """Send a task; if the broker cannot take it, log an error naming the fallback and return False.

    For follow-ups of data already committed: raising there would fail the caller after the fact and skip
    its remaining follow-ups, while `fallback` (a periodic catch-up that finds the work in the database,
    or what a person can do) still gets the work done.
    """
    try:
        if countdown is None:
            task.delay(*args, **kwargs)
        else:
            task.apply_async(args=list(args), kwargs=kwargs, countdown=countdown)
    except BrokerUnavailable as error:
        logger.error(
            "could not send %s, the broker is unavailable (%s); fallback: %s", task.name, error, fallback
        )
        return False
    return True
