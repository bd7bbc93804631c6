"""Putting mentions in the queue and working on single items: assign, notes, harm level, corrections."""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from enrichment.services import mention_correct
from mentions.models import Mention
from triage.models import AuditEntry, Note, QueueItem, SlaTarget, Status, Team
from triage.services._common import (
    MENTION_COPY_FIELDS,
    PLAN_FIELDS,
    audit_entry,
    audit_entry_record,
    lock,
    mention_status_sync,
    plan,
    sla_targets,
    snapshot,
)
from triage.services.escalation import queue_items_escalate_critical
from webhooks.events import queue_item_severity_emit, queue_items_created_emit

ASSIGN_FIELDS = ["assignee_id", "team_id", "status"]
TAG_FIELDS = ["is_complaint", "category", "severity"]


def _queueable(mentions):
    """Complaints about one of our own hospitals; competitors' complaints are for benchmarking only."""
    return mentions.filter(is_complaint=True, hospital__is_own=True)


def _new_item(
    mention: Mention, *, now: datetime, targets: dict[str, SlaTarget], flagged_by=None
) -> QueueItem:
    item = QueueItem(mention=mention, created_at=now, flagged_by=flagged_by)
    plan(item, mention, targets)
    return item


def _ensure(mention: Mention, *, now: datetime, targets: dict[str, SlaTarget], actor=None) -> QueueItem:
    """Get or create the item; get_or_create retries the read if a concurrent insert wins the race."""
    action = AuditEntry.Action.FLAGGED if actor else AuditEntry.Action.CREATED
    with transaction.atomic():
        fresh = _new_item(mention, now=now, targets=targets, flagged_by=actor)
        copied = [*PLAN_FIELDS, *MENTION_COPY_FIELDS, "created_at", "flagged_by_id"]
        defaults = {field: getattr(fresh, field) for field in copied}
        item, created = QueueItem.objects.get_or_create(mention=mention, defaults=defaults)
        if created:
            after = snapshot(item, ["status", *PLAN_FIELDS])
            audit_entry_record(item=item, actor=actor, action=action, before={}, after=after, now=now)
            queue_items_created_emit(items=[item])
    if created and actor is None:
        queue_items_escalate_critical(items=[item], now=now)
    return item


def queue_item_ensure(*, mention: Mention, now: datetime | None = None) -> QueueItem:
    """Put a complaint about one of our hospitals in the queue unless it is there already (idempotent).

    Creates a QueueItem with its priority, SLA due times and risk routing, and an AuditEntry (actor: the
    system), the first time only.
    """
    if not _queueable(Mention.objects.filter(pk=mention.pk)).exists():
        raise ValidationError(
            "Only complaints about one of our own hospitals join the queue automatically; "
            "add other mentions with queue_item_flag."
        )
    return _ensure(mention, now=now or timezone.now(), targets=sla_targets())


def _sync_candidates(mention_ids: Sequence[int]) -> list[Mention]:
    return list(_queueable(Mention.objects.filter(pk__in=mention_ids, queue_item__isnull=True)))


def queue_items_sync(*, mention_ids: Sequence[int], now: datetime | None = None) -> int:
    """Queue the complaints among freshly tagged mentions (call after enrichment); returns how many joined.

    Creates a QueueItem and an AuditEntry for each complaint about one of our hospitals not yet queued.
    """
    mentions = _sync_candidates(mention_ids)
    if not mentions:
        return 0
    now = now or timezone.now()
    targets = sla_targets()
    try:
        with transaction.atomic():
            items = QueueItem.objects.bulk_create(
                [_new_item(mention, now=now, targets=targets) for mention in mentions]
            )
            AuditEntry.objects.bulk_create(
                audit_entry(
                    item=item,
                    actor=None,
                    action=AuditEntry.Action.CREATED,
                    before={},
                    after=snapshot(item, ["status", *PLAN_FIELDS]),
                    now=now,
                )
                for item in items
            )
            queue_items_created_emit(items=items)
    except IntegrityError:
        # Another worker queued some of these between our read and our insert: go one by one instead.
        existing = set(QueueItem.objects.filter(mention__in=mentions).values_list("mention_id", flat=True))
        for mention in mentions:
            if mention.pk not in existing:
                _ensure(mention, now=now, targets=targets)
        return len(mentions) - len(existing)
    queue_items_escalate_critical(items=items, now=now)
    return len(items)


def queue_item_flag(*, mention: Mention, user, now: datetime | None = None) -> QueueItem:
    """A person adds any mention to the queue (idempotent: an item already queued is returned as is).

    Creates a QueueItem with flagged_by and an AuditEntry the first time.
    """
    return _ensure(mention, now=now or timezone.now(), targets=sla_targets(), actor=user)


def queue_item_assign(
    *, item: QueueItem, user, assignee=None, team: Team | None = None, now: datetime | None = None
) -> QueueItem:
    """Give an item to a person and/or team (both None unassigns). A new item becomes assigned; an assigned
    item with nobody left goes back to new.

    Updates the QueueItem (and Mention.triage_status); writes an AuditEntry.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock(item)
        before = snapshot(item, ASSIGN_FIELDS)
        apply_assignment(item, assignee=assignee, team=team)
        item.save(update_fields=["assignee", "team", "status", "updated_at"])
        mention_status_sync(mention_ids=[item.mention_id], status=item.status)
        audit_entry_record(
            item=item,
            actor=user,
            action=AuditEntry.Action.ASSIGNED,
            before=before,
            after=snapshot(item, ASSIGN_FIELDS),
            now=now,
        )
    return item


def apply_assignment(item: QueueItem, *, assignee, team: Team | None) -> None:
    """Set assignee and team on the in-memory item and the status that follows (no save)."""
    item.assignee, item.team = assignee, team
    if item.status == Status.NEW and (assignee or team):
        item.status = Status.ASSIGNED
    elif item.status == Status.ASSIGNED and not (assignee or team):
        item.status = Status.NEW


def queue_item_note_add(*, item: QueueItem, user, text: str, now: datetime | None = None) -> Note:
    """Add an internal note to an item. Writes a Note and an AuditEntry."""
    text = text.strip()
    if not text:
        raise ValidationError("A note needs some text.")
    now = now or timezone.now()
    with transaction.atomic():
        note = Note.objects.create(item=item, author=user, text=text, created_at=now)
        audit_entry_record(
            item=item,
            actor=user,
            action=AuditEntry.Action.NOTE_ADDED,
            before={},
            after={"note_id": note.pk},
            now=now,
        )
    return note


def queue_item_set_harm_level(
    *, item: QueueItem, user, harm_level: str, now: datetime | None = None
) -> QueueItem:
    """Record a person's assessment of harm (blank clears it); the classifier never sets this.

    Updates QueueItem.harm_level; writes an AuditEntry.
    """
    if user is None:
        raise ValidationError("The harm level is a person's judgement; it cannot be set without a user.")
    if harm_level and harm_level not in QueueItem.HarmLevel.values:
        raise ValidationError(
            f"Unknown harm level {harm_level!r}; choose one of {', '.join(QueueItem.HarmLevel.values)}."
        )
    now = now or timezone.now()
    with transaction.atomic():
        lock(item)
        before = snapshot(item, ["harm_level"])
        item.harm_level = harm_level
        item.save(update_fields=["harm_level", "updated_at"])
        audit_entry_record(
            item=item,
            actor=user,
            action=AuditEntry.Action.HARM_LEVEL_SET,
            before=before,
            after=snapshot(item, ["harm_level"]),
            now=now,
        )
    return item


def apply_correction(
    item: QueueItem, *, user, is_complaint: bool, category: str, severity: str, targets: dict[str, SlaTarget]
) -> tuple[dict, dict]:
    """Correct the mention's tags (a training label too), then recompute the item's plan; saves both.

    Returns the before and after values for the audit entry.
    """
    mention = item.mention
    before = snapshot(mention, TAG_FIELDS) | snapshot(item, PLAN_FIELDS)
    mention_correct(
        mention=mention, user=user, is_complaint=is_complaint, category=category, severity=severity
    )
    plan(item, mention, targets)
    item.save(update_fields=[*PLAN_FIELDS, *MENTION_COPY_FIELDS, "updated_at"])
    return before, snapshot(mention, TAG_FIELDS) | snapshot(item, PLAN_FIELDS)


def queue_item_correct(
    *, item: QueueItem, user, is_complaint: bool, category: str, severity: str, now: datetime | None = None
) -> QueueItem:
    """Correct the classifier's tags from the queue and re-plan the item.

    Writes a ClassificationLabel and updates the Mention (enrichment.services.mention_correct), updates the
    item's priority, SLA due times and risk routing, and writes an AuditEntry.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock(item)
        before, after = apply_correction(
            item,
            user=user,
            is_complaint=is_complaint,
            category=category,
            severity=severity,
            targets=sla_targets(),
        )
        audit_entry_record(
            item=item, actor=user, action=AuditEntry.Action.CORRECTED, before=before, after=after, now=now
        )
        queue_item_severity_emit(item_id=item.pk, before=before, after=after)
    return item


def queue_items_copies_refresh(*, mention_ids: Sequence[int]) -> int:
    """Copy the mentions' current tags and origin onto their queue items after a change made outside the
    queue (a correction on the mention page, a re-tag by a new model version), so the queue's filters agree
    with what its rows show. Returns how many items were updated.

    Updates QueueItem severity, category, platform and hospital in one statement. Priority and SLA due times
    stay as planned: changing a running SLA clock is a person's decision (queue_item_correct), audited.
    """
    mention = Mention.objects.filter(pk=OuterRef("mention_id"))
    return QueueItem.objects.filter(mention_id__in=list(mention_ids)).update(
        **{field: Subquery(mention.values(field)[:1]) for field in MENTION_COPY_FIELDS},
        updated_at=timezone.now(),
    )
