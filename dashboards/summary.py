"""The weekly summary: one printable page a marketing lead can send to the executive team.

Everything on it comes from the same selectors as the overview, the cluster list and the queue report, for
the seven days ending on a chosen day and the seven days before, so the figures agree with those pages.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.http import QueryDict
from django.utils import timezone

from clusters.selectors import ClusterRow, cluster_list
from dashboards.rollup_selectors import complaint_volume_by_category, overview_aggregates
from dashboards.selectors import BreakdownRow, MentionTotals
from enrichment.taxonomy import Category
from mentions.selectors import mention_filterset, mention_filterset_previous_period
from sources.models import CoverageGap
from sources.selectors import coverage_gaps_between
from triage.selectors import ChangeRow, ResponseGroup, ResponseTimeRow, changes_made, response_times

SUMMARY_DAYS = 7
SUMMARY_CLUSTERS = 5


@dataclass(frozen=True, slots=True)
class CategoryChange:
    category: str
    label: str
    complaints: int
    previous: int

    @property
    def change(self) -> int:
        return self.complaints - self.previous


@dataclass(frozen=True, slots=True)
class WeeklySummary:
    first_day: date
    last_day: date
    hospital: object | None
    totals: MentionTotals
    previous: MentionTotals
    categories: list[CategoryChange]
    clusters: list[ClusterRow]
    by_hospital: list[BreakdownRow]
    response_times: list[ResponseTimeRow]
    changes: list[ChangeRow]
    gaps: list[CoverageGap]


def _category_totals(volume: dict[str, dict[date, int]]) -> dict[str, int]:
    return {category: sum(by_bucket.values()) for category, by_bucket in volume.items()}


def weekly_summary(*, last_day: date | None = None, hospital=None) -> WeeklySummary:
    """The summary of the seven days ending on `last_day` (default: yesterday, the last complete day),
    for one hospital or all."""
    last_day = last_day or timezone.localdate() - timedelta(days=1)
    first_day = last_day - timedelta(days=SUMMARY_DAYS - 1)
    data = QueryDict(mutable=True)
    data.update({"date_from": first_day.isoformat(), "date_to": last_day.isoformat()})
    if hospital is not None:
        data["hospital"] = hospital.slug
    filterset = mention_filterset(data=data)
    filterset.is_valid()
    previous_filterset = mention_filterset_previous_period(filterset)
    aggregates = overview_aggregates(filterset=filterset, previous=previous_filterset, period="week")

    this_week = _category_totals(aggregates.categories)
    # The filters are dates and a hospital only, so the rollup always answers.
    last_week = _category_totals(complaint_volume_by_category(filterset=previous_filterset, period="week"))
    labels = {**dict(Category.choices), "": "Uncategorised"}
    categories = sorted(
        (
            CategoryChange(
                category=category,
                label=labels.get(category, category),
                complaints=this_week.get(category, 0),
                previous=last_week.get(category, 0),
            )
            for category in set(this_week) | set(last_week)
        ),
        key=lambda row: (-row.complaints, -row.previous, row.label),
    )
    start = timezone.make_aware(datetime.combine(first_day, time.min))
    end = start + timedelta(days=SUMMARY_DAYS)
    return WeeklySummary(
        first_day=first_day,
        last_day=last_day,
        hospital=hospital,
        totals=aggregates.totals,
        previous=aggregates.previous,
        categories=categories,
        clusters=cluster_list(since=first_day, until=last_day, hospital=hospital, limit=SUMMARY_CLUSTERS),
        by_hospital=aggregates.by_hospital,
        response_times=response_times(since=start, until=end, group_by=ResponseGroup.CATEGORY),
        changes=changes_made(since=start, until=end),
        gaps=list(coverage_gaps_between(start=start, end=end, include_unsupported=False)),
    )
