from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from enrichment.models import ClassificationLabel
from mentions.models import Mention
from tests.factories import HospitalFactory, MentionFactory
from triage.models import AuditEntry, QueueItem, SlaTarget, Status
from triage.priority import compute_priority
from triage.services import items as items_module
from triage.services import (
    queue_item_assign,
    queue_item_correct,
    queue_item_ensure,
    queue_item_flag,
    queue_item_note_add,
    queue_item_set_harm_level,
    queue_items_sync,
)

from .factories import ComplaintFactory, QueueItemFactory


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def test_the_data_migration_creates_the_default_sla_targets(db):
    # Run the migration's function itself: a transactional test elsewhere in the suite may have flushed
    # the rows the migration wrote.
    SlaTarget.objects.all().delete()
    import_module("triage.migrations.0002_default_sla_targets").create_defaults(apps, None)
    targets = {t.severity: (t.first_response_hours, t.resolution_hours) for t in SlaTarget.objects.all()}
    assert targets == {"critical": (1, 24), "high": (4, 72), "medium": (24, 168), "low": (72, 336)}


def test_a_changed_sla_target_applies_to_new_items(db, now):
    SlaTarget.objects.update_or_create(
        severity="medium", defaults={"first_response_hours": 8, "resolution_hours": 48}
    )
    item = queue_item_ensure(mention=ComplaintFactory(severity="medium"), now=now)
    assert (item.sla_first_response_due, item.sla_resolution_due) == (
        now + timedelta(hours=8),
        now + timedelta(hours=48),
    )


def test_a_missing_sla_target_falls_back_to_the_built_in_default(db, now):
    SlaTarget.objects.filter(severity="critical").delete()
    item = queue_item_ensure(mention=ComplaintFactory(severity="critical"), now=now)
    assert item.sla_first_response_due == now + timedelta(hours=1)


@pytest.mark.parametrize(
    ("severity", "first_hours", "resolution_hours"),
    [("critical", 1, 24), ("high", 4, 72), ("medium", 24, 168), ("low", 72, 336)],
)
def test_queue_item_ensure_sets_sla_due_times_from_the_severity_target(
    db, now, severity, first_hours, resolution_hours
):
    item = queue_item_ensure(mention=ComplaintFactory(severity=severity), now=now)
    assert item.sla_first_response_due == now + timedelta(hours=first_hours)
    assert item.sla_resolution_due == now + timedelta(hours=resolution_hours)


def test_queue_item_ensure_stores_the_computed_priority(db, now):
    mention = ComplaintFactory(severity="high", author_followers=300, likes=4, shares=2, replies=1)
    item = queue_item_ensure(mention=mention, now=now)
    assert item.priority == compute_priority(
        severity="high", followers=300, likes=4, shares=2, replies=1, posted_at=mention.posted_at
    )


@pytest.mark.parametrize(
    ("category", "severity", "routed"),
    [
        ("safety", "high", True),
        ("wait_times", "critical", True),
        ("safety", "low", True),
        ("billing_insurance", "high", False),
    ],
)
def test_queue_item_ensure_routes_safety_and_critical_complaints_to_risk(db, category, severity, routed):
    item = queue_item_ensure(mention=ComplaintFactory(category=category, severity=severity))
    assert item.routed_to_risk is routed


def test_queue_item_ensure_is_idempotent(db, now):
    mention = ComplaintFactory()
    first = queue_item_ensure(mention=mention, now=now)
    second = queue_item_ensure(mention=mention, now=now + timedelta(hours=3))
    assert first.pk == second.pk
    assert second.created_at == now
    assert AuditEntry.objects.filter(item=first).count() == 1


def test_queue_item_ensure_audits_creation_as_the_system(db):
    item = queue_item_ensure(mention=ComplaintFactory(severity="critical"))
    entry = item.audit_entries.get()
    assert (entry.action, entry.actor, entry.before) == (AuditEntry.Action.CREATED, None, {})
    assert entry.after["priority"] == item.priority
    assert entry.after["routed_to_risk"] is True


@pytest.mark.parametrize(
    "mention_kwargs",
    [{"is_complaint": False}, {"is_complaint": None}, {"hospital": None}, {"hospital__is_own": False}],
    ids=["not-a-complaint", "untagged", "no-hospital", "competitor"],
)
def test_queue_item_ensure_refuses_mentions_that_are_not_our_complaints(db, mention_kwargs):
    if mention_kwargs.pop("hospital__is_own", True) is False:
        mention_kwargs["hospital"] = HospitalFactory(slug="mercy-valley", is_own=False)
    with pytest.raises(ValidationError, match="queue_item_flag"):
        queue_item_ensure(mention=ComplaintFactory(**mention_kwargs))
    assert not QueueItem.objects.exists()


def test_queue_items_sync_queues_only_new_complaints_about_our_hospitals(db, now):
    complaint = ComplaintFactory()
    queued_already = ComplaintFactory()
    queue_item_ensure(mention=queued_already)
    praise = ComplaintFactory(is_complaint=False)
    competitor = ComplaintFactory(hospital=HospitalFactory(slug="mercy-valley", is_own=False))
    ids = [complaint.pk, queued_already.pk, praise.pk, competitor.pk]

    assert queue_items_sync(mention_ids=ids, now=now) == 1

    assert set(QueueItem.objects.values_list("mention_id", flat=True)) == {complaint.pk, queued_already.pk}
    item = complaint.queue_item
    assert item.sla_first_response_due == now + timedelta(hours=24)
    assert item.audit_entries.get().action == AuditEntry.Action.CREATED


def test_queue_items_sync_is_idempotent(db):
    ids = [ComplaintFactory().pk for _ in range(3)]
    assert queue_items_sync(mention_ids=ids) == 3
    assert queue_items_sync(mention_ids=ids) == 0
    assert QueueItem.objects.count() == 3
    assert AuditEntry.objects.count() == 3


def test_queue_items_sync_does_nothing_for_an_empty_batch(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert queue_items_sync(mention_ids=[]) == 0


def test_queue_items_sync_uses_a_fixed_number_of_queries(db, django_assert_num_queries):
    ids = [ComplaintFactory().pk for _ in range(20)]
    # Targets, candidates, savepoint, insert items, insert audit entries, release savepoint.
    with django_assert_num_queries(6):
        queue_items_sync(mention_ids=ids)


def test_queue_items_sync_falls_back_to_one_by_one_when_another_worker_won_the_race(db, monkeypatch):
    complaint, other = ComplaintFactory(), ComplaintFactory()
    queue_item_ensure(mention=complaint)  # The other worker inserts after our read of the candidates.
    monkeypatch.setattr(
        items_module, "_sync_candidates", lambda ids: list(Mention.objects.filter(pk__in=ids))
    )

    assert queue_items_sync(mention_ids=[complaint.pk, other.pk]) == 1
    assert QueueItem.objects.count() == 2
    assert AuditEntry.objects.count() == 2


def test_queue_item_flag_adds_any_mention_and_records_who(db, alice, now):
    mention = MentionFactory(is_complaint=False)
    item = queue_item_flag(mention=mention, user=alice, now=now)
    assert item.flagged_by == alice
    assert item.status == Status.NEW
    # No severity yet: it runs on the low-severity clock.
    assert item.sla_first_response_due == now + timedelta(hours=72)
    entry = item.audit_entries.get()
    assert (entry.action, entry.actor) == (AuditEntry.Action.FLAGGED, alice)


def test_queue_item_flag_returns_the_existing_item_unchanged(db, alice):
    item = queue_item_ensure(mention=ComplaintFactory())
    assert queue_item_flag(mention=item.mention, user=alice).pk == item.pk
    item.refresh_from_db()
    assert item.flagged_by is None
    assert item.audit_entries.count() == 1


def test_queue_item_assign_moves_a_new_item_to_assigned(db, alice, bob, patient_experience):
    item = QueueItemFactory()
    queue_item_assign(item=item, user=alice, assignee=bob, team=patient_experience)
    item.refresh_from_db()
    assert (item.assignee, item.team, item.status) == (bob, patient_experience, Status.ASSIGNED)
    assert Mention.objects.get(pk=item.mention_id).triage_status == Status.ASSIGNED
    entry = item.audit_entries.get()
    assert entry.action == AuditEntry.Action.ASSIGNED
    assert entry.before == {"assignee_id": None, "team_id": None, "status": "new"}
    assert entry.after == {"assignee_id": bob.pk, "team_id": patient_experience.pk, "status": "assigned"}


def test_queue_item_assign_with_nobody_sends_an_assigned_item_back_to_new(db, alice, bob):
    item = QueueItemFactory(status=Status.ASSIGNED, assignee=bob)
    queue_item_assign(item=item, user=alice)
    item.refresh_from_db()
    assert (item.assignee, item.status) == (None, Status.NEW)


def test_queue_item_assign_keeps_the_status_of_work_in_progress(db, alice, bob):
    item = QueueItemFactory(status=Status.IN_PROGRESS, assignee=alice)
    queue_item_assign(item=item, user=alice, assignee=bob)
    item.refresh_from_db()
    assert (item.assignee, item.status) == (bob, Status.IN_PROGRESS)
    assert item.audit_entries.get().after == {"assignee_id": bob.pk}


def test_queue_item_note_add_writes_the_note_and_an_audit_entry(db, alice, now):
    item = QueueItemFactory()
    note = queue_item_note_add(item=item, user=alice, text="  Spoke to the ED manager.  ", now=now)
    assert (note.text, note.author, note.created_at) == ("Spoke to the ED manager.", alice, now)
    entry = item.audit_entries.get()
    assert (entry.action, entry.after) == (AuditEntry.Action.NOTE_ADDED, {"note_id": note.pk})


def test_queue_item_note_add_refuses_an_empty_note(db, alice):
    with pytest.raises(ValidationError):
        queue_item_note_add(item=QueueItemFactory(), user=alice, text="   ")


def test_queue_item_set_harm_level_records_a_persons_assessment(db, alice):
    item = QueueItemFactory()
    queue_item_set_harm_level(item=item, user=alice, harm_level=QueueItem.HarmLevel.MODERATE)
    item.refresh_from_db()
    assert item.harm_level == "moderate"
    entry = item.audit_entries.get()
    assert (entry.actor, entry.before, entry.after) == (alice, {"harm_level": ""}, {"harm_level": "moderate"})


def test_queue_item_set_harm_level_needs_a_person(db):
    with pytest.raises(ValidationError, match="person"):
        queue_item_set_harm_level(item=QueueItemFactory(), user=None, harm_level="severe")


def test_queue_item_set_harm_level_refuses_an_unknown_level(db, alice):
    with pytest.raises(ValidationError, match="Unknown harm level"):
        queue_item_set_harm_level(item=QueueItemFactory(), user=alice, harm_level="catastrophic")


def test_the_classifier_never_sets_a_harm_level(db):
    item = queue_item_ensure(mention=ComplaintFactory(category="safety", severity="critical"))
    assert item.harm_level == ""


def test_queue_item_correct_relabels_the_mention_and_replans_the_item(db, alice, now):
    item = queue_item_ensure(
        mention=ComplaintFactory(category="facilities_environment", severity="low"), now=now
    )
    low_priority = item.priority

    queue_item_correct(item=item, user=alice, is_complaint=True, category="safety", severity="critical")

    item.refresh_from_db()
    assert item.priority > low_priority
    assert item.sla_first_response_due == now + timedelta(hours=1)
    assert item.sla_resolution_due == now + timedelta(hours=24)
    assert item.routed_to_risk is True
    label = ClassificationLabel.objects.get(mention=item.mention)
    assert (label.category, label.severity, label.labelled_by) == ("safety", "critical", alice)
    entry = item.audit_entries.get(action=AuditEntry.Action.CORRECTED)
    assert entry.before["category"] == "facilities_environment"
    assert entry.after["severity"] == "critical"
    assert entry.after["priority"] == item.priority


def test_a_correction_downwards_keeps_the_item_routed_to_risk(db, alice):
    item = queue_item_ensure(mention=ComplaintFactory(category="safety", severity="high"))
    queue_item_correct(item=item, user=alice, is_complaint=True, category="billing_insurance", severity="low")
    item.refresh_from_db()
    assert item.routed_to_risk is True


def test_correcting_to_not_a_complaint_drops_the_item_to_the_bottom_tier(db, alice):
    item = queue_item_ensure(mention=ComplaintFactory(severity="low"))
    queue_item_correct(item=item, user=alice, is_complaint=False, category="", severity="")
    item.refresh_from_db()
    assert item.priority < 10**10
    assert item.mention.is_complaint is False


def test_every_action_leaves_an_audit_entry_in_order(db, alice, bob, patient_experience):
    from triage.services import case_link, queue_item_close, queue_item_reopen, queue_item_transition

    item = queue_item_ensure(mention=ComplaintFactory())
    other = queue_item_flag(mention=MentionFactory(), user=alice)
    queue_item_assign(item=item, user=alice, assignee=bob, team=patient_experience)
    queue_item_transition(item=item, user=bob, status=Status.IN_PROGRESS)
    queue_item_note_add(item=item, user=bob, text="Called the ED manager.")
    queue_item_set_harm_level(item=item, user=bob, harm_level="none")
    queue_item_correct(item=item, user=bob, is_complaint=True, category="communication", severity="medium")
    queue_item_transition(item=item, user=bob, status=Status.REPLIED)
    queue_item_close(item=item, user=bob, outcome="replied_publicly")
    queue_item_reopen(item=item, user=alice)
    case_link(items=[item, other], user=alice, title="Same evening in the ED")

    trail = list(item.audit_entries.values_list("action", "actor__username"))
    assert trail == [
        ("created", None),
        ("assigned", "alice"),
        ("status_changed", "bob"),
        ("note_added", "bob"),
        ("harm_level_set", "bob"),
        ("corrected", "bob"),
        ("status_changed", "bob"),
        ("closed", "bob"),
        ("reopened", "alice"),
        ("case_linked", "alice"),
    ]
    assert list(other.audit_entries.values_list("action", flat=True)) == ["flagged", "case_linked"]
