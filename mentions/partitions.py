"""The monthly partitions of the mentions table (see Mention and migration 0006).

Mentions are partitioned by the UTC month of posted_at: partition mentions_mention_pYYYY_MM holds the posts
of that month, mentions_mention_default any post outside the prepared months (a post dated years back, a
date in the far future). This module creates months ahead, reports and moves rows out of the default
partition, and drops a month's table for retention (mentions.services.mentions_delete_expired, which first
deletes what points to its mentions).
"""

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import connection, models, transaction
from django.utils import timezone

from mentions.models import Mention

logger = logging.getLogger(__name__)

PARENT_TABLE = Mention._meta.db_table
DEFAULT_PARTITION = f"{PARENT_TABLE}_default"
# Months prepared beyond the current one: the daily task keeps this many ready, so a missed week of runs
# still leaves new posts in their month's partition.
MONTHS_AHEAD = 3
# pg_advisory_xact_lock key for partition DDL: the daily task, retention and the command never create or
# drop the same month at once.
_PARTITIONS_LOCK = 0x4D50
_PARTITION_NAME = re.compile(rf"^{PARENT_TABLE}_p(\d{{4}})_(\d{{2}})$")


@dataclass(frozen=True, order=True)
class MentionPartition:
    """The partition of one UTC month: mentions posted from `start` (inclusive) to `end` (exclusive)."""

    month: date  # the first day of the month

    @property
    def name(self) -> str:
        return f"{PARENT_TABLE}_p{self.month:%Y_%m}"

    @property
    def start(self) -> datetime:
        return datetime(self.month.year, self.month.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        following = self.next().month
        return datetime(following.year, following.month, 1, tzinfo=UTC)

    def next(self) -> "MentionPartition":
        year, month = divmod(self.month.year * 12 + self.month.month, 12)
        return MentionPartition(date(year, month + 1, 1))

    @classmethod
    def of(cls, moment: datetime) -> "MentionPartition":
        """The partition a mention posted at this moment belongs to."""
        moment = moment.astimezone(UTC)
        return cls(date(moment.year, moment.month, 1))


# --- Reads ----------------------------------------------------------------------


def mention_partitions() -> list[MentionPartition]:
    """The month partitions attached to the mentions table, oldest first (the default partition aside)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [PARENT_TABLE],
        )
        names = [name for (name,) in cursor.fetchall()]
    return sorted(
        MentionPartition(date(int(match[1]), int(match[2]), 1))
        for name in names
        if (match := _PARTITION_NAME.match(name))
    )


def mention_partitions_expired(*, cutoff: datetime) -> list[MentionPartition]:
    """Month partitions whose every mention was posted before the cutoff, oldest first."""
    return [partition for partition in mention_partitions() if partition.end <= cutoff]


def mention_default_partition_counts() -> dict[date, int]:
    """Mentions in the default partition, by UTC month. Normally empty: rows there are posts outside the
    prepared months (an import of old posts, a date far in the future); mention_partitions_split_default
    moves them into month partitions of their own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_trunc('month', posted_at AT TIME ZONE 'UTC')::date, count(*) "
            f"FROM {connection.ops.quote_name(DEFAULT_PARTITION)} GROUP BY 1 ORDER BY 1"
        )
        return dict(cursor.fetchall())


# --- Writes ---------------------------------------------------------------------


def mention_partitions_ensure(*, now: datetime | None = None, months_ahead: int = MONTHS_AHEAD) -> list[str]:
    """Create the partitions of the current month and the next `months_ahead` where missing; returns the
    names created. See mention_partition_create for what each creation writes. Logs a warning while the
    default partition holds mentions (rows there are never dropped whole by retention, and every query
    scans them)."""
    partition = MentionPartition.of(now or timezone.now())
    created = []
    for _ in range(months_ahead + 1):
        if mention_partition_create(partition=partition):
            created.append(partition.name)
        partition = partition.next()
    if outside := mention_default_partition_counts():
        logger.warning(
            "mention partitions: %d mentions in the default partition (months %s); "
            "`manage.py mention_partitions --split-default` moves them into partitions of their own",
            sum(outside.values()),
            ", ".join(f"{month:%Y-%m}" for month in outside),
        )
    mention_statistics_refresh()
    return created


def mention_statistics_refresh() -> None:
    """ANALYZE the partitioned mentions table as a whole. Autovacuum analyzes each partition but never the
    parent, whose statistics the planner uses for queries across months (joins, ranges spanning months).
    Sampled: seconds at a few million mentions, about a minute at tens of millions."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Mention._meta.db_table)}")


def mention_partitions_split_default() -> list[str]:
    """Give every month that has mentions in the default partition a partition of its own, moving them
    there; returns the names created."""
    return [
        partition.name
        for month in mention_default_partition_counts()
        if mention_partition_create(partition=(partition := MentionPartition(month)))
    ]


@transaction.atomic
def mention_partition_create(*, partition: MentionPartition) -> bool:
    """Create this month's partition unless it exists; returns whether it was created.

    Moves the month's rows out of the default partition into it (same ids, so nothing that points to them
    changes, nor their keys). Built as a table of its own and then attached, which lets reads and writes
    of other months go on meanwhile; the default partition is locked while it is checked.
    """
    quote = connection.ops.quote_name
    name, parent, default = quote(partition.name), quote(PARENT_TABLE), quote(DEFAULT_PARTITION)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PARTITIONS_LOCK])
        # Deferred foreign-key checks of rows written earlier in this transaction would block the DDL.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [partition.name])
        if cursor.fetchone()[0]:
            return False
        columns = ", ".join(quote(column) for column in _stored_columns())
        cursor.execute(
            f"CREATE TABLE {name} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            "INCLUDING GENERATED INCLUDING STORAGE)"
        )
        cursor.execute(
            f"WITH moved AS (DELETE FROM {default} WHERE posted_at >= %s AND posted_at < %s "
            f"RETURNING {columns}) INSERT INTO {name} ({columns}) SELECT {columns} FROM moved",
            [partition.start, partition.end],
        )
        moved = cursor.rowcount
        cursor.execute(
            f"ALTER TABLE {parent} ATTACH PARTITION {name} FOR VALUES FROM "
            f"('{partition.start.isoformat()}') TO ('{partition.end.isoformat()}')"
        )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are initially deferred
    if moved:
        logger.info("mention partitions: moved %d mentions from the default partition to %s", moved, name)
    return True


@transaction.atomic
def mention_partition_drop(*, partition: MentionPartition) -> None:
    """Drop a month's partition with its mentions. Only for retention, which first deletes what points to
    them (nothing in the database would: foreign keys to mentions have no constraint)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PARTITIONS_LOCK])
        # Deferred foreign-key checks of rows written earlier in this transaction would block the DDL.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(partition.name)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are initially deferred


def _stored_columns() -> list[str]:
    return [f.column for f in Mention._meta.concrete_fields if not isinstance(f, models.GeneratedField)]
