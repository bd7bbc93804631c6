"""Aggregations behind the dashboards. Each takes an already filtered mention queryset."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDay, TruncWeek

from mentions.models import Mention

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


def mention_totals(*, mentions: QuerySet[Mention]) -> MentionTotals:
    counts = mentions.aggregate(
        total=Count("*"),
        positive=Count("pk", filter=Q(sentiment_label="positive")),
        neutral=Count("pk", filter=Q(sentiment_label="neutral")),
        negative=Count("pk", filter=Q(sentiment_label="negative")),
        complaints=Count("pk", filter=Q(is_complaint=True)),
    )
    return MentionTotals(**counts)


def mention_volume_by_period(*, mentions: QuerySet[Mention], period: str) -> dict[str, dict[date, int]]:
    """Mention counts per day or week (the week's Monday), by sentiment label."""
    trunc = TruncWeek if period == "week" else TruncDay
    rows = (
        mentions.annotate(bucket=trunc("posted_at"))
        .values("bucket", "sentiment_label")
        .annotate(n=Count("*"))
        .order_by()
    )
    volume: dict[str, dict[date, int]] = {label: {} for label in SENTIMENTS}
    for row in rows:
        label = row["sentiment_label"] or "neutral"
        day = row["bucket"].date()
        volume[label][day] = volume[label].get(day, 0) + row["n"]
    return volume


def mention_counts_by_platform(*, mentions: QuerySet[Mention]) -> list[tuple[str, dict[str, int]]]:
    """(platform label, {sentiment: count}) for each platform, largest first."""
    rows = mentions.values("platform", "sentiment_label").annotate(n=Count("*")).order_by()
    labels = dict(Mention._meta.get_field("platform").choices)
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        by_sentiment = counts.setdefault(
            labels.get(row["platform"], row["platform"]), dict.fromkeys(SENTIMENTS, 0)
        )
        by_sentiment[row["sentiment_label"] or "neutral"] += row["n"]
    return sorted(counts.items(), key=lambda item: sum(item[1].values()), reverse=True)


def mention_counts_by_hospital(*, mentions: QuerySet[Mention]) -> list[tuple[str, bool, dict[str, int]]]:
    """(hospital name, is own, {sentiment: count}): own hospital first, then competitors by volume."""
    rows = (
        mentions.filter(hospital__isnull=False)
        .values("hospital__name", "hospital__is_own", "sentiment_label")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts: dict[tuple[str, bool], dict[str, int]] = {}
    for row in rows:
        key = (row["hospital__name"], row["hospital__is_own"])
        counts.setdefault(key, dict.fromkeys(SENTIMENTS, 0))[row["sentiment_label"] or "neutral"] += row["n"]
    ordered = sorted(counts.items(), key=lambda item: (not item[0][1], -sum(item[1].values())))
    return [(name, is_own, by_sentiment) for (name, is_own), by_sentiment in ordered]
