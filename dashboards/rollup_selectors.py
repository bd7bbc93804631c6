"""The overview's aggregations answered from the MentionDay rollup instead of the mentions table.

Each function returns exactly what its namesake in dashboards.selectors returns for `filterset.qs`, as long
as rollup_can_answer(filterset) is true: the rollup keeps every tag those filters test, by local day, so
the same filters select the same mentions. Full-text search and clusters are not in the rollup; with those
the raw selectors answer. docs/performance.md has the measurements behind this.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek

from dashboards import selectors as raw
from dashboards.models import MentionDay
from dashboards.selectors import SENTIMENTS, BreakdownRow, MentionTotals
from mentions.filters import MentionFilterSet
from mentions.models import Mention, Platform
from tracking.models import Hospital

# Filters of MentionFilterSet that test a column the rollup keeps. Any other filter in use (today q and
# cluster, and whatever is added later) sends the page to the raw selectors.
ROLLUP_FILTERS = frozenset(
    {
        "hospital",
        "platform",
        "sentiment",
        "complaint",
        "category",
        "severity",
        "match",
        "date_from",
        "date_to",
    }
)
_EMPTY = (None, "", [], (), {})


def rollup_can_answer(filterset: MentionFilterSet) -> bool:
    """Whether the rollup selectors give the same answers as the raw ones for this (valid) filter set."""
    if not filterset.is_valid():
        return False
    return all(
        name in ROLLUP_FILTERS for name, value in filterset.form.cleaned_data.items() if value not in _EMPTY
    )


def mention_day_queryset(*, filterset: MentionFilterSet) -> QuerySet[MentionDay]:
    """The rollup rows for the filter set: the same conditions MentionFilterSet.qs puts on mentions."""
    data = filterset.form.cleaned_data
    days = MentionDay.objects.all()
    if data.get("hospital") is not None:
        days = days.filter(hospital_id=data["hospital"].pk)
    if data.get("platform"):
        days = days.filter(platform=data["platform"])
    if data.get("sentiment"):
        days = days.filter(sentiment_label=data["sentiment"])
    if data.get("complaint") is not None:
        days = days.filter(is_complaint=data["complaint"])
    if data.get("category"):
        days = days.filter(category=data["category"])
    if data.get("severity"):
        days = days.filter(severity=data["severity"])
    # MentionFilterSet.qs shows matched mentions unless another match status is asked for.
    days = days.filter(match_status=data.get("match") or Mention.MatchStatus.MATCHED)
    # Rollup days are local dates, the same days filter_date_from/filter_date_to turn into local midnights.
    if data.get("date_from"):
        days = days.filter(day__gte=data["date_from"])
    if data.get("date_to"):
        days = days.filter(day__lte=data["date_to"])
    return days


def _sum(condition: Q | None = None) -> Sum:
    return Sum("count", filter=condition, default=0)


def mention_totals(*, filterset: MentionFilterSet) -> MentionTotals:
    """As dashboards.selectors.mention_totals. One query."""
    counts = mention_day_queryset(filterset=filterset).aggregate(
        total=_sum(),
        positive=_sum(Q(sentiment_label="positive")),
        neutral=_sum(Q(sentiment_label="neutral")),
        negative=_sum(Q(sentiment_label="negative")),
        complaints=_sum(Q(is_complaint=True)),
    )
    return MentionTotals(**counts)


# The folding below mirrors dashboards.selectors line for line; tests/dashboards/test_rollups.py checks that
# both give equal results.


def _fold_volume(rows: Iterable[tuple[str, date, int]]) -> dict[str, dict[date, int]]:
    """(key, bucket, n) rows as {key: {bucket: n}}, an empty key for unlabelled."""
    volume: dict[str, dict[date, int]] = {}
    for key, bucket, n in rows:
        series = volume.setdefault(key or "", {})
        series[bucket] = series.get(bucket, 0) + n
    return volume


def _sentiment_volume(volume: dict[str, dict[date, int]]) -> dict[str, dict[date, int]]:
    unlabelled = volume.pop("", {})
    result = {label: volume.get(label, {}) for label in SENTIMENTS}
    for day, n in unlabelled.items():
        result["neutral"][day] = result["neutral"].get(day, 0) + n
    return result


def _platform_breakdown(rows: Iterable[tuple[str, str, int]]) -> list[BreakdownRow]:
    """(platform, sentiment, n) rows as breakdown rows, largest first."""
    labels = dict(Platform.choices)
    counts: dict[str, dict[str, int]] = {}
    for platform, sentiment, n in rows:
        by_sentiment = counts.setdefault(platform, dict.fromkeys(SENTIMENTS, 0))
        by_sentiment[sentiment or "neutral"] += n
    result = [
        BreakdownRow(key=key, label=labels.get(key, key), counts=value) for key, value in counts.items()
    ]
    return sorted(result, key=lambda row: row.total, reverse=True)


def _hospital_breakdown(rows: Iterable[tuple[str, str, bool, str, int, int]]) -> list[BreakdownRow]:
    """(slug, name, is_own, sentiment, n, complaints) rows as breakdown rows, own hospital first."""
    merged: dict[str, dict] = {}
    for slug, name, is_own, sentiment, n, complaints in rows:
        entry = merged.setdefault(
            slug, {"label": name, "own": is_own, "counts": dict.fromkeys(SENTIMENTS, 0), "complaints": 0}
        )
        entry["counts"][sentiment or "neutral"] += n
        entry["complaints"] += complaints
    result = [
        BreakdownRow(
            key=slug, label=e["label"], counts=e["counts"], is_own=e["own"], complaints=e["complaints"]
        )
        for slug, e in merged.items()
    ]
    return sorted(result, key=lambda row: (not row.is_own, -row.total))


def _volume(days: QuerySet[MentionDay], period: str, field: str) -> dict[str, dict[date, int]]:
    # A week is labelled by its Monday, as TruncWeek labels it on the mentions.
    bucket = TruncWeek("day") if period == "week" else F("day")
    rows = days.annotate(bucket=bucket).values(field, "bucket").annotate(n=Sum("count")).order_by()
    return _fold_volume(rows.values_list(field, "bucket", "n"))


def mention_volume_by_period(*, filterset: MentionFilterSet, period: str) -> dict[str, dict[date, int]]:
    """As dashboards.selectors.mention_volume_by_period (unlabelled mentions count as neutral). One query."""
    return _sentiment_volume(_volume(mention_day_queryset(filterset=filterset), period, "sentiment_label"))


def complaint_volume_by_category(*, filterset: MentionFilterSet, period: str) -> dict[str, dict[date, int]]:
    """As dashboards.selectors.complaint_volume_by_category. One query."""
    return _volume(mention_day_queryset(filterset=filterset).filter(is_complaint=True), period, "category")


def mention_counts_by_platform(*, filterset: MentionFilterSet) -> list[BreakdownRow]:
    """As dashboards.selectors.mention_counts_by_platform. One query."""
    rows = (
        mention_day_queryset(filterset=filterset)
        .values("platform", "sentiment_label")
        .annotate(n=Sum("count"))
        .order_by("platform", "sentiment_label")
    )
    return _platform_breakdown(rows.values_list("platform", "sentiment_label", "n"))


def mention_counts_by_hospital(*, filterset: MentionFilterSet) -> list[BreakdownRow]:
    """As dashboards.selectors.mention_counts_by_hospital. One query."""
    rows = (
        # The join to the hospital (not just hospital_id) also leaves out rows of a deleted hospital whose
        # days were not refreshed yet: their mentions have no hospital now.
        mention_day_queryset(filterset=filterset)
        .filter(hospital__slug__isnull=False)
        .values("hospital__slug", "hospital__name", "hospital__is_own", "sentiment_label")
        .annotate(n=Sum("count"), complaints=_sum(Q(is_complaint=True)))
        .order_by("hospital__slug", "sentiment_label")
    )
    return _hospital_breakdown(
        rows.values_list(
            "hospital__slug", "hospital__name", "hospital__is_own", "sentiment_label", "n", "complaints"
        )
    )


@dataclass(frozen=True, slots=True)
class OverviewAggregates:
    """Everything the overview page aggregates, for the selected period and the one before it."""

    totals: MentionTotals
    previous: MentionTotals
    volume: dict[str, dict[date, int]]  # As mention_volume_by_period.
    categories: dict[str, dict[date, int]]  # As complaint_volume_by_category.
    by_platform: list[BreakdownRow]
    by_hospital: list[BreakdownRow]
    previous_volume: dict[str, dict[date, int]]  # As volume, for the previous period.


# GROUPING(bucket, sentiment_label, category, platform, hospital_id): a bit is set for each column a set
# leaves out.
_SENTIMENT_VOLUME, _CATEGORY_VOLUME, _PLATFORMS, _HOSPITALS = 0b00111, 0b01011, 0b10101, 0b10110
_OVERVIEW_SQL = """
SELECT GROUPING({bucket}, r.sentiment_label, r.category, r.platform, r.hospital_id), {bucket},
       r.sentiment_label, r.category, r.platform, r.hospital_id,
       SUM(r.count), COALESCE(SUM(r.count) FILTER (WHERE r.is_complaint), 0)
FROM ({rollup}) AS r
GROUP BY GROUPING SETS (
    ({bucket}, r.sentiment_label), ({bucket}, r.category), (r.platform, r.sentiment_label),
    (r.hospital_id, r.sentiment_label)
)
"""


def _previous_from_rollup(previous: MentionFilterSet, period: str) -> tuple[MentionTotals, dict]:
    """The previous period's totals and volume by sentiment, from one grouped query."""
    bucket = TruncWeek("day") if period == "week" else F("day")
    rows = (
        mention_day_queryset(filterset=previous)
        .annotate(bucket=bucket)
        .values("sentiment_label", "bucket")
        .annotate(n=Sum("count"), complaints=_sum(Q(is_complaint=True)))
        .order_by()
        .values_list("sentiment_label", "bucket", "n", "complaints")
    )
    rows = list(rows)
    by_sentiment = dict.fromkeys(SENTIMENTS, 0)
    for sentiment, _, n, _ in rows:
        if sentiment in by_sentiment:
            by_sentiment[sentiment] += n
    totals = MentionTotals(
        total=sum(row[2] for row in rows), complaints=sum(row[3] for row in rows), **by_sentiment
    )
    return totals, _sentiment_volume(_fold_volume((sentiment, day, n) for sentiment, day, n, _ in rows))


def _overview_from_rollup(
    filterset: MentionFilterSet, previous: MentionFilterSet, period: str
) -> OverviewAggregates:
    # One pass over the period's rollup rows feeds all four groupings (Postgres hashes them side by side):
    # at 2M mentions a pass is ~20 ms, so this saves three of them against calling the selectors one by one.
    rollup = mention_day_queryset(filterset=filterset).values(
        "day", "hospital_id", "platform", "sentiment_label", "is_complaint", "category", "count"
    )
    rollup_sql, params = rollup.query.sql_with_params()
    bucket = "date_trunc('week', r.day::timestamp)::date" if period == "week" else "r.day"
    with connection.cursor() as cursor:
        cursor.execute(_OVERVIEW_SQL.format(bucket=bucket, rollup=rollup_sql), params)
        rows = cursor.fetchall()
    sets: dict[int, list[tuple]] = {
        _SENTIMENT_VOLUME: [],
        _CATEGORY_VOLUME: [],
        _PLATFORMS: [],
        _HOSPITALS: [],
    }
    for row in rows:
        sets[row[0]].append(row[1:])
    platforms = [(platform, sentiment, n) for _, sentiment, _, platform, _, n, _ in sets[_PLATFORMS]]
    # Hospitals by id from a second, tiny query: joining them to every rollup row would cost more. Rows
    # without a hospital, or of one deleted since (not refreshed yet), find no hospital and are left out.
    hospitals = {
        pk: (slug, name, is_own)
        for pk, slug, name, is_own in Hospital.objects.filter(
            pk__in=[row[4] for row in sets[_HOSPITALS] if row[4] is not None]
        ).values_list("pk", "slug", "name", "is_own")
    }
    by_sentiment = {label: 0 for label in ("positive", "neutral", "negative")}
    for _, sentiment, n in platforms:
        if sentiment in by_sentiment:
            by_sentiment[sentiment] += n
    totals = MentionTotals(
        total=sum(n for _, _, n in platforms),
        complaints=sum(row[-1] for row in sets[_PLATFORMS]),
        **by_sentiment,
    )
    previous_totals, previous_volume = _previous_from_rollup(previous, period)
    return OverviewAggregates(
        totals=totals,
        previous=previous_totals,
        previous_volume=previous_volume,
        volume=_sentiment_volume(
            _fold_volume((sentiment, bucket, n) for bucket, sentiment, *_, n, _ in sets[_SENTIMENT_VOLUME])
        ),
        categories=_fold_volume(
            (category, bucket, complaints)
            for bucket, _, category, *_, complaints in sets[_CATEGORY_VOLUME]
            if complaints
        ),
        by_platform=_platform_breakdown(platforms),
        by_hospital=_hospital_breakdown(
            (*hospitals[hospital_id], sentiment, n, complaints)
            for _, sentiment, _, _, hospital_id, n, complaints in sets[_HOSPITALS]
            if hospital_id in hospitals
        ),
    )


def overview_aggregates(
    *, filterset: MentionFilterSet, previous: MentionFilterSet, period: str
) -> OverviewAggregates:
    """The overview's numbers for a valid filter set and the previous period's (from
    mention_filterset_previous_period).

    From the rollup in three queries when rollup_can_answer, else from the raw selectors in
    dashboards.selectors (seven queries on the mentions).
    """
    if rollup_can_answer(filterset) and rollup_can_answer(previous):
        return _overview_from_rollup(filterset, previous, period)
    return overview_aggregates_from_mentions(filterset=filterset, previous=previous, period=period)


def overview_aggregates_from_mentions(
    *, filterset: MentionFilterSet, previous: MentionFilterSet, period: str
) -> OverviewAggregates:
    """overview_aggregates from the mentions table whatever the filters (seven queries)."""
    mentions = filterset.qs
    return OverviewAggregates(
        totals=raw.mention_totals(mentions=mentions),
        previous=raw.mention_totals(mentions=previous.qs),
        previous_volume=raw.mention_volume_by_period(mentions=previous.qs, period=period),
        volume=raw.mention_volume_by_period(mentions=mentions, period=period),
        categories=raw.complaint_volume_by_category(mentions=mentions, period=period),
        by_platform=raw.mention_counts_by_platform(mentions=mentions),
        by_hospital=raw.mention_counts_by_hospital(mentions=mentions),
    )
