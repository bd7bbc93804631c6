"""Reads of sources and their runs."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, QuerySet

from sources.models import Source, SyncRun


@dataclass(frozen=True, slots=True)
class Freshness:
    last_success_at: datetime | None
    broken_sources: list[str]
    failing_sources: list[str]


def source_freshness() -> Freshness:
    """When data last arrived, and which sources need attention: shown on every dashboard."""
    sources = list(Source.objects.filter(is_enabled=True).exclude(kind=Source.Kind.FILE_IMPORT))
    last = SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED).aggregate(at=Max("finished_at"))["at"]
    return Freshness(
        last_success_at=last,
        broken_sources=[s.name for s in sources if s.status == Source.Status.BROKEN],
        failing_sources=[s.name for s in sources if s.status == Source.Status.ERROR],
    )


def source_list() -> QuerySet[Source]:
    return Source.objects.all()
