from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from triage.priority import age_part, compute_priority, due_times, reach_bucket

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


def _priority(severity="medium", followers=100, likes=0, shares=0, replies=0, posted_at=NOW):
    return compute_priority(
        severity=severity,
        followers=followers,
        likes=likes,
        shares=shares,
        replies=replies,
        posted_at=posted_at,
    )


def test_a_critical_complaint_outranks_a_low_one_however_far_the_low_one_reached():
    viral_parking = _priority(
        "low", followers=50_000_000, likes=100_000, posted_at=NOW - timedelta(days=3000)
    )
    quiet_critical = _priority("critical", followers=0, posted_at=NOW)
    assert quiet_critical > viral_parking


def test_an_untagged_mention_sorts_after_every_tagged_complaint():
    assert _priority(None, followers=10**9) < _priority("low", followers=0)


def test_reach_breaks_ties_between_equal_severities():
    assert _priority(followers=5_000) > _priority(followers=50, posted_at=NOW - timedelta(days=30))


def test_age_breaks_ties_between_equal_severity_and_reach():
    assert _priority(posted_at=NOW - timedelta(hours=5)) > _priority(posted_at=NOW - timedelta(hours=1))


def test_reach_counts_shares_double_and_is_bucketed_by_doubling():
    assert reach_bucket(followers=None, likes=0, shares=0, replies=0) == 0
    assert reach_bucket(followers=1000, likes=0, shares=0, replies=0) == 9
    assert reach_bucket(followers=1100, likes=0, shares=0, replies=0) == 10
    assert reach_bucket(followers=0, likes=1, shares=1, replies=0) == 2
    assert reach_bucket(followers=10**30, likes=0, shares=0, replies=0) == 99


def test_age_part_is_clamped_into_its_digits():
    assert age_part(datetime(1990, 1, 1, tzinfo=UTC)) == 10**8 - 1
    assert age_part(datetime(2400, 1, 1, tzinfo=UTC)) == 0


def test_due_times_add_the_target_hours_to_the_start():
    assert due_times(start=NOW, first_response_hours=1, resolution_hours=24) == (
        NOW + timedelta(hours=1),
        NOW + timedelta(hours=24),
    )


severities = st.sampled_from([None, "low", "medium", "high", "critical"])
counts = st.integers(min_value=0, max_value=10**9)
moments = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2150, 1, 1), timezones=st.just(UTC))


@given(severities, severities, counts, counts, moments, moments)
def test_severity_always_decides_before_reach_and_age(low, high, reach_a, reach_b, posted_a, posted_b):
    order = [None, "low", "medium", "high", "critical"]
    if order.index(low) >= order.index(high):
        return
    assert _priority(high, followers=reach_a, posted_at=posted_a) > _priority(
        low, followers=reach_b, posted_at=posted_b
    )


@given(counts, moments)
def test_priority_fits_a_bigint(followers, posted_a):
    assert (
        0 <= _priority("critical", followers=followers, likes=10**9, shares=10**9, posted_at=posted_a) < 2**63
    )
