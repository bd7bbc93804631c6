"""Emerging clusters: volume clearly above the cluster's own recent baseline, notified once per episode.

The check replays the last CLUSTERS_EMERGING_LOOKBACK_DAYS day by day (plus `now`) from the members'
timestamps, so a cluster already mid-wave when clustering is first switched on is recognised, and a missed
run changes nothing. An episode starts when, at some point t:

- the 7 days up to t hold at least CLUSTERS_EMERGING_MIN_MENTIONS members and at least
  CLUSTERS_EMERGING_RATIO times the weekly mean of the CLUSTERS_EMERGING_BASELINE_WEEKS before them, or
- the cluster was first seen less than CLUSTERS_EMERGING_NEW_DAYS before t and already has
  CLUSTERS_EMERGING_NEW_MIN_MENTIONS in those 7 days (a new story growing fast);

and it ends when the 7-day count falls to CLUSTERS_EMERGING_CLEAR_RATIO times the baseline or below, or
under half of CLUSTERS_EMERGING_MIN_MENTIONS.
"""

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import requests
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q

from clusters.conf import ClusterSettings, cluster_settings
from clusters.models import Cluster, ClusterMember
from webhooks.events import cluster_emerging_emit

logger = logging.getLogger(__name__)

WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class EmergingResult:
    flagged: list[int] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)
    notified: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Volume:
    recent: int
    baseline: float


def _volume(times: np.ndarray, at: datetime, config: ClusterSettings) -> _Volume:
    """Members in the 7 days up to `at`, and the weekly mean of the baseline weeks before those."""
    end, week_start = at.timestamp(), (at - WEEK).timestamp()
    baseline_start = (at - WEEK * (1 + config.emerging_baseline_weeks)).timestamp()
    recent = int(np.searchsorted(times, end, "right") - np.searchsorted(times, week_start, "right"))
    before = int(
        np.searchsorted(times, week_start, "right") - np.searchsorted(times, baseline_start, "right")
    )
    return _Volume(recent=recent, baseline=before / config.emerging_baseline_weeks)


def _starts(volume: _Volume, cluster: Cluster, at: datetime, config: ClusterSettings) -> bool:
    if (
        volume.recent >= config.emerging_min_mentions
        and volume.recent >= config.emerging_ratio * volume.baseline
    ):
        return True
    is_new = (
        cluster.first_seen is not None and at - timedelta(days=config.emerging_new_days) < cluster.first_seen
    )
    return is_new and cluster.first_seen <= at and volume.recent >= config.emerging_new_min_mentions


def _ends(volume: _Volume, config: ClusterSettings) -> bool:
    return (
        volume.recent <= config.emerging_clear_ratio * volume.baseline
        or volume.recent < config.emerging_min_mentions / 2
    )


def _check_points(now: datetime, lookback_days: int) -> list[datetime]:
    # Day-aligned points give the same episode start on every run during a day; `now` is checked last.
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    days = [midnight - timedelta(days=back) for back in range(lookback_days, -1, -1)]
    return [point for point in days if point < now] + [now]


def clusters_detect_emerging(*, now: datetime, notify: bool = True) -> EmergingResult:
    """Flag active clusters whose volume rises clearly above their baseline; clear those that fell back.

    Updates is_emerging and emerging_since on Cluster rows. With notify, sends one email (ALERT_EMAILS)
    and one webhook POST (ALERT_WEBHOOK_URL) per new episode and records it in last_notified_episode;
    without, episodes stay un-notified and the next run with notify sends them.
    """
    config = cluster_settings()
    points = _check_points(now, config.emerging_lookback_days)
    earliest = points[0] - WEEK * (1 + config.emerging_baseline_weeks)
    times: dict[int, list[float]] = defaultdict(list)
    rows = ClusterMember.objects.filter(
        cluster__status=Cluster.Status.ACTIVE, posted_at__gt=earliest, posted_at__lte=now
    ).values_list("cluster_id", "posted_at")
    for cluster_id, posted_at in rows.iterator(chunk_size=5000):
        times[cluster_id].append(posted_at.timestamp())
    flagged, cleared = [], []
    with transaction.atomic():
        # Merged and retired clusters are out of any episode.
        Cluster.objects.exclude(status=Cluster.Status.ACTIVE).filter(is_emerging=True).update(
            is_emerging=False, emerging_since=None
        )
        candidates = Cluster.objects.filter(
            Q(pk__in=list(times)) | Q(is_emerging=True), status=Cluster.Status.ACTIVE
        )
        for cluster in candidates.select_for_update(of=("self",)).order_by("pk"):
            stamps = np.sort(np.asarray(times.get(cluster.pk, []), dtype=np.float64))
            stored_since = cluster.emerging_since if cluster.is_emerging else None
            emerging = stored_since is not None and stored_since <= points[0]
            since = stored_since if emerging else None
            for point in points:
                volume = _volume(stamps, point, config)
                if not emerging and _starts(volume, cluster, point, config):
                    emerging, since = True, point
                elif emerging and _ends(volume, config):
                    emerging, since = False, None
            if emerging and stored_since is not None:
                since = stored_since  # The same episode goes on; its start (the notification key) stays.
            if emerging == cluster.is_emerging and since == cluster.emerging_since:
                continue
            (flagged if emerging else cleared).append(cluster.pk)
            cluster.is_emerging, cluster.emerging_since = emerging, since
            cluster.save(update_fields=["is_emerging", "emerging_since", "updated_at"])
    notified = clusters_notify_emerging(now=now) if notify else []
    return EmergingResult(flagged=flagged, cleared=cleared, notified=notified)


def clusters_notify_emerging(*, now: datetime) -> list[int]:
    """Send one notification for each emerging cluster whose current episode has not had one.

    Claims each episode with a conditional UPDATE of last_notified_episode first, so two runs never both
    send; then sends the email and the webhook POST. Failures are logged and not retried.
    """
    config = cluster_settings()
    notified = []
    due = Cluster.objects.filter(status=Cluster.Status.ACTIVE, is_emerging=True, emerging_since__isnull=False)
    for cluster in due.select_related("hospital", "representative").order_by("pk"):
        if cluster.last_notified_episode == cluster.emerging_since:
            continue
        claimed = (
            Cluster.objects.filter(pk=cluster.pk, emerging_since=cluster.emerging_since)
            .exclude(last_notified_episode=cluster.emerging_since)
            .update(last_notified_episode=cluster.emerging_since)
        )
        if claimed != 1:
            continue
        volume = _volume(
            np.sort(
                np.asarray(
                    [
                        posted_at.timestamp()
                        for posted_at in cluster.members.filter(
                            posted_at__gt=now - WEEK * (1 + config.emerging_baseline_weeks)
                        ).values_list("posted_at", flat=True)
                    ],
                    dtype=np.float64,
                )
            ),
            now,
            config,
        )
        _send(cluster_alert_text(cluster=cluster, recent=volume.recent, baseline=volume.baseline), config)
        cluster_emerging_emit(cluster_id=cluster.pk, recent=volume.recent, baseline=volume.baseline)
        notified.append(cluster.pk)
    return notified


def cluster_alert_text(*, cluster: Cluster, recent: int, baseline: float) -> str:
    where = f" at {cluster.hospital.name}" if cluster.hospital and not cluster.name else ""
    text = (
        f"Emerging complaint cluster: {cluster.title}{where}. "
        f"{recent} complaints in the last 7 days against {baseline:.1f} a week before."
    )
    if cluster.representative:
        text += f'\nTypical post: "{cluster.representative.display_title}"'
    return text


def _send(text: str, config: ClusterSettings) -> None:
    subject = text.splitlines()[0][:150]
    if config.alert_emails:
        try:
            send_mail(subject, text, None, config.alert_emails)
        except (smtplib.SMTPException, OSError):
            logger.exception("could not email the emerging cluster alert")
    if config.alert_webhook_url:
        try:
            response = requests.post(
                config.alert_webhook_url, json={"text": text}, timeout=config.webhook_timeout
            )
            response.raise_for_status()
        except requests.RequestException:
            logger.exception("could not post the emerging cluster alert to the webhook")
