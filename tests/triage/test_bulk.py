import pytest
from django.core.exceptions import ValidationError

from enrichment.models import ClassificationLabel
from mentions.models import Mention
from triage.models import AuditEntry, QueueItem, Status
from triage.services import (
    TransitionError,
    case_link,
    queue_item_ensure,
    queue_items_bulk_assign,
    queue_items_bulk_change_category,
    queue_items_bulk_dismiss,
)

from .factories import CaseFactory, ComplaintFactory, QueueItemFactory


def test_queue_items_bulk_assign_assigns_all_with_one_audit_entry_each(db, alice, bob, patient_experience):
    items = QueueItemFactory.create_batch(3)
    in_progress = QueueItemFactory(status=Status.IN_PROGRESS, assignee=alice)

    assert queue_items_bulk_assign(items=[*items, in_progress], user=alice, team=patient_experience) == 4

    statuses = dict(QueueItem.objects.values_list("pk", "status"))
    assert [statuses[item.pk] for item in items] == [Status.ASSIGNED] * 3
    assert statuses[in_progress.pk] == Status.IN_PROGRESS
    assert set(QueueItem.objects.values_list("team", flat=True)) == {patient_experience.pk}
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ASSIGNED, actor=alice).count() == 4
    assert set(Mention.objects.filter(queue_item__in=items).values_list("triage_status", flat=True)) == {
        "assigned"
    }


def test_queue_items_bulk_assign_uses_a_fixed_number_of_queries(db, alice, bob, django_assert_num_queries):
    items = QueueItemFactory.create_batch(10)
    # Savepoint, lock and load, bulk update, audit insert, mention status, release.
    with django_assert_num_queries(6):
        queue_items_bulk_assign(items=items, user=alice, assignee=bob)


def test_queue_items_bulk_dismiss_dismisses_with_the_reason(db, alice):
    items = [QueueItemFactory(), QueueItemFactory(status=Status.IN_PROGRESS, assignee=alice)]
    already = QueueItemFactory(status=Status.DISMISSED, dismiss_reason="spam")

    assert queue_items_bulk_dismiss(items=[*items, already], user=alice, reason="duplicate") == 2

    dismissed = QueueItem.objects.filter(status=Status.DISMISSED, dismiss_reason="duplicate")
    assert set(dismissed.values_list("pk", flat=True)) == {items[0].pk, items[1].pk}
    assert QueueItem.objects.get(pk=already.pk).dismiss_reason == "spam"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.STATUS_CHANGED).count() == 2


def test_queue_items_bulk_dismiss_is_all_or_nothing(db, alice):
    fine = QueueItemFactory()
    replied = QueueItemFactory(status=Status.REPLIED)
    with pytest.raises(TransitionError, match=f"Item {replied.pk}: Cannot move"):
        queue_items_bulk_dismiss(items=[fine, replied], user=alice, reason="spam")
    assert QueueItem.objects.get(pk=fine.pk).status == Status.NEW
    assert not AuditEntry.objects.exists()


def test_queue_items_bulk_dismiss_needs_a_reason(db, alice):
    with pytest.raises(TransitionError, match="Dismissing needs a reason"):
        queue_items_bulk_dismiss(items=QueueItemFactory.create_batch(2), user=alice, reason="")


def test_queue_items_bulk_change_category_relabels_and_replans(db, alice):
    items = [
        queue_item_ensure(mention=ComplaintFactory(category="wait_times", severity="medium")),
        queue_item_ensure(mention=ComplaintFactory(category="communication", severity="")),
    ]

    assert queue_items_bulk_change_category(items=items, user=alice, category="safety") == 2

    first, second = (QueueItem.objects.select_related("mention").get(pk=item.pk) for item in items)
    assert (first.mention.category, first.mention.severity) == ("safety", "medium")
    # No severity yet: the category's default (safety: high) is used.
    assert (second.mention.category, second.mention.severity) == ("safety", "high")
    assert first.routed_to_risk and second.routed_to_risk
    assert ClassificationLabel.objects.filter(labelled_by=alice).count() == 2
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CORRECTED).count() == 2


def test_queue_items_bulk_change_category_refuses_an_unknown_category(db, alice):
    with pytest.raises(ValidationError, match="Unknown category"):
        queue_items_bulk_change_category(items=[QueueItemFactory()], user=alice, category="parking")


def test_case_link_links_items_as_one_case(db, alice):
    items = QueueItemFactory.create_batch(3)
    case = case_link(items=items, user=alice, title="  ED waits, Saturday night  ")
    assert (case.title, case.created_by) == ("ED waits, Saturday night", alice)
    assert set(case.items.values_list("pk", flat=True)) == {item.pk for item in items}
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.CASE_LINKED)
    assert entries.count() == 3
    assert all(entry.after == {"case_id": case.pk} for entry in entries)


def test_case_link_adds_items_to_an_existing_case_moving_them_from_another(db, alice):
    old_case, case = CaseFactory(), CaseFactory()
    item = QueueItemFactory(case=old_case)
    assert case_link(items=[item], user=alice, title="", case=case) == case
    item.refresh_from_db()
    assert item.case == case
    assert item.audit_entries.get().before == {"case_id": old_case.pk}


def test_case_link_needs_a_title_and_two_items(db, alice):
    with pytest.raises(ValidationError, match="title"):
        case_link(items=QueueItemFactory.create_batch(2), user=alice, title=" ")
    with pytest.raises(ValidationError, match="at least two"):
        case_link(items=[QueueItemFactory()], user=alice, title="One post")
