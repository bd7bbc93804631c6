"""Polling a source into mentions, and choosing which sources are due."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from mentions.services import IngestResult, mention_ingest
from sources.connectors import CONNECTORS, connector_for
from sources.connectors.base import Connector, ConnectorError, DailyQuotaExceeded, SourceQuery
from sources.models import CoverageGap, Source, SourceCursor, SyncRun
from sources.services import costs, coverage
from sources.services.credentials import source_settings
from tracking.models import Hospital
from tracking.selectors import SearchTerm, hospital_search_terms, term_matcher_build

logger = logging.getLogger(__name__)

# Namespace for the advisory locks that keep two workers from polling one source at once.
SOURCE_LOCK_NAMESPACE = 7301
BUDGET_HOW_TO_FIX = "Raise the monthly budget on the source (or the hospital), or wait for next month."
QUOTA_HOW_TO_FIX = (
    "Nothing to do: polling resumes when the quota resets. To hear more each day, search less often "
    "(search_interval_minutes), keep a smaller reply reserve (reply_reserve_units), or get a larger quota "
    "from Google and set daily_quota_units."
)


@dataclass(frozen=True, slots=True)
class PlannedQuery:
    query: SourceQuery
    hospital_id: int


class BudgetReached(Exception):
    """This month's budget for the source or a hospital is spent (polling stops until next month), or the
    platform's daily quota is nearly used up (polling stops until it resets)."""

    def __init__(self, message: str, *, how_to_fix: str = BUDGET_HOW_TO_FIX):
        super().__init__(message)
        self.how_to_fix = how_to_fix


def source_queries(*, source: Source) -> list[PlannedQuery]:
    """One query per tracked hospital and per language and region its terms are limited to, as far as the
    source's platform can search by them (Connector.query_filters); every other term shares the hospital's
    unrestricted query, and the local matcher applies the rest."""
    connector_class = CONNECTORS.get(source.kind)
    filters = connector_class.query_filters if connector_class is not None else frozenset()
    return [
        PlannedQuery(query, hospital_id)
        for (hospital_id, slug), terms in hospital_search_terms().items()
        for query in hospital_queries(key=f"hospital:{slug}", terms=terms, filters=filters)
    ]


def hospital_queries(*, key: str, terms: list[SearchTerm], filters: frozenset[str]) -> list[SourceQuery]:
    """A hospital's terms grouped by the (language, region) the platform can search by, one query each:
    the unrestricted group first, keyed `key` as it always was, and each limited group under a key of its
    own ("<key>#lang:es,region:MX"), so a group never continues from another query's cursor."""
    groups: dict[tuple[str, str], list[str]] = {}
    for term in terms:
        limits = (
            term.language if "language" in filters else "",
            term.region if "region" in filters else "",
        )
        groups.setdefault(limits, []).append(term.query)
    hospital = SourceQuery(key=key, terms=())
    return [
        replace(
            hospital,
            key=_limited_key(key, language, region),
            terms=tuple(queries),
            language=language,
            region=region,
        )
        for (language, region), queries in sorted(groups.items())
    ]


def _limited_key(key: str, language: str, region: str) -> str:
    limits = [f"lang:{language}"] if language else []
    if region:
        limits.append(f"region:{region}")
    return f"{key}#{','.join(limits)}" if limits else key


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

    Writes a SyncRun, mentions (through mention_ingest), SourceCursor rows, usage and coverage gaps, and
    the source's health. Returns None when another worker is polling the source right now. Re-raises
    transient connector errors (after recording them) so the caller can retry; permanent ones mark the
    source broken; a spent budget stops the run.
    """
    max_pages = max_pages or settings.SYNC_MAX_PAGES_PER_RUN
    with _source_lock(source_id) as acquired:
        if not acquired:
            logger.info("source %s is being polled by another worker; skipping", source_id)
            return None
        source = Source.objects.get(pk=source_id)
        now = timezone.now()
        # Holding the lock, no other run of this source is alive: a run still "running" lost its worker
        # (killed, or its database connection dropped) and its uncommitted page was rolled back.
        SyncRun.objects.filter(source=source, status=SyncRun.Status.RUNNING).update(
            status=SyncRun.Status.FAILED, finished_at=now, error="Interrupted: the worker stopped mid-run."
        )
        if source.last_run_at is not None:
            coverage.gap_record_missed_polls(
                source=source, last_polled_at=source.last_run_at, due_every=source_poll_interval(source, now)
            )
        run = SyncRun.objects.create(source=source)
        try:
            _sync_pages(source, run, max_pages)
        except BudgetReached as stop:
            _run_stop_for_budget(run, source, str(stop), how_to_fix=stop.how_to_fix)
            return run
        except ConnectorError as error:
            _run_finish(run, source, error=error)
            if not error.permanent:
                raise
            return run
        _run_finish(run, source)
        return run


def _sync_pages(source: Source, run: SyncRun, max_pages: int) -> None:
    connector = connector_for(source.kind, source_settings(source))
    matcher = term_matcher_build()
    hospitals = {h.pk: h for h in Hospital.objects.all()}
    pages = 0
    quota_stop = ""
    try:
        for planned, query in _parts_least_recently_polled_first(source, connector):
            result = None
            while result is None or result.has_more:
                if pages >= max_pages:
                    # Mid-query: a follow-up run continues at once. A query not yet started comes first
                    # at the next scheduled poll, because it is then the least recently polled.
                    run.has_more = result is not None
                    return
                _check_budgets(source, hospitals.get(planned.hospital_id))
                cursor, _ = SourceCursor.objects.get_or_create(source=source, query_key=query.key)
                shortfall = _quota_shortfall(source, connector.next_fetch_quota_units(query, cursor.position))
                if shortfall:
                    # This part's next call does not fit in what polling may still use today; a cheaper
                    # part (a 1-unit list where a search costs 100) may, so the others go on.
                    quota_stop = shortfall
                    break
                units_before = connector.quota_units_used
                try:
                    result = connector.fetch(query, cursor.position)
                except ConnectorError as error:
                    _quota_record_failed_fetch(source, connector.quota_units_used - units_before, error)
                    raise
                pages += 1
                # The cursor moves in the same transaction as the rows it covers: a crash before the
                # commit refetches the page, and the unique constraint absorbs what was already stored.
                with transaction.atomic():
                    stored = mention_ingest(
                        source=source, raw_items=result.items, normalize=connector.normalize, matcher=matcher
                    )
                    SourceCursor.objects.filter(pk=cursor.pk).update(
                        position=result.next_cursor, updated_at=timezone.now()
                    )
                    run.cost_usd += costs.usage_record(
                        source=source,
                        hospital_id=planned.hospital_id,
                        reads=result.billable_reads,
                        api_calls=result.api_calls,
                    )
                    coverage.gaps_record_reported(
                        source=source, query_key=query.key, gaps=result.coverage_gaps
                    )
                    costs.quota_units_record(source=source, units=connector.quota_units_used - units_before)
                _run_count(run, result.api_calls, result.billable_reads, len(result.items), stored)
    except SoftTimeLimitExceeded:
        # Every stored page has its cursor saved; a follow-up run continues from there.
        run.has_more = True
        return
    if quota_stop:
        raise BudgetReached(quota_stop, how_to_fix=QUOTA_HOW_TO_FIX)


def _parts_least_recently_polled_first(
    source: Source, connector: Connector
) -> list[tuple[PlannedQuery, SourceQuery]]:
    polled_at = dict(SourceCursor.objects.filter(source=source).values_list("query_key", "updated_at"))
    never = datetime.min.replace(tzinfo=UTC)
    parts = [
        (planned, part)
        for planned in source_queries(source=source)
        for part in connector.plan_queries(planned.query)
    ]
    return sorted(parts, key=lambda pair: (polled_at.get(pair[1].key) or never, pair[1].key))


def _quota_shortfall(source: Source, units: int) -> str:
    """Why polling may not make a call costing `units` of the daily quota now ("" when it may): the day's
    units, less the reserve kept for replies, cannot cover it."""
    quota = costs.source_quota_state(source)
    if quota is None or quota.polling_allows(units):
        return ""
    resets = timezone.localtime(quota.resets_at).strftime("%Y-%m-%d %H:%M %Z")
    return (
        f"{source.name} used {quota.used:,} of its {quota.limit:,} daily quota units; polling keeps the last "
        f"{quota.reply_reserve:,} for replies and stops before a call ({max(units, 1):,} units) would reach "
        f"them, until the quota resets at {resets} (midnight Pacific)."
    )


def _quota_record_failed_fetch(source: Source, units: int, error: ConnectorError) -> None:
    """Count what a failed fetch used; when the platform said the day's quota is gone, count it all as used
    and stop polling until the reset, instead of asking again with every retry."""
    costs.quota_units_record(source=source, units=units)
    if isinstance(error, DailyQuotaExceeded):
        costs.quota_spent_record(source=source)
        raise BudgetReached(
            f"{source.name}: the platform refused a call because the daily quota is used up ({error}). "
            "Polling stops until the quota resets.",
            how_to_fix=error.how_to_fix or QUOTA_HOW_TO_FIX,
        ) from error


def _check_budgets(source: Source, hospital: Hospital | None) -> None:
    if costs.cost_per_read(source) == 0:
        return
    state = costs.source_budget_state(source)
    if state.exhausted:
        raise BudgetReached(
            f"{source.name} reached its monthly budget of ${state.budget} (spent ${state.spent})."
        )
    if hospital is not None:
        hospital_state = costs.hospital_budget_state(hospital)
        if hospital_state.exhausted:
            raise BudgetReached(
                f"{hospital.name} reached its monthly budget of ${hospital_state.budget} "
                f"(spent ${hospital_state.spent})."
            )


def _run_count(run: SyncRun, api_calls: int, reads: int, items: int, stored: IngestResult) -> None:
    run.api_calls += api_calls
    run.billable_reads += reads
    run.items_fetched += items
    run.mentions_new += stored.new
    run.duplicates += stored.duplicates
    run.rejected += stored.rejected


def _run_finish(run: SyncRun, source: Source, *, error: ConnectorError | None = None) -> None:
    now = timezone.now()
    run.finished_at = now
    run.status = SyncRun.Status.FAILED if error else SyncRun.Status.SUCCEEDED
    run.error = str(error) if error else ""
    if error is not None and error.retry_after:
        run.rate_limit_wait_seconds = int(error.retry_after)
    run.save()
    if error is None:
        source.status, source.last_error, source.how_to_fix = Source.Status.OK, "", ""
        coverage.gap_close(source=source, at=now)
    else:
        source.status = Source.Status.BROKEN if error.permanent else Source.Status.ERROR
        source.last_error, source.how_to_fix = str(error), error.how_to_fix
        if error.permanent:
            reason = CoverageGap.Reason.CREDENTIALS
        elif error.retry_after:
            reason = CoverageGap.Reason.RATE_LIMIT
        else:
            reason = CoverageGap.Reason.OUTAGE
        coverage.gap_open(source=source, reason=reason, detail=str(error))
    source.last_run_at = now
    source.save(update_fields=["status", "last_error", "how_to_fix", "last_run_at"])


def _run_stop_for_budget(run: SyncRun, source: Source, message: str, *, how_to_fix: str) -> None:
    now = timezone.now()
    run.finished_at, run.status, run.error = now, SyncRun.Status.BUDGET_STOPPED, message
    run.save()
    coverage.gap_open(source=source, reason=CoverageGap.Reason.BUDGET, detail=message)
    source.last_error = message
    source.how_to_fix = how_to_fix
    source.last_run_at = now
    source.save(update_fields=["last_error", "how_to_fix", "last_run_at"])
    logger.warning("budget stop: %s", message)


def source_poll_interval(source: Source, now: datetime) -> timedelta:
    """How often the source is polled: its interval, stretched when it is close to its monthly budget or
    to its platform's daily quota."""
    interval = timedelta(minutes=source.poll_interval_minutes)
    over_budget = source.monthly_budget_usd is not None and costs.source_budget_state(source, now).slow_down
    quota = costs.source_quota_state(source, now)
    if over_budget or (quota is not None and quota.slow_down):
        interval *= settings.BUDGET_SLOWDOWN_FACTOR
    return interval


def sources_claim_due(*, now: datetime | None = None) -> list[int]:
    """Ids of enabled, polled sources whose next poll is due, each claimed by moving its next poll on.

    The conditional UPDATE must change exactly one row, so two schedulers never both claim a source.
    A source close to its monthly budget is polled less often.
    """
    now = now or timezone.now()
    due = (
        Source.objects.filter(is_enabled=True)
        .exclude(kind=Source.Kind.FILE_IMPORT)
        .exclude(status=Source.Status.BROKEN)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
    )
    claimed = []
    for source in due:
        if Source.objects.filter(pk=source.pk, next_poll_at=source.next_poll_at).update(
            next_poll_at=now + source_poll_interval(source, now)
        ):
            claimed.append(source.pk)
    return claimed
