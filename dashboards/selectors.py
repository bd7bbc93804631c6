"""Aggregations behind the dashboards. Each takes an already filtered mention queryset."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncDay, TruncWeek

from mentions.models import Mention, Platform
from triage.models import QueueItem
from triage.selectors import PercentileCont

SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True, slots=True)
class MentionTotals:
    total: int
    positive: int
    neutral: int
    negative: int
    complaints: int

    @property
    def net_sentiment(self) -> int | None:
        """Positive minus negative, as a percentage of all mentions."""
        if not self.total:
            return None
        return round(100 * (self.positive - self.negative) / self.total)

    @property
    def negative_share(self) -> int | None:
        return round(100 * self.negative / self.total) if self.total else None


def mention_totals(*, mentions: QuerySet[Mention]) -> MentionTotals:
    counts = mentions.aggregate(
        total=Count("pk"),
        positive=Count("pk", filter=Q(sentiment_label="positive")),
        neutral=Count("pk", filter=Q(sentiment_label="neutral")),
        negative=Count("pk", filter=Q(sentiment_label="negative")),
        complaints=Count("pk", filter=Q(is_complaint=True)),
    )
    return MentionTotals(**counts)


def _volume(mentions: QuerySet[Mention], period: str, field: str) -> dict[str, dict[date, int]]:
    trunc = TruncWeek if period == "week" else TruncDay
    rows = (
        mentions.annotate(bucket=trunc("posted_at"))
        .values("bucket", field)
        .annotate(n=Count("pk"))
        .order_by()
    )
    volume: dict[str, dict[date, int]] = {}
    for row in rows:
        series = volume.setdefault(row[field] or "", {})
        day = row["bucket"].date()
        series[day] = series.get(day, 0) + row["n"]
    return volume


def mention_volume_by_period(*, mentions: QuerySet[Mention], period: str) -> dict[str, dict[date, int]]:
    """Mention counts per day or week (the week's Monday), by sentiment label."""
    volume = _volume(mentions, period, "sentiment_label")
    unlabelled = volume.pop("", {})
    result = {label: volume.get(label, {}) for label in SENTIMENTS}
    for day, n in unlabelled.items():
        result["neutral"][day] = result["neutral"].get(day, 0) + n
    return result


def complaint_volume_by_category(*, mentions: QuerySet[Mention], period: str) -> dict[str, dict[date, int]]:
    """Complaint counts per day or week, by category (uncategorised complaints under "")."""
    return _volume(mentions.filter(is_complaint=True), period, "category")


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    key: str
    label: str
    counts: dict[str, int]
    is_own: bool = False
    complaints: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def mention_counts_by_platform(*, mentions: QuerySet[Mention]) -> list[BreakdownRow]:
    """Mentions by platform and sentiment, largest first."""
    rows = mentions.values("platform", "sentiment_label").annotate(n=Count("pk")).order_by()
    labels = dict(Platform.choices)
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        by_sentiment = counts.setdefault(row["platform"], dict.fromkeys(SENTIMENTS, 0))
        by_sentiment[row["sentiment_label"] or "neutral"] += row["n"]
    result = [
        BreakdownRow(key=key, label=labels.get(key, key), counts=value) for key, value in counts.items()
    ]
    return sorted(result, key=lambda row: row.total, reverse=True)


def mention_counts_by_hospital(*, mentions: QuerySet[Mention]) -> list[BreakdownRow]:
    """Mentions by hospital and sentiment, with complaints: own hospital first, then by volume."""
    rows = (
        mentions.filter(hospital__isnull=False)
        .values("hospital__slug", "hospital__name", "hospital__is_own", "sentiment_label")
        .annotate(n=Count("pk"), complaints=Count("pk", filter=Q(is_complaint=True)))
        .order_by()
    )
    merged: dict[str, dict] = {}
    for row in rows:
        entry = merged.setdefault(
            row["hospital__slug"],
            {
                "label": row["hospital__name"],
                "own": row["hospital__is_own"],
                "counts": dict.fromkeys(SENTIMENTS, 0),
            },
        )
        entry["counts"][row["sentiment_label"] or "neutral"] += row["n"]
        entry["complaints"] = entry.get("complaints", 0) + row["complaints"]
    result = [
        BreakdownRow(
            key=slug, label=e["label"], counts=e["counts"], is_own=e["own"], complaints=e["complaints"]
        )
        for slug, e in merged.items()
    ]
    return sorted(result, key=lambda row: (not row.is_own, -row.total))


@dataclass(frozen=True, slots=True)
class FirstResponseMedians:
    """Median time from joining the queue to the first response, for the period and the one before."""

    current: timedelta | None
    previous: timedelta | None

    @staticmethod
    def _minutes(value: timedelta | None) -> int | None:
        return None if value is None else round(value.total_seconds() / 60)

    @property
    def current_minutes(self) -> int | None:
        return self._minutes(self.current)

    @property
    def previous_minutes(self) -> int | None:
        return self._minutes(self.previous)


def first_response_medians(
    *, start: datetime, end: datetime, previous_start: datetime, hospital=None
) -> FirstResponseMedians:
    """Medians over the queue items created in [start, end) and [previous_start, start) that have had a
    first response (optionally of one hospital). One query over the queue, which holds only complaints."""
    to_first = ExpressionWrapper(F("first_response_at") - F("created_at"), DurationField())
    items = QueueItem.objects.filter(
        created_at__gte=previous_start, created_at__lt=end, first_response_at__isnull=False
    )
    if hospital is not None:
        items = items.filter(mention__hospital=hospital)
    medians = items.aggregate(
        current=PercentileCont(
            to_first, fraction=0.5, filter=Q(created_at__gte=start), output_field=DurationField()
        ),
        previous=PercentileCont(
            to_first, fraction=0.5, filter=Q(created_at__lt=start), output_field=DurationField()
        ),
    )
    return FirstResponseMedians(current=medians["current"], previous=medians["previous"])
