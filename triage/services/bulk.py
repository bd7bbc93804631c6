"""Actions on several items at once, each in one transaction with one audit entry per item."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from enrichment.taxonomy import CATEGORY_INFO
from mentions.models import Mention
from triage.models import AuditEntry, Case, QueueItem, Status, Team
from triage.services._common import STATUS_FIELDS, audit_entry, lock_many, sla_targets, snapshot
from triage.services.items import ASSIGN_FIELDS, apply_assignment, apply_correction
from triage.services.workflow import TransitionError, move
from webhooks.events import queue_item_status_changes_emit


def _finish(items: list[QueueItem], fields: list[str], entries: list[AuditEntry]) -> None:
    QueueItem.objects.bulk_update(items, [*fields, "updated_at"])
    AuditEntry.objects.bulk_create(entries)
    queue_item_status_changes_emit(entries=entries)


def _sync_statuses(items: list[QueueItem]) -> None:
    for status in {item.status for item in items}:
        ids = [item.mention_id for item in items if item.status == status]
        Mention.objects.filter(pk__in=ids).update(triage_status=status, updated_at=timezone.now())


def queue_items_bulk_assign(
    *, items: Iterable[QueueItem], user, assignee=None, team: Team | None = None, now: datetime | None = None
) -> int:
    """Assign every item to the same person and/or team; returns how many items.

    Updates each QueueItem and Mention.triage_status; writes one AuditEntry per item.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_many(items)
        entries = []
        for item in locked:
            before = snapshot(item, ASSIGN_FIELDS)
            apply_assignment(item, assignee=assignee, team=team)
            item.updated_at = now
            entries.append(
                audit_entry(
                    item=item,
                    actor=user,
                    action=AuditEntry.Action.ASSIGNED,
                    before=before,
                    after=snapshot(item, ASSIGN_FIELDS),
                    now=now,
                )
            )
        _finish(locked, ["assignee", "team", "status"], entries)
        _sync_statuses(locked)
    return len(locked)


def queue_items_bulk_dismiss(
    *, items: Iterable[QueueItem], user, reason: str, now: datetime | None = None
) -> int:
    """Dismiss every item with one reason; items already dismissed are left alone. All or nothing: one
    item that cannot be dismissed refuses the whole batch. Returns how many were dismissed.

    Updates each QueueItem and Mention.triage_status; writes one AuditEntry per dismissed item.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = [item for item in lock_many(items) if item.status != Status.DISMISSED]
        entries = []
        for item in locked:
            before = snapshot(item, STATUS_FIELDS)
            try:
                move(item, Status.DISMISSED, reason=reason, now=now)
            except TransitionError as error:
                raise TransitionError(f"Item {item.pk}: {error.message}", code=error.code) from error
            item.updated_at = now
            entries.append(
                audit_entry(
                    item=item,
                    actor=user,
                    action=AuditEntry.Action.STATUS_CHANGED,
                    before=before,
                    after=snapshot(item, STATUS_FIELDS),
                    now=now,
                )
            )
        _finish(locked, STATUS_FIELDS, entries)
        _sync_statuses(locked)
    return len(locked)


def queue_items_bulk_change_category(
    *, items: Iterable[QueueItem], user, category: str, now: datetime | None = None
) -> int:
    """Re-tag every item's mention as a complaint of one category (keeping its severity, or the category's
    default when it has none) and re-plan the items. Returns how many items.

    Writes a ClassificationLabel per mention and updates the Mentions; updates each QueueItem's priority,
    SLA due times and risk routing; writes one AuditEntry per item.
    """
    if category not in CATEGORY_INFO:
        raise ValidationError(f"Unknown category {category!r}.")
    now = now or timezone.now()
    targets = sla_targets()
    with transaction.atomic():
        locked = lock_many(items)
        entries = []
        for item in locked:
            severity = item.mention.severity or CATEGORY_INFO[category].default_severity
            before, after = apply_correction(
                item, user=user, is_complaint=True, category=category, severity=severity, targets=targets
            )
            entries.append(
                audit_entry(
                    item=item,
                    actor=user,
                    action=AuditEntry.Action.CORRECTED,
                    before=before,
                    after=after,
                    now=now,
                )
            )
        AuditEntry.objects.bulk_create(entries)
    return len(locked)


def case_link(
    *, items: Iterable[QueueItem], user, title: str, case: Case | None = None, now: datetime | None = None
) -> Case:
    """Link several items (posts about one incident) as one case, creating it unless an existing case is
    given; an item in another case moves to this one.

    Creates a Case (unless given), updates each QueueItem.case and writes one AuditEntry per item.
    """
    title = title.strip()
    if case is None and not title:
        raise ValidationError("A new case needs a title.")
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_many(items)
        if case is None and len(locked) < 2:
            raise ValidationError("A case links at least two items.")
        if case is None:
            case = Case.objects.create(title=title, created_by=user, created_at=now)
        entries = []
        for item in locked:
            before = snapshot(item, ["case_id"])
            item.case, item.updated_at = case, now
            entries.append(
                audit_entry(
                    item=item,
                    actor=user,
                    action=AuditEntry.Action.CASE_LINKED,
                    before=before,
                    after=snapshot(item, ["case_id"]),
                    now=now,
                )
            )
        _finish(locked, ["case"], entries)
    return case
