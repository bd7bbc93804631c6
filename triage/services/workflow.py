"""The status machine: moving an item between statuses, closing it with an outcome, and reopening it."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from triage.models import ALLOWED_TRANSITIONS, CLOSED_STATUSES, REOPEN_TARGETS, AuditEntry, QueueItem, Status
from triage.services._common import STATUS_FIELDS, audit_entry_record, lock, mention_status_sync, snapshot


class TransitionError(ValidationError):
    """A status move the status machine does not allow, or one missing what it needs."""


def _label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else repr(status)


def transition_check(*, current: str, target: str) -> None:
    """Raise a TransitionError naming both states and the allowed next ones if current -> target is bad."""
    allowed = ALLOWED_TRANSITIONS.get(current, ())
    if target not in allowed:
        options = ", ".join(f"“{_label(status)}”" for status in allowed) or "none"
        raise TransitionError(
            f"Cannot move a queue item from “{_label(current)}” to “{_label(target)}”. "
            f"Allowed next states: {options}.",
            code="illegal_transition",
        )


def move(item: QueueItem, target: str, *, reason: str = "", now: datetime) -> None:
    """Apply a legal status move to the in-memory item (no save), with the timestamps it implies."""
    transition_check(current=item.status, target=target)
    if target == Status.ASSIGNED and not (item.assignee_id or item.team_id):
        raise TransitionError(
            "An item can only be “Assigned” once it has an assignee or a team; assign it instead.",
            code="needs_assignee",
        )
    if target == Status.DISMISSED and reason not in QueueItem.DismissReason.values:
        reasons = ", ".join(QueueItem.DismissReason.values)
        raise TransitionError(f"Dismissing needs a reason, one of: {reasons}.", code="needs_reason")
    if item.status in CLOSED_STATUSES and target not in CLOSED_STATUSES:
        # Reopened: the case is live again, so the old closing details no longer describe it.
        item.resolved_at, item.outcome = None, ""
    item.dismiss_reason = reason if target == Status.DISMISSED else ""
    if target == Status.REPLIED and item.first_response_at is None:
        item.first_response_at = now
    if target in CLOSED_STATUSES:
        item.resolved_at = now
    item.status = target


def _save_status(item: QueueItem, *extra_fields: str) -> None:
    item.save(update_fields=[*STATUS_FIELDS, *extra_fields, "updated_at"])
    mention_status_sync(mention_ids=[item.mention_id], status=item.status)


def queue_item_transition(
    *, item: QueueItem, user, status: str, reason: str = "", now: datetime | None = None
) -> QueueItem:
    """Move an item to another status (reason required to dismiss); raises TransitionError if not allowed.

    Updates the QueueItem and Mention.triage_status; writes an AuditEntry.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock(item)
        before = snapshot(item, STATUS_FIELDS)
        reopening = item.status in CLOSED_STATUSES and status not in CLOSED_STATUSES
        move(item, status, reason=reason, now=now)
        _save_status(item)
        action = AuditEntry.Action.REOPENED if reopening else AuditEntry.Action.STATUS_CHANGED
        audit_entry_record(
            item=item, actor=user, action=action, before=before, after=snapshot(item, STATUS_FIELDS), now=now
        )
    return item


def queue_item_close(
    *,
    item: QueueItem,
    user,
    outcome: str,
    action_taken: str = "",
    action_department: str = "",
    now: datetime | None = None,
) -> QueueItem:
    """Resolve an item with its outcome and the action taken.

    Updates the QueueItem and Mention.triage_status; writes an AuditEntry.
    """
    if outcome not in QueueItem.Outcome.values:
        raise ValidationError(
            f"Unknown outcome {outcome!r}; choose one of {', '.join(QueueItem.Outcome.values)}."
        )
    now = now or timezone.now()
    fields = [*STATUS_FIELDS, "action_taken", "action_department"]
    with transaction.atomic():
        lock(item)
        before = snapshot(item, fields)
        move(item, Status.RESOLVED, now=now)
        item.outcome, item.action_taken, item.action_department = outcome, action_taken, action_department
        _save_status(item, "action_taken", "action_department")
        audit_entry_record(
            item=item,
            actor=user,
            action=AuditEntry.Action.CLOSED,
            before=before,
            after=snapshot(item, fields),
            now=now,
        )
    return item


def queue_item_reopen(*, item: QueueItem, user, now: datetime | None = None) -> QueueItem:
    """Reopen a resolved item (back to in progress) or a dismissed one (back to new).

    Updates the QueueItem and Mention.triage_status; writes an AuditEntry.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock(item)
        if item.status not in REOPEN_TARGETS:
            raise TransitionError(
                f"Only resolved or dismissed items can be reopened; this one is “{_label(item.status)}”.",
                code="not_closed",
            )
        before = snapshot(item, STATUS_FIELDS)
        move(item, REOPEN_TARGETS[item.status], now=now)
        _save_status(item)
        audit_entry_record(
            item=item,
            actor=user,
            action=AuditEntry.Action.REOPENED,
            before=before,
            after=snapshot(item, STATUS_FIELDS),
            now=now,
        )
    return item
