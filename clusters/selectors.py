"""Reads for the cluster pages: the list with trends and sparklines, one cluster's detail, and its crowd."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from django.db.models import Count, Q, Sum
from django.utils import timezone

from clusters.conf import cluster_settings
from clusters.models import Cluster, ClusterDay, vector_from_bytes
from mentions.models import Mention

SPARKLINE_MIN_WEEKS = 12
DETAIL_WEEKS = 52
DETAIL_DAYS = 90
LATEST_MENTIONS = 10
RELATED_CLUSTERS = 5
REPLIED = (Mention.TriageStatus.REPLIED, Mention.TriageStatus.RESOLVED)


@dataclass(frozen=True, slots=True)
class ClusterRow:
    """One line of the cluster list: counts are for the period and the same length of time before it."""

    cluster: Cluster
    size: int
    previous_size: int
    sparkline: list[int]  # Complaints a week, oldest first, the last week ending on `until`.

    @property
    def change(self) -> int:
        return self.size - self.previous_size

    @property
    def trend_pct(self) -> float | None:
        """Change against the previous period in percent; None when it had none."""
        if not self.previous_size:
            return None
        return 100.0 * self.change / self.previous_size


def _as_date(value: date | datetime) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) else value


def cluster_list(
    *,
    since: date | datetime,
    until: date | datetime,
    hospital=None,
    category: str | None = None,
    source_platform: str | None = None,
    min_size: int | None = None,
    limit: int | None = None,
) -> list[ClusterRow]:
    """Clusters with complaints in the period (days since..until inclusive), emerging first, then biggest.

    Counts come from the ClusterDay rollup, so filters by hospital (the cluster's), complaint category and
    platform apply to the counts. Clusters under min_size (CLUSTERS_LIST_MIN_SIZE) in the period are left
    out. Three queries.
    """
    since, until = _as_date(since), _as_date(until)
    min_size = cluster_settings().list_min_size if min_size is None else min_size
    length = (until - since).days + 1
    previous_start = since - timedelta(days=length)
    weeks = max(SPARKLINE_MIN_WEEKS, -(-length // 7))
    sparkline_start = until - timedelta(days=7 * weeks - 1)

    days = ClusterDay.objects.exclude(cluster__status=Cluster.Status.MERGED)
    if hospital is not None:
        days = days.filter(cluster__hospital=hospital)
    if category:
        days = days.filter(category=category)
    if source_platform:
        days = days.filter(platform=source_platform)

    totals = (
        days.filter(day__gte=previous_start, day__lte=until)
        .values("cluster_id", "cluster__is_emerging")
        .annotate(
            size=Sum("count", filter=Q(day__gte=since), default=0),
            previous=Sum("count", filter=Q(day__lt=since), default=0),
        )
        .filter(size__gte=max(min_size, 1))
        .order_by("-cluster__is_emerging", "-size", "cluster_id")
    )
    if limit is not None:
        totals = totals[:limit]
    totals = list(totals)
    if not totals:
        return []
    ids = [row["cluster_id"] for row in totals]
    clusters = Cluster.objects.select_related("hospital", "representative").in_bulk(ids)
    weekly: dict[int, list[int]] = defaultdict(lambda: [0] * weeks)
    for row in (
        days.filter(cluster_id__in=ids, day__gte=sparkline_start, day__lte=until)
        .values("cluster_id", "day")
        .annotate(total=Sum("count"))
        .order_by()
    ):
        weekly[row["cluster_id"]][(row["day"] - sparkline_start).days // 7] += row["total"]
    return [
        ClusterRow(
            cluster=clusters[row["cluster_id"]],
            size=row["size"],
            previous_size=row["previous"],
            sparkline=weekly[row["cluster_id"]],
        )
        for row in totals
    ]


@dataclass(frozen=True, slots=True)
class ClusterDetail:
    cluster: Cluster
    volume_by_week: list[tuple[date, int]]  # Monday of each week, oldest first.
    volume_by_day: list[tuple[date, int]]  # The last DETAIL_DAYS days, oldest first.
    by_platform: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_hospital: list[tuple[str, int]]
    by_location: list[tuple[str, int]]
    representative: Mention | None
    latest: list[Mention]
    related: list[tuple[Cluster, float]]  # Nearest active clusters by centroid, with cosine similarity.


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def cluster_detail(cluster: Cluster) -> ClusterDetail:
    """Everything the cluster page shows: volume over time, breakdowns, example posts, related clusters.

    Six queries.
    """
    today = timezone.localdate()
    first_week = today - timedelta(days=today.weekday() + 7 * (DETAIL_WEEKS - 1))
    first_day = today - timedelta(days=DETAIL_DAYS - 1)
    weeks, days_ = defaultdict(int), defaultdict(int)
    platforms, categories = defaultdict(int), defaultdict(int)
    for day, platform, category, count in ClusterDay.objects.filter(cluster=cluster).values_list(
        "day", "platform", "category", "count"
    ):
        platforms[platform] += count
        categories[category or "uncategorised"] += count
        if day >= first_week:
            weeks[day - timedelta(days=day.weekday())] += count
        if day >= first_day:
            days_[day] += count
    # Weeks before the cluster's first member are left off the chart.
    start_week = first_week
    if cluster.first_seen:
        seen = timezone.localdate(cluster.first_seen)
        start_week = max(first_week, seen - timedelta(days=seen.weekday()))
    volume_by_week = []
    week = start_week
    while week <= today:
        volume_by_week.append((week, weeks.get(week, 0)))
        week += timedelta(days=7)
    volume_by_day = [
        (first_day + timedelta(days=offset), days_.get(first_day + timedelta(days=offset), 0))
        for offset in range(DETAIL_DAYS)
    ]
    members = Mention.objects.filter(cluster_member__cluster=cluster)
    by_hospital = {
        row["hospital__name"] or "No hospital": row["total"]
        for row in members.values("hospital__name").annotate(total=Count("*")).order_by()
    }
    by_location = {
        row["matched_terms__location__name"]: row["total"]
        for row in members.filter(matched_terms__location__isnull=False)
        .values("matched_terms__location__name")
        .annotate(total=Count("pk", distinct=True))
        .order_by()
    }
    representative = (
        Mention.objects.select_related("hospital").filter(pk=cluster.representative_id).first()
        if cluster.representative_id
        else None
    )
    latest = list(members.select_related("hospital").order_by("-posted_at", "-pk")[:LATEST_MENTIONS])
    return ClusterDetail(
        cluster=cluster,
        volume_by_week=volume_by_week,
        volume_by_day=volume_by_day,
        by_platform=_ranked(platforms),
        by_category=_ranked(categories),
        by_hospital=_ranked(by_hospital),
        by_location=_ranked(by_location),
        representative=representative,
        latest=latest,
        related=_related(cluster),
    )


def _related(cluster: Cluster) -> list[tuple[Cluster, float]]:
    centroid = cluster.centroid_vector()
    if not centroid.size:
        return []
    others = list(
        Cluster.objects.filter(status=Cluster.Status.ACTIVE)
        .exclude(pk=cluster.pk)
        .select_related("hospital")
        .defer("key_terms")
    )
    others = [other for other in others if vector_from_bytes(other.centroid).size == centroid.size]
    if not others:
        return []
    similarities = np.vstack([vector_from_bytes(other.centroid) for other in others]) @ centroid
    order = np.argsort(-similarities, kind="stable")[:RELATED_CLUSTERS]
    return [(others[index], float(similarities[index])) for index in order]


@dataclass(frozen=True, slots=True)
class ClusterCrowd:
    """Who is behind a cluster: distinct authors, repeat complainers, and how many posts got a reply."""

    mentions: int
    authors: int  # Distinct (platform, author_handle); posts without a handle are not counted as authors.
    repeat_complainers: list[tuple[str, str, int]]  # (platform, author_handle, posts) with 2 or more posts.
    replied: int  # Posts whose triage status is replied or resolved.

    @property
    def repeat_authors(self) -> int:
        return len(self.repeat_complainers)

    @property
    def reply_rate(self) -> float:
        return self.replied / self.mentions if self.mentions else 0.0


def cluster_crowd(cluster: Cluster) -> ClusterCrowd:
    """Distinct authors, repeat complainers (2+ posts in the cluster) and replies of a cluster. One query."""
    rows = (
        Mention.objects.filter(cluster_member__cluster=cluster)
        .values("platform", "author_handle")
        .annotate(posts=Count("*"), replied=Count("pk", filter=Q(triage_status__in=REPLIED)))
        .order_by()
    )
    mentions = replied = authors = 0
    repeat = []
    for row in rows:
        mentions += row["posts"]
        replied += row["replied"]
        if not row["author_handle"]:
            continue
        authors += 1
        if row["posts"] >= 2:
            repeat.append((row["platform"], row["author_handle"], row["posts"]))
    repeat.sort(key=lambda item: (-item[2], item[0], item[1]))
    return ClusterCrowd(mentions=mentions, authors=authors, repeat_complainers=repeat, replied=replied)


SPLIT_CHOICES = 200


def cluster_split_choices(cluster: Cluster, *, limit: int = SPLIT_CHOICES) -> list[Mention]:
    """The cluster's latest complaints that staff can tick to split off, newest first (one query)."""
    return list(
        Mention.objects.filter(cluster_member__cluster=cluster)
        .only("pk", "posted_at", "platform", "text", "title", "cluster_member__assigned_by")
        .select_related("cluster_member")
        .order_by("-posted_at", "-pk")[:limit]
    )
