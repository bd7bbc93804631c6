from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import HospitalFactory
from triage.models import QueueItem, Status
from triage.selectors import (
    ResponseGroup,
    SavedView,
    SlaState,
    queue_item_list,
    queue_item_sla,
    response_times,
)
from triage.services import queue_item_ensure

from .factories import ComplaintFactory, QueueItemFactory, TeamFactory

NOW = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)


def _pks(queryset) -> list[int]:
    return [item.pk for item in queryset]


def _queued(**mention_kwargs) -> QueueItem:
    return queue_item_ensure(mention=ComplaintFactory(**mention_kwargs), now=NOW - timedelta(hours=1))


def test_queue_item_list_puts_critical_before_parking_then_reach_then_age(db, alice):
    parking = _queued(category="facilities_environment", severity="low", author_followers=90_000)
    critical = _queued(category="safety", severity="critical", author_followers=3)
    old_medium = _queued(severity="medium", author_followers=100, posted_at=NOW - timedelta(days=3))
    new_medium = _queued(severity="medium", author_followers=100, posted_at=NOW - timedelta(hours=2))
    loud_medium = _queued(severity="medium", author_followers=20_000, posted_at=NOW - timedelta(hours=1))

    assert _pks(queue_item_list(user=alice, now=NOW)) == [
        critical.pk,
        loud_medium.pk,
        old_medium.pk,
        new_medium.pk,
        parking.pk,
    ]


def test_queue_item_list_shows_open_items_by_default(db, alice):
    open_items = [
        QueueItemFactory(status=status) for status in (Status.NEW, Status.IN_PROGRESS, Status.REPLIED)
    ]
    resolved = QueueItemFactory(status=Status.RESOLVED)
    dismissed = QueueItemFactory(status=Status.DISMISSED, dismiss_reason="spam")
    assert set(_pks(queue_item_list(user=alice))) == {item.pk for item in open_items}
    assert set(_pks(queue_item_list(user=alice, status="closed"))) == {resolved.pk, dismissed.pk}
    assert len(queue_item_list(user=alice, status="all")) == 5
    assert _pks(queue_item_list(user=alice, status=Status.REPLIED)) == [open_items[2].pk]


def test_queue_item_list_filters_by_category_hospital_platform_assignee_and_team(
    db, alice, bob, patient_experience
):
    mercy = HospitalFactory(slug="mercy-valley")
    billing = QueueItemFactory(mention=ComplaintFactory(category="billing_insurance"))
    at_mercy = QueueItemFactory(mention=ComplaintFactory(hospital=mercy))
    on_reddit = QueueItemFactory(mention=ComplaintFactory(platform="reddit"))
    bobs = QueueItemFactory(status=Status.ASSIGNED, assignee=bob)
    teams = QueueItemFactory(status=Status.ASSIGNED, team=patient_experience)

    assert _pks(queue_item_list(user=alice, category="billing_insurance")) == [billing.pk]
    assert _pks(queue_item_list(user=alice, hospital=mercy)) == [at_mercy.pk]
    assert _pks(queue_item_list(user=alice, hospital=mercy.pk)) == [at_mercy.pk]
    assert _pks(queue_item_list(user=alice, source_platform="reddit")) == [on_reddit.pk]
    assert _pks(queue_item_list(user=alice, assignee=bob)) == [bobs.pk]
    assert _pks(queue_item_list(user=alice, team=patient_experience)) == [teams.pk]


def test_my_queue_holds_open_items_assigned_to_me_or_my_teams_once_each(db, alice, bob, patient_experience):
    mine = QueueItemFactory(status=Status.ASSIGNED, assignee=alice)
    # Alice is on both teams the item could reach through; it must still show once.
    TeamFactory(name="Risk management").members.add(alice)
    my_team = QueueItemFactory(status=Status.ASSIGNED, team=patient_experience, assignee=alice)
    team_only = QueueItemFactory(status=Status.IN_PROGRESS, team=patient_experience)
    QueueItemFactory(status=Status.ASSIGNED, assignee=bob, team=TeamFactory(name="Billing"))
    QueueItemFactory(status=Status.RESOLVED, assignee=alice)

    assert set(_pks(queue_item_list(user=alice, view=SavedView.MY_QUEUE))) == {
        mine.pk,
        my_team.pk,
        team_only.pk,
    }
    assert len(queue_item_list(user=alice, view=SavedView.MY_QUEUE)) == 3


def test_the_critical_view_holds_open_critical_items(db, alice):
    critical = QueueItemFactory(mention=ComplaintFactory(severity="critical"))
    QueueItemFactory(mention=ComplaintFactory(severity="high"))
    QueueItemFactory(mention=ComplaintFactory(severity="critical"), status=Status.RESOLVED)
    assert _pks(queue_item_list(user=alice, view=SavedView.CRITICAL)) == [critical.pk]


def test_the_unassigned_view_holds_open_items_with_no_person_or_team(db, alice, patient_experience):
    unassigned = QueueItemFactory()
    QueueItemFactory(status=Status.ASSIGNED, team=patient_experience)
    QueueItemFactory(status=Status.ASSIGNED, assignee=alice)
    QueueItemFactory(status=Status.DISMISSED, dismiss_reason="spam")
    assert _pks(queue_item_list(user=alice, view=SavedView.UNASSIGNED)) == [unassigned.pk]


def test_an_unknown_saved_view_is_refused(db, alice):
    with pytest.raises(ValueError, match="Unknown saved view"):
        queue_item_list(user=alice, view="everything")


def _sla_item(*, created_hours_ago: float, first_hours: float = 24, **extra) -> QueueItem:
    created = NOW - timedelta(hours=created_hours_ago)
    due = {
        "sla_first_response_due": created + timedelta(hours=first_hours),
        "sla_resolution_due": created + timedelta(hours=168),
    }
    return QueueItemFactory(created_at=created, **(due | extra))


@pytest.mark.parametrize(
    ("created_hours_ago", "extra", "state"),
    [
        (1, {}, SlaState.ON_TRACK),
        (17.9, {}, SlaState.ON_TRACK),  # 6.1 h of 24 h left: more than a quarter.
        (18, {}, SlaState.DUE_SOON),  # Exactly a quarter left.
        (23.9, {}, SlaState.DUE_SOON),
        (24, {}, SlaState.BREACHED),  # Due now.
        (30, {}, SlaState.BREACHED),
        # Replied in time: the resolution clock (168 h) runs now.
        (30, {"status": Status.REPLIED, "first_response_at": NOW - timedelta(hours=29)}, SlaState.ON_TRACK),
        (130, {"status": Status.REPLIED, "first_response_at": NOW - timedelta(hours=129)}, SlaState.DUE_SOON),
        (200, {"status": Status.REPLIED, "first_response_at": NOW - timedelta(hours=199)}, SlaState.BREACHED),
        (200, {"sla_first_response_due": None, "sla_resolution_due": None}, SlaState.ON_TRACK),
        (200, {"status": Status.RESOLVED, "resolved_at": NOW - timedelta(hours=1)}, None),
    ],
)
def test_sla_state_is_the_same_in_sql_and_python(db, alice, created_hours_ago, extra, state):
    item = _sla_item(created_hours_ago=created_hours_ago, **extra)
    [row] = queue_item_list(user=alice, status="all", now=NOW)
    assert row.sla_state == state
    assert queue_item_sla(item=item, now=NOW).state == state
    if state:
        assert _pks(queue_item_list(user=alice, sla_state=state, now=NOW)) == [item.pk]


def test_sla_state_filters_use_the_database_clock_by_default(db, alice):
    breached = _sla_item(created_hours_ago=48, first_hours=1)
    assert breached.created_at < NOW < datetime.now(UTC)
    assert _pks(queue_item_list(user=alice, sla_state=SlaState.BREACHED)) == [breached.pk]


def test_queue_item_sla_reports_times_and_breaches(db):
    created = NOW - timedelta(hours=100)
    item = QueueItemFactory(
        status=Status.RESOLVED,
        created_at=created,
        sla_first_response_due=created + timedelta(hours=4),
        sla_resolution_due=created + timedelta(hours=72),
        first_response_at=created + timedelta(hours=3),
        resolved_at=created + timedelta(hours=80),
    )
    sla = queue_item_sla(item=item, now=NOW)
    assert sla.time_to_first_response == timedelta(hours=3)
    assert sla.time_to_resolution == timedelta(hours=80)
    assert (sla.first_response_breached, sla.resolution_breached) == (False, True)
    assert (sla.time_left, sla.state) == (None, None)


def test_queue_item_sla_counts_an_open_unanswered_item_as_breached_once_due(db):
    item = _sla_item(created_hours_ago=30)
    sla = queue_item_sla(item=item, now=NOW)
    assert sla.time_to_first_response is None
    assert sla.first_response_breached is True
    assert sla.resolution_breached is False
    assert sla.time_left == timedelta(hours=-6)


def test_closing_without_a_reply_stops_the_first_response_clock(db):
    created = NOW - timedelta(hours=50)
    item = QueueItemFactory(
        status=Status.DISMISSED,
        dismiss_reason="spam",
        created_at=created,
        sla_first_response_due=created + timedelta(hours=24),
        resolved_at=created + timedelta(hours=2),
    )
    assert queue_item_sla(item=item, now=NOW).first_response_breached is False


def test_queue_item_list_loads_the_page_in_one_query(
    db, alice, patient_experience, django_assert_num_queries
):
    for _ in range(5):
        QueueItemFactory(status=Status.ASSIGNED, assignee=alice, team=patient_experience)
    # Building "my queue" looks up the person's teams once; the rows then come in one query.
    items = queue_item_list(user=alice, view=SavedView.MY_QUEUE, now=NOW)
    with django_assert_num_queries(1):
        for item in items:
            str(item.mention.hospital), str(item.assignee), str(item.team), item.mention.display_title


def _handled(
    *, category="wait_times", assignee=None, created, first_after=None, resolved_after=None, severity="medium"
):
    """An item first answered and resolved the given hours after created, on a 24 h / 168 h SLA."""
    return QueueItemFactory(
        mention=ComplaintFactory(category=category, severity=severity),
        assignee=assignee,
        status=Status.RESOLVED if resolved_after is not None else Status.IN_PROGRESS,
        created_at=created,
        sla_first_response_due=created + timedelta(hours=24),
        sla_resolution_due=created + timedelta(hours=168),
        first_response_at=created + timedelta(hours=first_after) if first_after is not None else None,
        resolved_at=created + timedelta(hours=resolved_after) if resolved_after is not None else None,
    )


def test_response_times_gives_median_p90_and_compliance_by_category(db):
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for hours in (1, 2, 3, 4, 50):  # The last one misses the 24 h first-response target.
        _handled(category="wait_times", created=monday, first_after=hours, resolved_after=hours + 10)
    _handled(category="safety", created=monday, first_after=10, resolved_after=200)  # Resolution late.
    _handled(category="safety", created=monday)  # Never answered, long overdue by NOW.
    _handled(category="safety", created=NOW - timedelta(hours=2))  # Still within its SLA: undecided.
    _handled(created=monday - timedelta(days=30), first_after=1)  # Before the period.

    rows = {
        row.key: row
        for row in response_times(since=monday, until=NOW, group_by=ResponseGroup.CATEGORY, now=NOW)
    }

    waits = rows["wait_times"]
    assert (waits.label, waits.items) == ("Wait times", 5)
    assert waits.median_first_response == timedelta(hours=3)
    # percentile_cont interpolates: 4 + 0.6 * (50 - 4) hours.
    assert waits.p90_first_response == timedelta(hours=4 + 0.6 * 46)
    assert waits.median_resolution == timedelta(hours=13)
    assert waits.first_response_sla_met == pytest.approx(4 / 5)
    assert waits.resolution_sla_met == 1.0
    assert waits.sla_compliance == pytest.approx(4 / 5)

    safety = rows["safety"]
    assert safety.items == 3
    assert safety.median_first_response == timedelta(hours=10)
    assert safety.first_response_sla_met == pytest.approx(1 / 2)
    assert safety.resolution_sla_met == 0.0
    assert safety.sla_compliance == 0.0


def test_response_times_by_assignee_and_week(db, alice, bob):
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    _handled(assignee=alice, created=monday, first_after=2, resolved_after=5)
    _handled(assignee=alice, created=monday + timedelta(days=7), first_after=4, resolved_after=9)
    _handled(assignee=bob, created=monday, first_after=30)
    _handled(created=monday + timedelta(days=8))

    by_person = {
        row.label: row for row in response_times(since=monday, until=NOW, group_by="assignee", now=NOW)
    }
    assert set(by_person) == {"alice", "bob", "Unassigned"}
    assert by_person["alice"].median_first_response == timedelta(hours=3)
    assert by_person["bob"].first_response_sla_met == 0.0
    assert by_person["bob"].median_resolution is None

    by_week = response_times(since=monday, until=NOW, group_by=ResponseGroup.WEEK, now=NOW)
    assert [(row.label, row.items) for row in by_week] == [
        ("Week of 2026-03-02", 2),
        ("Week of 2026-03-09", 2),
    ]


def test_response_times_is_one_query(db, django_assert_num_queries):
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for category in ("wait_times", "safety", "billing_insurance"):
        _handled(category=category, created=monday, first_after=1)
    with django_assert_num_queries(1):
        assert len(response_times(since=monday, until=NOW, group_by="category", now=NOW)) == 3


def test_response_times_refuses_an_unknown_grouping(db):
    with pytest.raises(ValueError, match="Unknown grouping"):
        response_times(since=NOW - timedelta(days=7), until=NOW, group_by="hospital")
