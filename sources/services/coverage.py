"""Coverage gaps: the periods a source was not listening, recorded as they happen."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from sources.connectors.base import CoverageGap as ReportedGap
from sources.models import CoverageGap, Source, SyncRun


def gap_open(*, source: Source, reason: str, detail: str, since: datetime | None = None) -> CoverageGap:
    """Open a source-wide gap, or extend the reason of the one already open. Writes one CoverageGap."""
    open_gap = CoverageGap.objects.filter(source=source, query_key="", end__isnull=True).first()
    if open_gap:
        if (open_gap.reason, open_gap.detail) != (reason, detail):
            open_gap.reason, open_gap.detail = reason, detail
            open_gap.save(update_fields=["reason", "detail"])
        return open_gap
    if since is None:
        last_success = (
            SyncRun.objects.filter(source=source, status=SyncRun.Status.SUCCEEDED)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        since = last_success or timezone.now()
    try:
        with transaction.atomic():
            return CoverageGap.objects.create(source=source, start=since, reason=reason, detail=detail)
    except IntegrityError:  # Another worker opened it a moment ago.
        return CoverageGap.objects.get(source=source, query_key="", end__isnull=True)


def gap_close(*, source: Source, at: datetime | None = None) -> None:
    """Close the source's open gap, if any: it is listening again."""
    CoverageGap.objects.filter(source=source, query_key="", end__isnull=True).update(end=at or timezone.now())


def gaps_record_reported(*, source: Source, query_key: str, gaps: tuple[ReportedGap, ...]) -> None:
    """Store gaps a connector reported (periods beyond the platform's reach, or open-ended ones for what
    the platform does not offer) for one query."""
    CoverageGap.objects.bulk_create(
        [
            CoverageGap(
                source=source,
                query_key=f"{query_key}{gap.key_suffix}",
                start=gap.start,
                end=gap.end,
                reason=gap.kind,
                detail=gap.reason,
            )
            for gap in gaps
            if gap.end is None or gap.end > gap.start
        ],
        # An open-ended gap is reported once per query; reported again (after its cursor was reset) it
        # meets the one-open-gap-per-query index and is skipped rather than failing the page.
        ignore_conflicts=True,
    )


def gap_record_missed_polls(
    *, source: Source, last_polled_at: datetime, due_every: timedelta, now: datetime | None = None
) -> CoverageGap | None:
    """Record the polls that never ran (workers or broker down, scheduler stopped) as a closed gap, so a
    silence after an outage is not mistaken for calm. Writes one CoverageGap when the source went unpolled
    for more than twice its interval (plus the scheduler's minute of slack), and none while an outage is
    already on record."""
    now = now or timezone.now()
    expected_by = last_polled_at + due_every
    if now - last_polled_at <= 2 * due_every + timedelta(minutes=1):
        return None
    if CoverageGap.objects.filter(source=source, query_key="", end__isnull=True).exists():
        return None
    minutes = int((now - expected_by).total_seconds() // 60)
    return CoverageGap.objects.create(
        source=source,
        start=expected_by,
        end=now,
        reason=CoverageGap.Reason.OUTAGE,
        detail=(
            f"Not polled for {minutes} minutes (paused, or the workers or the queue were down). This poll "
            "continued from the saved position; posts the platform no longer returns may be missing."
        ),
    )
