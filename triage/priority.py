"""The queue's priority number and SLA due times: pure functions, no database.

The priority is one integer, so the queue page sorts on a single indexed column (``-priority, id``)::

    priority = S * 10**10 + R * 10**8 + A

- S, severity: critical 4, high 3, medium 2, low 1, untagged 0 (a mention added by hand before anyone
  set a severity sorts after every tagged complaint).
- R, reach: floor(log2(1 + followers + likes + 2 * shares + replies)), capped at 99. Doubling buckets, so
  a post seen by 1,000 people outranks one seen by 10, but 1,000 and 1,100 tie and age decides.
- A, age: 10**8 - 1 - minutes from 2000-01-01 UTC to posted_at, so the older post (waiting longer) comes
  first. 10**8 minutes is about 190 years, so A stays within its digits until ~2190.

Each part is clamped into its own digits, so severity always beats reach and reach always beats age.
The maximum (4 * 10**10 + 99 * 10**8 + 10**8 - 1) fits a bigint with room to spare.
"""

import math
from datetime import UTC, datetime, timedelta

from enrichment.taxonomy import SEVERITY_RANK, Severity

SEVERITY_WEIGHT = 10**10
REACH_WEIGHT = 10**8
REACH_MAX = 99
AGE_MAX = 10**8 - 1
AGE_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# Unclassified mentions added by hand run on the low-severity clock.
DEFAULT_SLA_SEVERITY = Severity.LOW
# (first response hours, resolution hours) per severity. The data migration stores these as SlaTarget rows
# that staff can change; they also apply to a severity whose row is missing, so deleting a row in the admin
# never switches an SLA off.
DEFAULT_SLA_HOURS: dict[str, tuple[int, int]] = {
    Severity.CRITICAL: (1, 24),
    Severity.HIGH: (4, 72),
    Severity.MEDIUM: (24, 7 * 24),
    Severity.LOW: (72, 14 * 24),
}


def reach_bucket(*, followers: int | None, likes: int, shares: int, replies: int) -> int:
    """Doubling bucket of how many people a post is likely to reach (0 to 99)."""
    reach = (followers or 0) + likes + 2 * shares + replies
    return min(REACH_MAX, int(math.log2(1 + reach)))


def age_part(posted_at: datetime) -> int:
    """Larger for older posts, so older ones sort first within the same severity and reach."""
    minutes = int((posted_at - AGE_EPOCH).total_seconds() // 60)
    return max(0, min(AGE_MAX, AGE_MAX - minutes))


def compute_priority(
    *, severity: str | None, followers: int | None, likes: int, shares: int, replies: int, posted_at: datetime
) -> int:
    """The stored priority of a queue item; higher is handled first (formula in the module docstring)."""
    severity_part = SEVERITY_RANK[severity] + 1 if severity else 0
    reach = reach_bucket(followers=followers, likes=likes, shares=shares, replies=replies)
    return severity_part * SEVERITY_WEIGHT + reach * REACH_WEIGHT + age_part(posted_at)


def due_times(
    *, start: datetime, first_response_hours: int, resolution_hours: int
) -> tuple[datetime, datetime]:
    """First-response and resolution due times for an SLA clock started at start."""
    return start + timedelta(hours=first_response_hours), start + timedelta(hours=resolution_hours)
