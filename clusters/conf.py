"""The clustering settings, read at call time so tests can override them; docs/clusters.md explains each."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    window_days: int
    assign_min_similarity: float
    distance_threshold: float
    match_min_jaccard: float
    max_recluster_members: int
    backfill_limit: int
    catch_up_days: int
    catch_up_limit: int
    list_min_size: int
    emerging_ratio: float
    emerging_min_mentions: int
    emerging_new_days: int
    emerging_new_min_mentions: int
    emerging_baseline_weeks: int
    emerging_clear_ratio: float
    emerging_lookback_days: int
    alert_emails: list[str]
    alert_webhook_url: str
    webhook_timeout: float


def cluster_settings() -> ClusterSettings:
    return ClusterSettings(
        window_days=getattr(settings, "CLUSTERS_WINDOW_DAYS", 180),
        assign_min_similarity=getattr(settings, "CLUSTERS_ASSIGN_MIN_SIMILARITY", 0.6),
        distance_threshold=getattr(settings, "CLUSTERS_DISTANCE_THRESHOLD", 0.5),
        match_min_jaccard=getattr(settings, "CLUSTERS_MATCH_MIN_JACCARD", 0.2),
        max_recluster_members=getattr(settings, "CLUSTERS_MAX_RECLUSTER_MEMBERS", 15_000),
        backfill_limit=getattr(settings, "CLUSTERS_BACKFILL_LIMIT", 5_000),
        catch_up_days=getattr(settings, "CLUSTERS_CATCH_UP_DAYS", 2),
        catch_up_limit=getattr(settings, "CLUSTERS_CATCH_UP_LIMIT", 1_000),
        list_min_size=getattr(settings, "CLUSTERS_LIST_MIN_SIZE", 3),
        emerging_ratio=getattr(settings, "CLUSTERS_EMERGING_RATIO", 3.0),
        emerging_min_mentions=getattr(settings, "CLUSTERS_EMERGING_MIN_MENTIONS", 8),
        emerging_new_days=getattr(settings, "CLUSTERS_EMERGING_NEW_DAYS", 14),
        emerging_new_min_mentions=getattr(settings, "CLUSTERS_EMERGING_NEW_MIN_MENTIONS", 6),
        emerging_baseline_weeks=getattr(settings, "CLUSTERS_EMERGING_BASELINE_WEEKS", 4),
        emerging_clear_ratio=getattr(settings, "CLUSTERS_EMERGING_CLEAR_RATIO", 1.0),
        emerging_lookback_days=getattr(settings, "CLUSTERS_EMERGING_LOOKBACK_DAYS", 28),
        alert_emails=list(getattr(settings, "ALERT_EMAILS", [])),
        alert_webhook_url=getattr(settings, "ALERT_WEBHOOK_URL", ""),
        webhook_timeout=getattr(settings, "ALERT_WEBHOOK_TIMEOUT", 5.0),
    )
