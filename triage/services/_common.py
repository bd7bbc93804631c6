"""Helpers shared by the triage services: locking, field snapshots for the audit trail, saving a status."""

from collections.abc import Iterable
from datetime import datetime

from django.db import models
from django.utils import timezone

from mentions.models import Mention
from triage.models import AuditEntry, QueueItem, SlaTarget
from triage.priority import DEFAULT_SLA_HOURS, DEFAULT_SLA_SEVERITY, compute_priority, due_times
from webhooks.events import queue_item_status_changes_emit

STATUS_FIELDS = ["status", "dismiss_reason", "first_response_at", "resolved_at", "outcome"]
PLAN_FIELDS = ["priority", "sla_first_response_due", "sla_resolution_due", "routed_to_risk"]
# The mention's tags and origin copied onto the item for the queue's filters (see QueueItem); saved with the
# plan but kept out of audit entries, which record the mention's tags themselves.
MENTION_COPY_FIELDS = ["severity", "category", "platform", "hospital_id"]


def lock(item: QueueItem) -> None:
    """Reload the item under a row lock, so two people acting on it at once are applied one after the other
    (the second sees the first one's status). Call inside transaction.atomic()."""
    item.refresh_from_db(from_queryset=QueueItem.objects.select_for_update(of=("self",)))


def lock_many(items: Iterable[QueueItem]) -> list[QueueItem]:
    """The given items, freshly loaded under row locks, in id order (a fixed order avoids deadlocks between
    two bulk actions on overlapping selections)."""
    ids = {item.pk for item in items}
    return list(
        QueueItem.objects.select_for_update(of=("self",))
        .select_related("mention")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def snapshot(item: models.Model, fields: Iterable[str]) -> dict:
    """The item's current values of fields, by attribute name (assignee_id rather than assignee)."""
    return {field: getattr(item, field) for field in fields}


def audit_entry(
    *, item: QueueItem, actor, action: str, before: dict, after: dict, now: datetime
) -> AuditEntry:
    """An unsaved audit entry (bulk actions create many at once)."""
    return AuditEntry(item=item, actor=actor, action=action, before=before, after=after, created_at=now)


def audit_entry_record(
    *, item: QueueItem, actor, action: str, before: dict, after: dict, now: datetime
) -> None:
    """Write one AuditEntry. Only changed fields are kept, so the trail reads as a list of changes."""
    changed = [key for key in after if before.get(key) != after[key]] or list(after)
    entry = audit_entry(
        item=item,
        actor=actor,
        action=action,
        before={key: before[key] for key in changed if key in before},
        after={key: after[key] for key in changed},
        now=now,
    )
    entry.save()
    # Notes, replies and escalations do not save the item itself, yet an integration syncing with
    # updated_since must see them: everything on the audit trail moves the item's updated_at.
    QueueItem.objects.filter(pk=item.pk).update(updated_at=timezone.now())
    queue_item_status_changes_emit(entries=[entry])


def mention_status_sync(*, mention_ids: Iterable[int], status: str) -> None:
    """Mirror the queue status onto Mention.triage_status, which the mention pages filter on."""
    Mention.objects.filter(pk__in=list(mention_ids)).update(triage_status=status, updated_at=timezone.now())


def sla_targets() -> dict[str, SlaTarget]:
    """The SLA target of each severity: the stored row, or the built-in default when there is none."""
    targets = {
        severity: SlaTarget(severity=severity, first_response_hours=first, resolution_hours=resolution)
        for severity, (first, resolution) in DEFAULT_SLA_HOURS.items()
    }
    return targets | {target.severity: target for target in SlaTarget.objects.all()}


def routes_to_risk(mention: Mention) -> bool:
    """Safety complaints and anything critical go to risk management / patient safety as well."""
    return mention.category == "safety" or mention.severity == "critical"


def plan(item: QueueItem, mention: Mention, targets: dict[str, SlaTarget]) -> None:
    """Set the item's priority, SLA due times (from its created_at), risk routing and its copies of the
    mention's tags and origin (MENTION_COPY_FIELDS) from the mention. Routing is never undone here: once
    risk management has been told, a later correction downwards does not silently take the item off their
    list."""
    for field in MENTION_COPY_FIELDS:
        setattr(item, field, getattr(mention, field))
    item.priority = compute_priority(
        severity=mention.severity or None,
        followers=mention.author_followers,
        likes=mention.likes,
        shares=mention.shares,
        replies=mention.replies,
        posted_at=mention.posted_at,
    )
    target = targets[mention.severity or DEFAULT_SLA_SEVERITY]
    item.sla_first_response_due, item.sla_resolution_due = due_times(
        start=item.created_at,
        first_response_hours=target.first_response_hours,
        resolution_hours=target.resolution_hours,
    )
    item.routed_to_risk = item.routed_to_risk or routes_to_risk(mention)
