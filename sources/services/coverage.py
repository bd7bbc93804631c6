"""Coverage gaps: the periods a source was not listening, recorded as they happen."""

from datetime import datetime

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
    """Store gaps a connector reported (periods beyond the platform's reach) for one query."""
    CoverageGap.objects.bulk_create(
        [
            CoverageGap(
                source=source,
                query_key=query_key,
                start=gap.start,
                end=gap.end,
                reason=CoverageGap.Reason.WINDOW,
                detail=gap.reason,
            )
            for gap in gaps
            if gap.end > gap.start
        ]
    )
