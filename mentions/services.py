"""Writes for mentions: the ingest step every source and import goes through, and retention."""

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models.functions import TruncDate
from django.utils import timezone
from psycopg2.extras import execute_values

from clusters.conf import cluster_settings
from clusters.models import Cluster, ClusterMember
from clusters.services.common import (
    clusters_lock,
    clusters_rebuild_rollup,
    clusters_refresh_labels,
    clusters_refresh_stats,
)
from dashboards.rollups import (
    mention_day,
    mention_days_of,
    mention_days_refresh,
    mention_days_refresh_enqueue,
)
from enrichment.sentiment import sentiment_score
from enrichment.services import mentions_enrich_enqueue
from hospitallisten.lib.text import json_without_nul, without_nul
from mentions.models import ImportJob, Mention, MentionKey, RejectedPayload
from mentions.partitions import MentionPartition, mention_partition_drop, mention_partitions_expired
from mentions.selectors import import_jobs_expired, mentions_expired, retention_cutoff
from sources.connectors.base import MentionData, NormalizationError
from sources.models import Source
from tracking.matching import MatchResult, TermMatcher
from tracking.selectors import term_matcher_build
from triage.models import OPEN_STATUSES

logger = logging.getLogger(__name__)

Normalizer = Callable[[Mapping[str, Any]], MentionData]


@dataclass(slots=True)
class IngestResult:
    new: int = 0
    duplicates: int = 0
    rejected: int = 0
    new_ids: tuple[int, ...] = ()

    def __add__(self, other: "IngestResult") -> "IngestResult":
        return IngestResult(
            new=self.new + other.new,
            duplicates=self.duplicates + other.duplicates,
            rejected=self.rejected + other.rejected,
            new_ids=self.new_ids + other.new_ids,
        )


def mention_ingest(
    *,
    source: Source,
    raw_items: Sequence[Mapping[str, Any]],
    normalize: Normalizer,
    matcher: TermMatcher | None = None,
    import_job: ImportJob | None = None,
    row_numbers: Sequence[int] | None = None,
) -> IngestResult:
    """Normalize, match, score and store a batch of raw items.

    Writes Mention rows (skipping any already stored), their matched terms, and a RejectedPayload for each
    item that could not be normalized; enqueues enrichment of the new mentions after commit. Safe to
    repeat: a retried or concurrent batch stores nothing twice.
    """
    matcher = matcher or term_matcher_build()
    mentions: list[Mention] = []
    term_ids_by_key: dict[tuple[str, str], tuple[int, ...]] = {}
    day_by_key: dict[tuple[str, str], date] = {}
    rejected: list[RejectedPayload] = []
    for position, raw in enumerate(raw_items):
        row_number = row_numbers[position] if row_numbers else None
        try:
            data = normalize(raw)
            mention, term_ids = _mention_from_data(source, data, matcher)
        except NormalizationError as error:
            rejected.append(_rejected(source, import_job, raw, str(error), row_number))
            continue
        # A payload that crashes a normalizer in a way nobody foresaw is a poison message: caught broadly
        # on purpose, it is kept as rejected (and logged for a fix) rather than failing the batch, which
        # would block the source's cursor on it for ever.
        except Exception as error:  # noqa: BLE001
            logger.exception("source %s: unexpected error normalizing a payload", source.pk)
            message = f"Unexpected {type(error).__name__} while normalizing: {error}"[:1000]
            rejected.append(_rejected(source, import_job, raw, message, row_number))
            continue
        mentions.append(mention)
        term_ids_by_key[(mention.platform, mention.external_id)] = term_ids
        day_by_key[(mention.platform, mention.external_id)] = mention_day(mention.posted_at)

    with transaction.atomic():
        inserted = _insert_ignoring_duplicates(mentions)
        through = Mention.matched_terms.through
        through.objects.bulk_create(
            [
                through(mention_id=mention_id, trackedterm_id=term_id)
                for mention_id, platform, external_id in inserted
                for term_id in term_ids_by_key[(platform, external_id)]
            ],
            ignore_conflicts=True,
        )
        RejectedPayload.objects.bulk_create(rejected)
        new_ids = [mention_id for mention_id, _, _ in inserted]
        mentions_enrich_enqueue(mention_ids=new_ids)
        # The days of the new rows, known here: no query for them.
        mention_days_refresh_enqueue(
            days={day_by_key[(platform, external_id)] for _, platform, external_id in inserted}
        )
    if rejected:
        logger.warning("source %s: kept %d payloads that failed to normalize", source.pk, len(rejected))
    return IngestResult(
        new=len(inserted),
        duplicates=len(mentions) - len(inserted),
        rejected=len(rejected),
        new_ids=tuple(mention_id for mention_id, _, _ in inserted),
    )


def _mention_from_data(
    source: Source, data: MentionData, matcher: TermMatcher
) -> tuple[Mention, tuple[int, ...]]:
    text = without_nul(data.text)
    title = without_nul(data.title)
    searchable = f"{title}\n{text}" if title else text
    match = mention_match(title=title, text=text, matcher=matcher, language=data.language)
    sentiment = sentiment_score(searchable)
    mention = Mention(
        source=source,
        platform=data.platform,
        external_id=without_nul(data.external_id)[:255],
        url=without_nul(data.url)[:1000],
        author_handle=without_nul(data.author_handle)[:255],
        author_name=without_nul(data.author_name)[:255],
        author_followers=data.author_followers,
        title=title[:500],
        text=text,
        language=without_nul(data.language)[:12],
        # Converted here, per item, so a date-time out of range in UTC rejects this item, not the batch.
        posted_at=data.posted_at.astimezone(UTC) if data.posted_at.tzinfo else data.posted_at,
        likes=data.likes,
        shares=data.shares,
        replies=data.replies,
        rating=data.rating,
        raw=json_without_nul(dict(data.raw)),
        match_status=match.status,
        hospital_id=match.hospital_id,
        sentiment_score=sentiment.compound,
        sentiment_label=sentiment.label,
    )
    return mention, match.term_ids


def mention_match(*, title: str, text: str, matcher: TermMatcher, language: str = "") -> MatchResult:
    """Which hospital and terms a post is attributed to, as ingest stores it: title and body are matched
    together, and only a "matched" result keeps its term ids (an excluded post links to no term). A
    backfill re-matches stored mentions with this same function so both always agree."""
    match = matcher.match(f"{title}\n{text}" if title else text, language=language)
    if match.status != Mention.MatchStatus.MATCHED:
        return MatchResult(status=match.status)
    return match


def _rejected(
    source: Source, import_job: ImportJob | None, raw: Any, error: str, row_number: int | None
) -> RejectedPayload:
    payload, payload_text = (
        (json_without_nul(raw), "") if isinstance(raw, Mapping | list) else (None, str(raw))
    )
    return RejectedPayload(
        source=source,
        import_job=import_job,
        row_number=row_number,
        payload=payload,
        payload_text=without_nul(payload_text),
        error=error,
    )


def _insert_columns() -> list[models.Field]:
    """Every stored column, the id included (ingest draws ids before it inserts)."""
    return [f for f in Mention._meta.concrete_fields if not isinstance(f, models.GeneratedField)]


def _insert_ignoring_duplicates(mentions: Sequence[Mention]) -> list[tuple[int, str, str]]:
    """Store the mentions whose post is not stored yet: (id, platform, external_id) of the rows that were new.

    Claims each post's key first (INSERT … ON CONFLICT DO NOTHING RETURNING on MentionKey, which holds the
    uniqueness the partitioned mentions table cannot), then inserts only the mentions whose key was new,
    with the ids given to their keys. Both in the caller's transaction: a concurrent batch with the same
    post waits on the key and then skips it. Ids are drawn for every candidate, so duplicates leave gaps in
    the id sequence. Django's bulk_create(ignore_conflicts=True) cannot say which rows were new, and the
    counts of new and duplicate mentions are what a sync run reports.
    """
    if not mentions:
        return []
    table = connection.ops.quote_name(Mention._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Mention._meta.db_table, len(mentions)],
        )
        for mention, (mention_id,) in zip(mentions, cursor.fetchall(), strict=True):
            mention.id = mention_id
        claimed = execute_values(
            cursor.cursor,
            f"INSERT INTO {connection.ops.quote_name(MentionKey._meta.db_table)} "
            "(platform, external_id, mention_id, posted_at) VALUES %s "
            "ON CONFLICT (platform, external_id) DO NOTHING RETURNING mention_id, platform, external_id",
            [(mention.platform, mention.external_id, mention.id, mention.posted_at) for mention in mentions],
            page_size=len(mentions),
            fetch=True,
        )
        new_ids = {mention_id for mention_id, _, _ in claimed}
        columns = _insert_columns()
        column_sql = ", ".join(connection.ops.quote_name(f.column) for f in columns)
        rows = [
            tuple(f.get_db_prep_save(f.pre_save(mention, add=True), connection) for f in columns)
            for mention in mentions
            if mention.id in new_ids
        ]
        if rows:
            execute_values(
                cursor.cursor, f"INSERT INTO {table} ({column_sql}) VALUES %s", rows, page_size=len(rows)
            )
    return [tuple(row) for row in claimed]


# --- Retention ----------------------------------------------------------------

RETENTION_BATCH_SIZE = 1000


def mentions_delete_expired(*, now: datetime | None = None, batch_size: int = RETENTION_BATCH_SIZE) -> int:
    """Delete what is older than MENTION_RETENTION_DAYS; returns how many mentions were deleted.

    First drops the partition of every month wholly before the cutoff, one transaction each, after deleting
    what points to its mentions (see _mention_partition_expire); a month that holds a complaint still open
    in the queue is not dropped but falls to the row deletes. Then deletes, in batches of one transaction
    each, what remains expired (that month, the part of the cutoff's month before it, the default
    partition): expired mentions (see mentions_expired: open queue items
    keep theirs) with their raw payload (Mention.raw) and every row that hangs off them (closed queue
    items with their notes, replies and audit entries; cluster memberships; tag corrections; matched
    terms), then recomputes the dashboards' MentionDay rows of their days and the statistics, labels and
    daily rollup of their clusters (retiring clusters left empty). Then deletes RejectedPayload rows and
    the uploaded files of finished imports older than the cutoff. Does nothing when retention is off.
    """
    cutoff = retention_cutoff(now=now)
    if cutoff is None:
        return 0
    deleted = 0
    for partition in mention_partitions_expired(cutoff=cutoff):
        deleted += _mention_partition_expire(partition=partition)
    while batch := _mentions_delete_batch(cutoff=cutoff, batch_size=batch_size):
        deleted += batch
    while ids := list(
        RejectedPayload.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:batch_size]
    ):
        RejectedPayload.objects.filter(pk__in=ids).delete()
    for job in import_jobs_expired(cutoff=cutoff):
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
    logger.info("retention: deleted %s mentions posted before %s", deleted, cutoff.isoformat())
    return deleted


@transaction.atomic
def _mentions_delete_batch(*, cutoff: datetime, batch_size: int) -> int:
    # SKIP LOCKED: a mention being re-tagged or flagged right now is left for the next run, not waited on.
    ids = list(
        mentions_expired(cutoff=cutoff)
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    if not ids:
        return 0
    days = mention_days_of(mention_ids=ids)
    cluster_ids = set(ClusterMember.objects.filter(mention_id__in=ids).values_list("cluster_id", flat=True))
    if cluster_ids:
        # Re-clustering reads members and writes clusters under this lock; never delete members under it.
        clusters_lock()
    Mention.objects.filter(pk__in=ids).delete()
    mention_days_refresh(days=days)
    if cluster_ids:
        _clusters_refresh(cluster_ids=cluster_ids)
    return len(ids)


class _MonthKeptOpen(Exception):
    """A month to be dropped holds a mention whose queue item is (or was just re-)opened."""


def _mention_partition_expire(*, partition: MentionPartition) -> int:
    """Drop an expired month's partition; returns how many mentions went with it (0 when kept).

    One transaction: deletes (or unlinks) every row pointing to the month's mentions and their keys, then
    locks the mentions table, deletes what was added meanwhile, drops the partition and recomputes the
    dashboards' days and the clusters that lost members. The lock blocks reads of mentions from the second
    pass to commit: short, because the first pass did the bulk of the work without it. A month holding a
    complaint whose queue item is open is left to the row deletes, which keep that mention and delete the
    rest, so the case stays whole where people work it (a detached table would hide it from the queue);
    the month is dropped on the first night after the item is closed.
    """
    month = Mention.objects.filter(posted_at__gte=partition.start, posted_at__lt=partition.end)
    try:
        with transaction.atomic():
            if _holds_open_queue_item(month):
                raise _MonthKeptOpen
            count = month.count()
            days = list(
                month.annotate(day=TruncDate("posted_at", tzinfo=timezone.get_default_timezone()))
                .values_list("day", flat=True)
                .order_by()
                .distinct()
            )
            cluster_ids = set(
                ClusterMember.objects.filter(mention__in=month.values("pk")).values_list(
                    "cluster_id", flat=True
                )
            )
            if cluster_ids:
                # Re-clustering reads members and writes clusters under this lock: never delete under it.
                clusters_lock()
            _mention_dependents_delete(mentions=month)
            with connection.cursor() as cursor:
                # Rows pointing to mentions are written by transactions that read the mention first: once
                # those have finished, nothing new can point to this month.
                cursor.execute(
                    f"LOCK TABLE {connection.ops.quote_name(Mention._meta.db_table)} IN ACCESS EXCLUSIVE MODE"
                )
            if _holds_open_queue_item(month):
                raise _MonthKeptOpen
            _mention_dependents_delete(mentions=month)
            MentionKey.objects.filter(posted_at__gte=partition.start, posted_at__lt=partition.end).delete()
            mention_partition_drop(partition=partition)
            mention_days_refresh(days=days)
            if cluster_ids:
                _clusters_refresh(cluster_ids=cluster_ids)
    except _MonthKeptOpen:
        logger.info(
            "retention: %s holds an open complaint; its other mentions are deleted by row", partition.name
        )
        return 0
    logger.info("retention: dropped %s (%d mentions)", partition.name, count)
    return count


def _holds_open_queue_item(mentions: models.QuerySet[Mention]) -> bool:
    return mentions.filter(queue_item__status__in=OPEN_STATUSES).exists()


def _mention_dependents_delete(*, mentions: models.QuerySet[Mention]) -> None:
    """Delete or unlink every row pointing to these mentions as each relation's on_delete says, one
    statement per relation (Django collects rows only for a relation with dependents of its own, such as
    queue items with their notes and replies). Relations are read from the model, so a new one is covered."""
    mention_ids = mentions.values("pk")
    for relation in Mention._meta.get_fields(include_hidden=True):
        # Reverse one-to-many and one-to-one relations; a many-to-many's through model is one of them.
        if not (
            relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)
        ):
            continue
        pointing = relation.related_model._base_manager.filter(
            **{f"{relation.field.attname}__in": mention_ids}
        )
        if relation.on_delete is models.CASCADE:
            pointing.delete()
        elif relation.on_delete is models.SET_NULL:
            pointing.update(**{relation.field.attname: None})
        else:
            # PROTECT, RESTRICT or DO_NOTHING would need a decision here; a test keeps every relation to
            # CASCADE or SET_NULL.
            raise ImproperlyConfigured(
                f"retention cannot honour on_delete of {relation.field} when dropping a month"
            )


def _clusters_refresh(*, cluster_ids: set[int]) -> None:
    """Clusters that lost members: size, centroid, representative, labels (a provisional label quotes a
    complaint) and daily rollup from the members left; a cluster left empty is retired."""
    window_start = timezone.now() - timedelta(days=cluster_settings().window_days)
    clusters_refresh_stats(cluster_ids=cluster_ids, window_start=window_start)
    clusters_refresh_labels(cluster_ids=cluster_ids, window_start=window_start)
    clusters_rebuild_rollup(cluster_ids=cluster_ids)
    Cluster.objects.filter(pk__in=cluster_ids, status=Cluster.Status.ACTIVE, size=0).update(
        status=Cluster.Status.RETIRED, is_emerging=False, emerging_since=None
    )
