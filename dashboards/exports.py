"""The data behind each overview chart, as CSV rows (same filters, same selectors as the page)."""

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

from dashboards.selectors import (
    SENTIMENTS,
    complaint_volume_by_category,
    mention_counts_by_hospital,
    mention_counts_by_platform,
    mention_volume_by_period,
)
from mentions.models import Mention

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """Neutralise spreadsheet formula injection: text that would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _series_rows(volume: dict, key_name: str) -> tuple[list[str], Iterable[list]]:
    rows = sorted(
        (
            [day.isoformat(), key or "uncategorised", n]
            for key, days in volume.items()
            for day, n in days.items()
        ),
        key=lambda row: (row[0], row[1]),
    )
    return ["period_start", key_name, "mentions"], rows


def volume_rows(*, mentions: QuerySet[Mention], period: str):
    return _series_rows(mention_volume_by_period(mentions=mentions, period=period), "sentiment")


def sentiment_rows(*, mentions: QuerySet[Mention], period: str):
    volume = mention_volume_by_period(mentions=mentions, period=period)
    rows = []
    for day in sorted({day for days in volume.values() for day in days}):
        counts = {label: volume[label].get(day, 0) for label in SENTIMENTS}
        total = sum(counts.values())
        net = round(100 * (counts["positive"] - counts["negative"]) / total, 1)
        rows.append([day.isoformat(), total, counts["positive"], counts["negative"], net])
    return ["period_start", "mentions", "positive", "negative", "net_sentiment_pct"], rows


def category_rows(*, mentions: QuerySet[Mention], period: str):
    header, rows = _series_rows(complaint_volume_by_category(mentions=mentions, period=period), "category")
    return ["period_start", "category", "complaints"], rows


def hospital_rows(*, mentions: QuerySet[Mention], period: str):
    rows = [
        [
            row.label,
            "own" if row.is_own else "competitor",
            *[row.counts[s] for s in SENTIMENTS],
            row.complaints,
        ]
        for row in mention_counts_by_hospital(mentions=mentions)
    ]
    return ["hospital", "kind", *SENTIMENTS, "complaints"], rows


def platform_rows(*, mentions: QuerySet[Mention], period: str):
    rows = [
        [row.label, *[row.counts[s] for s in SENTIMENTS]]
        for row in mention_counts_by_platform(mentions=mentions)
    ]
    return ["source", *SENTIMENTS], rows


CHART_EXPORTS: dict[str, Callable] = {
    "volume": volume_rows,
    "sentiment": sentiment_rows,
    "categories": category_rows,
    "hospitals": hospital_rows,
    "share": hospital_rows,
    "platforms": platform_rows,
}
