"""Writes for the MentionDay rollup: recomputing days from the mentions, and keeping the rollup current.

How it stays right: every write that adds mentions or changes their tags names the mentions it touched
(mention_days_refresh_for_mentions); their days are recomputed from scratch shortly after commit, and an
hourly task recomputes the last few days in case a refresh was lost. Recomputing a whole day (rather than
adding +1/-1 deltas) makes a refresh idempotent and lets it repair any earlier mistake.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from functools import partial

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.functions import TruncDate
from django.utils import timezone

from hospitallisten.lib.tasks import task_send_or_log
from mentions.models import Mention

# First key of pg_advisory_xact_lock(int, int) for rollup days; the second key is the day's ordinal.
MENTION_DAY_LOCK = 0x4D44
# Days recomputed per transaction, so a rebuild of years holds a bounded number of locks and rows.
REFRESH_CHUNK_DAYS = 31
# Refreshes of one day are coalesced over this many seconds: ingest stores ~80 batches a second at peak,
# nearly all for today, and one recompute of today covers all of them.
REFRESH_DELAY_SECONDS = 5
RECENT_DAYS = 3

_DIMENSIONS = (
    "hospital_id",
    "platform",
    "sentiment_label",
    "is_complaint",
    "category",
    "severity",
    "match_status",
)

# One statement: `fresh` groups the mentions of the days; `gone` deletes rows of those days whose group no
# longer has mentions (re-tagged or deleted); the INSERT upserts the rest, leaving unchanged rows unwritten.
# All parts see the same snapshot, so `gone` and the upsert never touch the same row. COALESCE keeps the
# anti-join hashable: IS NOT DISTINCT FROM would force a nested loop over every pair of rows.
_REFRESH_SQL = """
WITH fresh AS MATERIALIZED (
    SELECT (m.posted_at AT TIME ZONE %(tz)s)::date AS day, {mention_columns}, count(*) AS n
    FROM mentions_mention m
    WHERE {period}
    GROUP BY 1, {group_positions}
),
gone AS (
    DELETE FROM dashboards_mentionday r
    WHERE r.day = ANY(%(days)s::date[])
      AND NOT EXISTS (
        SELECT 1 FROM fresh f
        WHERE f.day = r.day
          AND COALESCE(f.hospital_id, 0) = COALESCE(r.hospital_id, 0)
          AND f.platform = r.platform
          AND f.sentiment_label = r.sentiment_label
          AND COALESCE(f.is_complaint::int, -1) = COALESCE(r.is_complaint::int, -1)
          AND f.category = r.category
          AND f.severity = r.severity
          AND f.match_status = r.match_status
      )
)
INSERT INTO dashboards_mentionday (day, {columns}, count)
SELECT day, {columns}, n FROM fresh
ON CONFLICT (day, {columns}) DO UPDATE SET count = EXCLUDED.count
WHERE dashboards_mentionday.count <> EXCLUDED.count
"""


def _tz_name() -> str:
    return timezone.get_default_timezone_name()


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _runs(days: Sequence[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days, (first, last)."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _refresh_chunk(days: Sequence[date]) -> None:
    period_sql, params = [], {"tz": _tz_name(), "days": list(days)}
    # One posted_at range per run of days, so the mention_posted index serves each (as a bitmap OR).
    for position, (first, last) in enumerate(_runs(days)):
        period_sql.append(f"(m.posted_at >= %(start{position})s AND m.posted_at < %(end{position})s)")
        params[f"start{position}"] = _local_midnight(first)
        params[f"end{position}"] = _local_midnight(last + timedelta(days=1))
    sql = _REFRESH_SQL.format(
        mention_columns=", ".join(f"m.{column}" for column in _DIMENSIONS),
        group_positions=", ".join(str(position) for position in range(2, len(_DIMENSIONS) + 2)),
        period=" OR ".join(period_sql),
        columns=", ".join(_DIMENSIONS),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # Two refreshes of the same day would each read the mentions and could commit in either order, an
        # older snapshot last. The lock makes the second wait; READ COMMITTED then gives its statement a
        # snapshot taken after the first committed. Days are locked in order, so refreshes never deadlock.
        for day in days:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [MENTION_DAY_LOCK, day.toordinal()])
        cursor.execute(sql, params)


def mention_days_refresh(*, days: Iterable[date]) -> None:
    """Recompute the MentionDay rows of these days from the mentions.

    Upserts the rows whose count changed and deletes rows whose group has no mentions left, in one
    statement per REFRESH_CHUNK_DAYS days, each in its own transaction under per-day advisory locks.
    Idempotent; safe to run concurrently for the same or different days.
    """
    ordered = sorted(set(days))
    for start in range(0, len(ordered), REFRESH_CHUNK_DAYS):
        _refresh_chunk(ordered[start : start + REFRESH_CHUNK_DAYS])


def mention_days_rebuild(*, since: date, until: date) -> None:
    """Recompute the MentionDay rows of the days since..until (inclusive); see mention_days_refresh."""
    mention_days_refresh(days=(since + timedelta(days=n) for n in range((until - since).days + 1)))


def mention_days_rebuild_recent(*, days: int = RECENT_DAYS) -> None:
    """Recompute the MentionDay rows of today and the days before it (the safety net for lost refreshes)."""
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    mention_days_rebuild(since=today - timedelta(days=days - 1), until=today)


def mention_day(posted_at: datetime) -> date:
    """The rollup day of a mention posted then: its local date, as TruncDate gives it in mention_days_of."""
    return timezone.localtime(posted_at, timezone.get_default_timezone()).date()


def mention_days_of(*, mention_ids: Sequence[int]) -> list[date]:
    """The rollup days (local dates of posted_at) of these mentions. One query."""
    if not mention_ids:
        return []
    return sorted(
        Mention.objects.filter(pk__in=list(mention_ids))
        .annotate(day=TruncDate("posted_at", tzinfo=timezone.get_default_timezone()))
        .values_list("day", flat=True)
        .order_by()
        .distinct()
    )


def mention_days_refresh_enqueue(*, days: Iterable[date]) -> None:
    """Enqueue dashboards.mention_days_refresh for these days once the current transaction commits.

    Coalesced per day: a day already enqueued in the last REFRESH_DELAY_SECONDS is not enqueued again. The
    task runs REFRESH_DELAY_SECONDS after it was enqueued, so it still starts after every commit that was
    coalesced into it and sees their mentions.
    """
    ordered = sorted(set(days))
    if ordered:
        transaction.on_commit(partial(_enqueue_coalesced, ordered))


def _enqueue_coalesced(days: list[date]) -> None:
    from dashboards.tasks import mention_days_refresh_task  # The tasks module imports this one.

    # cache.add is atomic: of several writers touching the same day at once, exactly one enqueues it. The
    # key is added only here, after commit, so a rolled-back transaction never suppresses a refresh.
    keys = {day.isoformat(): f"dashboards:mention-day-refresh:{day.isoformat()}" for day in days}
    due = [day for day, key in keys.items() if cache.add(key, True, REFRESH_DELAY_SECONDS)]
    if due and not task_send_or_log(
        mention_days_refresh_task,
        due,
        countdown=REFRESH_DELAY_SECONDS,
        fallback="the next refresh of these days, or the hourly rebuild of recent days",
    ):
        # Not sent: let the next write to these days try again rather than wait for the hourly rebuild.
        cache.delete_many([keys[day] for day in due])


def mention_days_refresh_for_mentions(*, mention_ids: Sequence[int]) -> None:
    """Keep the rollup right after mentions were stored or re-tagged: call it with their ids.

    One query for their days, then enqueues the refresh of those days after commit (coalesced, see
    mention_days_refresh_enqueue). For deleted mentions, take mention_days_of before deleting and pass the
    days to mention_days_refresh_enqueue.
    """
    mention_days_refresh_enqueue(days=mention_days_of(mention_ids=mention_ids))
