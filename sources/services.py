"""Writes for sources: polling a source into mentions, and choosing which sources are due."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from mentions.services import IngestResult, mention_ingest
from sources.connectors import connector_for
from sources.connectors.base import ConnectorError, SourceQuery
from sources.models import Source, SourceCursor, SyncRun
from tracking.selectors import hospital_search_terms, term_matcher_build

logger = logging.getLogger(__name__)

# Namespace for the advisory locks that keep two workers from polling one source at once.
SOURCE_LOCK_NAMESPACE = 7301


def source_queries(*, source: Source) -> list[SourceQuery]:
    """One query per tracked hospital, searching for all of its active terms."""
    return [
        SourceQuery(key=f"hospital:{slug}", terms=tuple(terms))
        for slug, terms in hospital_search_terms().items()
    ]


@contextmanager
def _source_lock(source_id: int) -> Iterator[bool]:
    # A session-level advisory lock outlives the per-page transactions, and Postgres releases it by
    # itself if the worker dies and its connection drops, so a killed poll never blocks the source.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [SOURCE_LOCK_NAMESPACE, source_id])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [SOURCE_LOCK_NAMESPACE, source_id])


def source_sync(*, source_id: int, max_pages: int | None = None) -> SyncRun | None:
    """Poll every query of a source from its cursor onwards, storing each page before moving on.

    Writes a SyncRun, mentions (through mention_ingest), SourceCursor rows and the source's health.
    Returns None when another worker is polling the source right now. Re-raises transient connector
    errors (after recording them) so the caller can retry; permanent ones mark the source broken.
    """
    max_pages = max_pages or settings.SYNC_MAX_PAGES_PER_RUN
    with _source_lock(source_id) as acquired:
        if not acquired:
            logger.info("source %s is being polled by another worker; skipping", source_id)
            return None
        source = Source.objects.get(pk=source_id)
        run = SyncRun.objects.create(source=source)
        try:
            _sync_pages(source, run, max_pages)
        except ConnectorError as error:
            _run_finish(run, source, error=error)
            if not error.permanent:
                raise
            return run
        _run_finish(run, source)
        return run


def _sync_pages(source: Source, run: SyncRun, max_pages: int) -> None:
    connector = connector_for(source.kind, source.config)
    matcher = term_matcher_build()
    pages = 0
    try:
        for query in _queries_least_recently_polled_first(source):
            result = None
            while result is None or result.has_more:
                if pages >= max_pages:
                    # Mid-query: a follow-up run continues at once. A query not yet started comes first
                    # at the next scheduled poll, because it is then the least recently polled.
                    run.has_more = result is not None
                    return
                cursor, _ = SourceCursor.objects.get_or_create(source=source, query_key=query.key)
                result = connector.fetch(query, cursor.position)
                pages += 1
                run.api_calls += result.api_calls
                run.items_fetched += len(result.items)
                # The cursor moves in the same transaction as the rows it covers: a crash before the
                # commit refetches the page, and the unique constraint absorbs what was already stored.
                with transaction.atomic():
                    stored = mention_ingest(
                        source=source, raw_items=result.items, normalize=connector.normalize, matcher=matcher
                    )
                    SourceCursor.objects.filter(pk=cursor.pk).update(
                        position=result.next_cursor, updated_at=timezone.now()
                    )
                _run_count(run, stored)
    except SoftTimeLimitExceeded:
        # Every stored page has its cursor saved; a follow-up run continues from there.
        run.has_more = True


def _queries_least_recently_polled_first(source: Source) -> list[SourceQuery]:
    polled_at = dict(SourceCursor.objects.filter(source=source).values_list("query_key", "updated_at"))
    never = datetime.min.replace(tzinfo=UTC)
    return sorted(
        source_queries(source=source), key=lambda query: (polled_at.get(query.key) or never, query.key)
    )


def _run_count(run: SyncRun, stored: IngestResult) -> None:
    run.mentions_new += stored.new
    run.duplicates += stored.duplicates
    run.rejected += stored.rejected


def _run_finish(run: SyncRun, source: Source, *, error: ConnectorError | None = None) -> None:
    now = timezone.now()
    run.finished_at = now
    run.status = SyncRun.Status.FAILED if error else SyncRun.Status.SUCCEEDED
    run.error = str(error) if error else ""
    run.save()
    if error is None:
        source.status, source.last_error = Source.Status.OK, ""
    elif error.permanent:
        source.status, source.last_error = Source.Status.BROKEN, str(error)
    else:
        source.status, source.last_error = Source.Status.ERROR, str(error)
    source.last_run_at = now
    source.save(update_fields=["status", "last_error", "last_run_at"])


def sources_claim_due(*, now: datetime | None = None) -> list[int]:
    """Ids of enabled, polled sources whose next poll is due, each claimed by moving its next poll on.

    The conditional UPDATE must change exactly one row, so two schedulers never both claim a source.
    """
    now = now or timezone.now()
    due = (
        Source.objects.filter(is_enabled=True)
        .exclude(kind=Source.Kind.FILE_IMPORT)
        .exclude(status=Source.Status.BROKEN)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
    )
    claimed = []
    for source in due.only("id", "next_poll_at", "poll_interval_minutes"):
        next_poll_at = now + timedelta(minutes=source.poll_interval_minutes)
        if Source.objects.filter(pk=source.pk, next_poll_at=source.next_poll_at).update(
            next_poll_at=next_poll_at
        ):
            claimed.append(source.pk)
    return claimed
