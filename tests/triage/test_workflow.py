from datetime import timedelta
from itertools import product

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from triage.models import ALLOWED_TRANSITIONS, AuditEntry, QueueItem, Status
from triage.services import TransitionError, queue_item_close, queue_item_reopen, queue_item_transition

from .factories import QueueItemFactory, TeamFactory

ALLOWED = [(current, target) for current, targets in ALLOWED_TRANSITIONS.items() for target in targets]
ILLEGAL = [
    (current, target)
    for current, target in product(Status.values, Status.values)
    if target not in ALLOWED_TRANSITIONS[current]
]


def _item_in(status: str, **extra) -> QueueItem:
    """An item in status, with what that status implies (a team when assigned, a reason when dismissed)."""
    closed = status in (Status.RESOLVED, Status.DISMISSED)
    return QueueItemFactory(
        status=status,
        team=TeamFactory(name="Patient Experience"),
        dismiss_reason="spam" if status == Status.DISMISSED else "",
        resolved_at=timezone.now() if closed else None,
        **extra,
    )


def test_the_matrix_covers_every_pair_of_statuses():
    assert len(ALLOWED) + len(ILLEGAL) == len(Status.values) ** 2
    assert set(ALLOWED_TRANSITIONS) == set(Status.values)


@pytest.mark.parametrize(("current", "target"), ALLOWED, ids=[f"{c}->{t}" for c, t in ALLOWED])
def test_queue_item_transition_allows_every_listed_move(db, alice, current, target):
    item = _item_in(current)
    queue_item_transition(item=item, user=alice, status=target, reason="duplicate")
    item.refresh_from_db()
    assert item.status == target
    assert item.mention.__class__.objects.get(pk=item.mention_id).triage_status == target
    entry = item.audit_entries.get()
    assert entry.actor == alice
    assert entry.before["status"] == current
    assert entry.after["status"] == target


@pytest.mark.parametrize(("current", "target"), ILLEGAL, ids=[f"{c}->{t}" for c, t in ILLEGAL])
def test_queue_item_transition_refuses_every_other_move_naming_both_states(db, alice, current, target):
    item = _item_in(current)
    with pytest.raises(TransitionError) as raised:
        queue_item_transition(item=item, user=alice, status=target, reason="duplicate")
    message = raised.value.message
    assert f"from “{Status(current).label}” to “{Status(target).label}”" in message
    for allowed in ALLOWED_TRANSITIONS[current]:
        assert f"“{Status(allowed).label}”" in message.split("Allowed next states:")[1]
    item.refresh_from_db()
    assert item.status == current
    assert not item.audit_entries.exists()


def test_transition_error_is_a_validation_error():
    assert issubclass(TransitionError, ValidationError)


def test_queue_item_transition_refuses_an_unknown_status(db, alice):
    item = _item_in(Status.NEW)
    with pytest.raises(TransitionError, match="Allowed next states"):
        queue_item_transition(item=item, user=alice, status="escalated")


@pytest.mark.parametrize("reason", ["", "because", "SPAM"])
def test_dismissing_without_a_known_reason_is_refused(db, alice, reason):
    item = _item_in(Status.NEW)
    with pytest.raises(TransitionError, match="Dismissing needs a reason"):
        queue_item_transition(item=item, user=alice, status=Status.DISMISSED, reason=reason)
    item.refresh_from_db()
    assert item.status == Status.NEW


def test_dismissing_records_the_reason_and_when(db, alice):
    item = _item_in(Status.IN_PROGRESS)
    now = timezone.now()
    queue_item_transition(item=item, user=alice, status=Status.DISMISSED, reason="not_about_us", now=now)
    item.refresh_from_db()
    assert (item.dismiss_reason, item.resolved_at) == ("not_about_us", now)


def test_moving_to_assigned_needs_an_assignee_or_team(db, alice):
    item = QueueItemFactory(status=Status.NEW)
    with pytest.raises(TransitionError, match="assignee or a team"):
        queue_item_transition(item=item, user=alice, status=Status.ASSIGNED)


def test_first_response_at_is_set_on_the_first_reply_only(db, alice):
    item = _item_in(Status.IN_PROGRESS)
    first = timezone.now()
    queue_item_transition(item=item, user=alice, status=Status.REPLIED, now=first)
    queue_item_transition(item=item, user=alice, status=Status.IN_PROGRESS, now=first + timedelta(hours=1))
    queue_item_transition(item=item, user=alice, status=Status.REPLIED, now=first + timedelta(hours=2))
    item.refresh_from_db()
    assert item.first_response_at == first


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.DISMISSED])
def test_resolved_at_is_set_when_an_item_is_closed(db, alice, status):
    item = _item_in(Status.IN_PROGRESS)
    now = timezone.now()
    queue_item_transition(item=item, user=alice, status=status, reason="spam", now=now)
    item.refresh_from_db()
    assert item.resolved_at == now


def test_queue_item_close_records_outcome_and_action(db, alice):
    item = _item_in(Status.REPLIED)
    queue_item_close(
        item=item,
        user=alice,
        outcome=QueueItem.Outcome.FOLLOWED_UP_PRIVATELY,
        action_taken="Apologised by phone; waiting-room staffing reviewed.",
        action_department="Emergency Department",
    )
    item.refresh_from_db()
    assert item.status == Status.RESOLVED
    assert item.outcome == "followed_up_privately"
    assert item.action_department == "Emergency Department"
    entry = item.audit_entries.get()
    assert entry.action == AuditEntry.Action.CLOSED
    assert entry.after["outcome"] == "followed_up_privately"
    assert entry.before["status"] == Status.REPLIED


def test_queue_item_close_refuses_an_unknown_outcome(db, alice):
    item = _item_in(Status.IN_PROGRESS)
    with pytest.raises(ValidationError, match="Unknown outcome"):
        queue_item_close(item=item, user=alice, outcome="sorted")


def test_queue_item_close_refuses_a_dismissed_item(db, alice):
    item = _item_in(Status.DISMISSED)
    with pytest.raises(TransitionError, match="from “Dismissed” to “Resolved”"):
        queue_item_close(item=item, user=alice, outcome=QueueItem.Outcome.NOT_ACTIONABLE)


@pytest.mark.parametrize(
    ("closed", "reopened"), [(Status.RESOLVED, Status.IN_PROGRESS), (Status.DISMISSED, Status.NEW)]
)
def test_queue_item_reopen_sends_a_closed_item_back_and_clears_its_closing(db, alice, closed, reopened):
    item = _item_in(closed, outcome="not_actionable" if closed == Status.RESOLVED else "")
    queue_item_reopen(item=item, user=alice)
    item.refresh_from_db()
    assert item.status == reopened
    assert (item.resolved_at, item.outcome, item.dismiss_reason) == (None, "", "")
    assert item.audit_entries.get().action == AuditEntry.Action.REOPENED


def test_queue_item_reopen_refuses_an_open_item(db, alice):
    item = _item_in(Status.IN_PROGRESS)
    with pytest.raises(TransitionError, match="Only resolved or dismissed items can be reopened"):
        queue_item_reopen(item=item, user=alice)


def test_a_stale_copy_cannot_replay_a_move_another_person_already_made(db, alice, bob):
    item = _item_in(Status.NEW)
    stale = QueueItem.objects.get(pk=item.pk)
    queue_item_transition(item=item, user=alice, status=Status.RESOLVED)
    with pytest.raises(TransitionError, match="from “Resolved” to “Resolved”"):
        queue_item_transition(item=stale, user=bob, status=Status.RESOLVED)


def test_the_database_refuses_a_dismissed_item_without_a_reason(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        QueueItemFactory(status=Status.DISMISSED, dismiss_reason="")
