"""Critical complaints whose on-call contact was never told, found and told within minutes (patient safety).

Two ways a contact can miss an escalation: its notify task was lost (the broker was down when it was sent
after the commit, or dropped it), or the escalation itself was never made (the worker stopped between
queueing the complaint and escalating it). A periodic sweep closes both:

- an escalation not attempted a couple of minutes after it was made (attempts == 0, not claimed) is
  notified by the sweep itself through escalation_notify, under the same claim as the task and with the
  same sent stamps, so the contact is told once whoever gets there first; a transient failure hands it to
  the notify task's retries;
- an escalation still pending long after the task's whole retry schedule lost its retry: it gets one last
  attempt, and is marked failed if that fails too, so it is never tried ahead of a backoff still running;
- a critical complaint queued automatically that has no escalation at all is escalated by
  queue_items_escalate_critical, the service that should have done it (same severity rule, same switch,
  the contacts on call now), if someone was on call when it was queued, as that service required then,
  and if nobody has re-tagged or closed it since (a person who has is the one to decide).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import CharField, Exists, IntegerField, OuterRef, Q, Value
from django.utils import timezone

from enrichment.models import ClassificationLabel
from enrichment.taxonomy import Severity
from hospitallisten.lib.tasks import task_send_or_log
from triage.models import OPEN_STATUSES, Escalation, OnCallContact, QueueItem
from triage.services.escalation import (
    EscalationNotifyError,
    auto_escalate_enabled,
    escalation_notify,
    escalation_notify_give_up,
    queue_items_escalate_critical,
)

logger = logging.getLogger(__name__)

# The notify task is sent right after the commit and starts within seconds; one not started after this
# was lost on its way to the broker.
SWEEP_GRACE = timedelta(minutes=2)
# Longer than the notify task's whole schedule (six attempts of at most 90 s, five waits of at most 600 s)
# plus the broker's redelivery of a task whose worker died (an hour): a pending escalation this old that
# nobody is notifying has lost its retry.
RETRIES_OVER_AFTER = timedelta(hours=3)
# Only recently queued complaints are checked for a missing escalation: one is missed at the moment of
# queueing and found by the next sweep; the window keeps the query on a small slice of the queue.
MISSING_LOOKBACK = timedelta(hours=6)
# Each one may wait on the mail server and a 10 s webhook; the rest are taken at the next run.
SWEEP_LIMIT = 10

NOTIFY, ESCALATE = "notify", "escalate"


@dataclass(slots=True)
class EscalationSweepResult:
    notified: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    escalated: int = 0

    def __bool__(self) -> bool:
        return bool(self.notified or self.failed or self.retrying or self.escalated)


def _due(*, now: datetime, limit: int) -> list[tuple[str, int, int]]:
    """(kind, id, attempts) of the escalations to notify and the items to escalate, in one query."""
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    lost = (
        Escalation.objects.filter(
            unclaimed,
            Q(attempts=0, created_at__lt=now - SWEEP_GRACE) | Q(created_at__lt=now - RETRIES_OVER_AFTER),
            status=Escalation.Status.PENDING,
        )
        .order_by("created_at")
        .values_list(Value(NOTIFY, output_field=CharField()), "pk", "attempts")[:limit]
    )
    if not auto_escalate_enabled():
        return list(lost)
    # The service escalates when it queues a complaint, to whoever is on call then; with nobody on call,
    # nothing was owed. (The rota's periods are as they were; the on/off switch is read as it is now.)
    someone_on_call_then = OnCallContact.objects.filter(
        Q(on_call_from__isnull=True) | Q(on_call_from__lte=OuterRef("created_at")),
        Q(on_call_until__isnull=True) | Q(on_call_until__gt=OuterRef("created_at")),
        on_call=True,
    )
    missing = (
        QueueItem.objects.filter(
            Exists(someone_on_call_then),
            severity=Severity.CRITICAL,
            flagged_by__isnull=True,  # Added by a person: never escalated automatically.
            status__in=OPEN_STATUSES,
            created_at__gte=now - MISSING_LOOKBACK,
            created_at__lt=now - SWEEP_GRACE,
        )
        .exclude(Exists(Escalation.objects.filter(item=OuterRef("pk"))))
        .exclude(Exists(ClassificationLabel.objects.filter(mention=OuterRef("mention_id"))))
        .order_by("created_at")
        .values_list(Value(ESCALATE, output_field=CharField()), "pk", Value(0, output_field=IntegerField()))[
            :limit
        ]
    )
    # One round trip whether or not there is anything to do: the sweep runs every few minutes.
    return list(lost.union(missing, all=True))


def escalations_sweep(*, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> EscalationSweepResult:
    """Tell the contacts of escalations whose notify task was lost, and escalate critical complaints that
    should have been and were not (see the module docstring). One query when there is nothing to do.

    Creates Escalations and AuditEntries; updates Escalations; sends emails and webhook POSTs; may enqueue
    triage.escalation_notify (a retry, or for a new escalation).
    """
    now = now or timezone.now()
    result = EscalationSweepResult()
    due = _due(now=now, limit=limit)
    if not due:
        return result
    item_ids = [pk for kind, pk, _ in due if kind == ESCALATE]
    if item_ids:
        result.escalated = _escalate_missing(item_ids=item_ids, now=now)
    for kind, escalation_id, attempts in due:
        if kind == NOTIFY:
            _notify(escalation_id=escalation_id, last_try=attempts > 0, result=result)
    return result


def _escalate_missing(*, item_ids: list[int], now: datetime) -> int:
    items = list(QueueItem.objects.select_related("mention").filter(pk__in=item_ids).order_by("created_at"))
    made = queue_items_escalate_critical(items=items, now=now)
    if made:
        logger.warning("made %d escalations missed when their critical complaints were queued", made)
    return made


def _notify(*, escalation_id: int, last_try: bool, result: EscalationSweepResult) -> None:
    from sources.tasks import retry_countdown
    from triage.tasks import escalation_notify_task  # The tasks module imports the services.

    try:
        escalation = escalation_notify(escalation_id=escalation_id)
    except Escalation.DoesNotExist:
        return  # Its item was deleted since the query.
    except EscalationNotifyError as error:
        # Transient (the service settles permanent failures itself).
        if last_try:
            escalation_notify_give_up(escalation_id=escalation_id, error=error)
            result.failed.append(escalation_id)
            return
        task_send_or_log(
            escalation_notify_task,
            escalation_id,
            countdown=retry_countdown(retries=0, retry_after=None),
            fallback="the triage-escalations-sweep task tries it one last time later",
        )
        result.retrying.append(escalation_id)
        return
    if escalation.status == Escalation.Status.SENT:
        result.notified.append(escalation_id)
    elif escalation.status == Escalation.Status.FAILED:
        result.failed.append(escalation_id)
    # Still pending: a task holds the claim right now and notifies it.
