"""Reads of mentions for pages, dashboards and exports."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from mentions.filters import MentionFilterSet
from mentions.models import ImportJob, Mention, RejectedPayload
from mentions.partitions import MentionPartition, mention_partitions_expired
from triage.models import OPEN_STATUSES


def mention_filterset(*, data: QueryDict | None, default_period: bool = False) -> MentionFilterSet:
    """The filters from a request; with default_period, an unset date range means the last 90 days."""
    data = data.copy() if data is not None else QueryDict(mutable=True)
    filterset = MentionFilterSet(data=data, queryset=mention_base_queryset())
    if default_period and filterset.is_valid() and not data.get("date_from"):
        start, _ = filterset.period()
        data["date_from"] = start.date().isoformat()
        filterset = MentionFilterSet(data=data, queryset=mention_base_queryset())
    return filterset


def mention_base_queryset() -> QuerySet[Mention]:
    return Mention.objects.select_related("hospital", "source").defer("raw", "search_vector")


def mention_get(*, mention_id: int) -> Mention:
    return (
        Mention.objects.select_related("hospital", "source")
        .prefetch_related("matched_terms")
        .get(pk=mention_id)
    )


def mention_filterset_previous_period(filterset: MentionFilterSet) -> MentionFilterSet:
    """The same filters over the period of equal length just before the selected one (for change figures)."""
    start, end = filterset.period()
    length = end - start
    data = filterset.data.copy()
    data["date_from"] = (start - length).date().isoformat()
    data["date_to"] = (start - timedelta(days=1)).date().isoformat()
    previous = MentionFilterSet(data=data, queryset=mention_base_queryset())
    previous.is_valid()
    return previous


# --- Retention ----------------------------------------------------------------


@dataclass(frozen=True)
class RetentionSummary:
    """What a retention run would delete now, and what it keeps on purpose."""

    cutoff: datetime | None  # None: retention is off (MENTION_RETENTION_DAYS = 0)
    mentions: int
    kept_open: int  # expired, but their complaint is still open in the queue
    months_dropped: int  # whole months among them whose partition is dropped rather than deleted by row
    rejected_payloads: int
    import_files: int


def retention_cutoff(*, now: datetime | None = None) -> datetime | None:
    """Mentions posted before this are expired; None when MENTION_RETENTION_DAYS is 0 (keep forever)."""
    days = settings.MENTION_RETENTION_DAYS
    return (now or timezone.now()) - timedelta(days=days) if days > 0 else None


def mentions_expired(*, cutoff: datetime) -> QuerySet[Mention]:
    """Mentions posted before the cutoff, except those whose queue item is still open: someone is working
    that complaint, and deleting it would pull the case and its audit trail from under them. They go on
    the first run after the item is closed."""
    return Mention.objects.filter(posted_at__lt=cutoff).exclude(queue_item__status__in=OPEN_STATUSES)


def import_jobs_expired(*, cutoff: datetime) -> QuerySet[ImportJob]:
    """Finished imports older than the cutoff that still keep their uploaded file (raw payloads)."""
    return ImportJob.objects.filter(
        created_at__lt=cutoff, status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED]
    ).exclude(file="")


def retention_summary(*, now: datetime | None = None) -> RetentionSummary:
    cutoff = retention_cutoff(now=now)
    if cutoff is None:
        return RetentionSummary(
            cutoff=None, mentions=0, kept_open=0, months_dropped=0, rejected_payloads=0, import_files=0
        )
    kept_open = Mention.objects.filter(posted_at__lt=cutoff, queue_item__status__in=OPEN_STATUSES)
    months_kept = {
        MentionPartition.of(posted_at) for posted_at in kept_open.values_list("posted_at", flat=True)
    }
    return RetentionSummary(
        cutoff=cutoff,
        mentions=mentions_expired(cutoff=cutoff).count(),
        kept_open=kept_open.count(),
        months_dropped=len(set(mention_partitions_expired(cutoff=cutoff)) - months_kept),
        rejected_payloads=RejectedPayload.objects.filter(created_at__lt=cutoff).count(),
        import_files=import_jobs_expired(cutoff=cutoff).count(),
    )
