"""Placing complaints in clusters: incrementally as they arrive, and by periodic re-clustering.

Clusters never span hospitals: assignment and re-clustering both work within one hospital at a time.
"""

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import AgglomerativeClustering

from clusters.conf import cluster_settings
from clusters.models import Cluster, ClusterMember, vector_from_bytes, vector_to_bytes
from clusters.services import embedding
from clusters.services.common import (
    clusters_lock,
    clusters_rebuild_rollup,
    clusters_refresh_labels,
    clusters_refresh_stats,
    normalise,
    provisional_label,
    searchable_text,
)
from mentions.models import Mention

logger = logging.getLogger(__name__)

ASSIGN_CHUNK_SIZE = 500
# Complaints tagged this long ago and still without a cluster lost their assign task (for example to a
# broker outage); younger ones probably have theirs in flight.
UNASSIGNED_GRACE = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class AssignResult:
    joined: int
    started: int


@dataclass(frozen=True, slots=True)
class ReclusterResult:
    members: int
    embedded: int
    moved: int
    kept: int
    created: int
    retired: int


@dataclass(slots=True)
class _Pool:
    """The active clusters of one hospital while a batch is assigned."""

    clusters: list[Cluster] = field(default_factory=list)
    centroids: list[np.ndarray] = field(default_factory=list)


def clusters_assign(*, mention_ids: Sequence[int]) -> AssignResult:
    """Place new complaints in the nearest active cluster of their hospital, or start a cluster for each.

    Embeds each complaint once (outside the lock); writes one ClusterMember per mention, creates Cluster
    rows for new stories, updates size, centroid and first/last seen of the clusters touched and rebuilds
    their ClusterDay rollup. Mentions that are not complaints or are already placed are skipped.
    """
    config = cluster_settings()
    mentions = list(
        # Only complaints about a tracked hospital: a term's exclusions ("have mercy") keep the rest out.
        Mention.objects.filter(
            pk__in=mention_ids,
            is_complaint=True,
            match_status=Mention.MatchStatus.MATCHED,
            cluster_member__isnull=True,
        )
        .select_related("hospital")
        .only("id", "title", "text", "posted_at", "hospital")
        .order_by("posted_at", "pk")
    )
    if not mentions:
        return AssignResult(joined=0, started=0)
    vectors = np.asarray(
        embedding.mentions_embed([searchable_text(mention.title, mention.text) for mention in mentions]),
        dtype=np.float32,
    )
    joined = started = 0
    with transaction.atomic():
        clusters_lock()
        # Another worker may have placed some of them while this one was embedding.
        placed = set(
            ClusterMember.objects.filter(mention_id__in=[m.pk for m in mentions]).values_list(
                "mention_id", flat=True
            )
        )
        pools = _active_pools({mention.hospital_id for mention in mentions})
        members, touched, sizes = [], {}, defaultdict(int)
        for mention, vector in zip(mentions, vectors, strict=True):
            if mention.pk in placed:
                continue
            pool = pools[mention.hospital_id]
            similarity, index = -1.0, -1
            if pool.centroids:
                similarities = np.vstack(pool.centroids) @ vector
                index = int(np.argmax(similarities))
                similarity = float(similarities[index])
            if index >= 0 and similarity >= config.assign_min_similarity:
                cluster = pool.clusters[index]
                count = cluster.size + sizes[cluster.pk]
                # A running mean keeps the centroid current until re-clustering recomputes it exactly.
                pool.centroids[index] = normalise(pool.centroids[index] * count + vector)
                joined += 1
            else:
                cluster = Cluster.objects.create(
                    hospital=mention.hospital,
                    label=provisional_label(text=mention.display_title, hospital=mention.hospital),
                    centroid=vector_to_bytes(vector),
                    representative=mention,
                    first_seen=mention.posted_at,
                    last_seen=mention.posted_at,
                )
                pool.clusters.append(cluster)
                pool.centroids.append(vector.copy())
                index, similarity = len(pool.clusters) - 1, 1.0
                started += 1
            sizes[cluster.pk] += 1
            touched[cluster.pk] = (cluster, pool.centroids[index])
            cluster.first_seen = min(filter(None, [cluster.first_seen, mention.posted_at]))
            cluster.last_seen = max(filter(None, [cluster.last_seen, mention.posted_at]))
            members.append(
                ClusterMember(
                    mention=mention,
                    cluster=cluster,
                    similarity=similarity,
                    assigned_by=ClusterMember.AssignedBy.INCREMENTAL,
                    embedding=vector_to_bytes(vector),
                    posted_at=mention.posted_at,
                )
            )
        ClusterMember.objects.bulk_create(members, batch_size=500)
        for cluster, centroid in touched.values():
            cluster.size += sizes[cluster.pk]
            cluster.centroid = vector_to_bytes(centroid)
        Cluster.objects.bulk_update(
            [cluster for cluster, _ in touched.values()], ["size", "centroid", "first_seen", "last_seen"]
        )
        clusters_rebuild_rollup(cluster_ids=touched)
    return AssignResult(joined=joined, started=started)


def clusters_assign_pending(*, now: datetime | None = None) -> int:
    """Place recent complaints that were tagged a while ago and have no cluster yet; returns how many were
    found (clusters_assign may still skip some, for example if a worker placed them meanwhile).

    The catch-up for lost assign tasks. It looks only at mentions posted in the last
    CLUSTERS_CATCH_UP_DAYS, a range of the posted_at index, so a run with nothing to do is one short query;
    older complaints are placed by the next re-clustering, which looks at the whole window. At most
    CLUSTERS_CATCH_UP_LIMIT a run, newest first; the rest at the next run. Writes as clusters_assign.
    """
    config = cluster_settings()
    now = now or timezone.now()
    missing = list(
        Mention.objects.filter(
            is_complaint=True,
            match_status=Mention.MatchStatus.MATCHED,
            posted_at__gte=now - timedelta(days=config.catch_up_days),
            enriched_at__lt=now - UNASSIGNED_GRACE,
            cluster_member__isnull=True,
        )
        .order_by("-posted_at")
        .values_list("pk", flat=True)[: config.catch_up_limit]
    )
    for start in range(0, len(missing), ASSIGN_CHUNK_SIZE):
        clusters_assign(mention_ids=missing[start : start + ASSIGN_CHUNK_SIZE])
    return len(missing)


def _active_pools(hospital_ids: set[int | None]) -> dict[int | None, _Pool]:
    pools: dict[int | None, _Pool] = defaultdict(_Pool)
    condition = Q(hospital_id__in=[pk for pk in hospital_ids if pk is not None])
    if None in hospital_ids:
        condition |= Q(hospital__isnull=True)
    for cluster in Cluster.objects.filter(condition, status=Cluster.Status.ACTIVE).order_by("pk"):
        centroid = cluster.centroid_vector()
        if centroid.size:
            pools[cluster.hospital_id].clusters.append(cluster)
            pools[cluster.hospital_id].centroids.append(centroid.copy())
    return pools


@dataclass(slots=True)
class _WindowMember:
    mention_id: int
    cluster_id: int
    hospital_id: int | None
    vector: np.ndarray
    posted_at: datetime
    pinned: bool


def clusters_recluster(*, now: datetime | None = None) -> ReclusterResult:
    """Re-cluster the complaints of the window and map the new groups onto the existing clusters.

    First places complaints of the window that have no cluster yet (clusters_assign, at most
    CLUSTERS_BACKFILL_LIMIT a run). Then, per hospital: groups members with average-linkage agglomerative
    clustering on cosine distance, keeps each existing cluster's id for the group it overlaps most (Hungarian
    assignment on Jaccard overlap), starts clusters for unmatched groups, leaves members staff placed where
    they are, retires active clusters left without members in the window, recomputes stats, labels and the
    ClusterDay rollup. Deletes memberships of mentions no longer tagged as complaints.
    """
    config = cluster_settings()
    now = now or timezone.now()
    window_start = now - timedelta(days=config.window_days)
    missing = list(
        Mention.objects.filter(
            is_complaint=True,
            match_status=Mention.MatchStatus.MATCHED,
            posted_at__gte=window_start,
            cluster_member__isnull=True,
        )
        .order_by("-posted_at")
        .values_list("pk", flat=True)[: config.backfill_limit]
    )
    for start in range(0, len(missing), ASSIGN_CHUNK_SIZE):
        clusters_assign(mention_ids=missing[start : start + ASSIGN_CHUNK_SIZE])

    with transaction.atomic():
        clusters_lock()
        stale = ClusterMember.objects.filter(posted_at__gte=window_start).exclude(
            mention__is_complaint=True, mention__match_status=Mention.MatchStatus.MATCHED
        )
        affected = set(stale.values_list("cluster_id", flat=True))
        stale.delete()

        members = _window_members(window_start)
        affected |= {member.cluster_id for member in members}
        statuses = dict(
            Cluster.objects.filter(pk__in={m.cluster_id for m in members}).values_list("pk", "status")
        )
        cluster_hospitals = dict(
            Cluster.objects.filter(pk__in={m.cluster_id for m in members}).values_list("pk", "hospital_id")
        )
        partitions: dict[int | None, list[_WindowMember]] = defaultdict(list)
        for member in members:
            if not member.pinned:
                partitions[member.hospital_id].append(member)

        moved = kept = created = 0
        changed: list[_WindowMember] = []
        for hospital_id, free in partitions.items():
            # Beyond the cap the oldest members keep their clusters: average linkage needs n² memory.
            free = sorted(free, key=lambda m: m.posted_at, reverse=True)[: config.max_recluster_members]
            groups = _agglomerate(np.vstack([m.vector for m in free]), config.distance_threshold)
            candidates = sorted(
                {
                    m.cluster_id
                    for m in free
                    if statuses.get(m.cluster_id) == Cluster.Status.ACTIVE
                    and cluster_hospitals.get(m.cluster_id) == hospital_id
                }
            )
            mapping = _match_groups(free, groups, candidates, config.match_min_jaccard)
            kept += len(mapping)
            new_clusters: dict[int, int] = {}
            for group in sorted(set(groups)):
                if group not in mapping:
                    cluster = Cluster.objects.create(hospital_id=hospital_id)
                    new_clusters[group] = cluster.pk
                    created += 1
            for member, group in zip(free, groups, strict=True):
                target = mapping.get(group) or new_clusters[group]
                if target != member.cluster_id:
                    member.cluster_id = target
                    changed.append(member)
            affected |= set(new_clusters.values())
        moved = len(changed)
        ClusterMember.objects.bulk_update(
            [
                ClusterMember(
                    mention_id=m.mention_id,
                    cluster_id=m.cluster_id,
                    assigned_by=ClusterMember.AssignedBy.RECLUSTER,
                )
                for m in changed
            ],
            ["cluster", "assigned_by"],
            batch_size=1000,
        )

        clusters_refresh_stats(cluster_ids=affected, window_start=window_start)
        _update_similarities(members)
        retired = (
            Cluster.objects.filter(status=Cluster.Status.ACTIVE)
            .exclude(members__posted_at__gte=window_start)
            .update(status=Cluster.Status.RETIRED, is_emerging=False, emerging_since=None)
        )
        active_ids = list(
            Cluster.objects.filter(status=Cluster.Status.ACTIVE, pk__in=affected).values_list("pk", flat=True)
        )
        clusters_refresh_labels(cluster_ids=active_ids, window_start=window_start)
        clusters_rebuild_rollup(cluster_ids=affected)
    return ReclusterResult(
        members=len(members),
        embedded=len(missing),
        moved=moved,
        kept=kept,
        created=created,
        retired=retired,
    )


def _window_members(window_start: datetime) -> list[_WindowMember]:
    rows = (
        ClusterMember.objects.filter(posted_at__gte=window_start)
        .values_list(
            "mention_id", "cluster_id", "mention__hospital_id", "embedding", "posted_at", "assigned_by"
        )
        .order_by("mention_id")
    )
    return [
        _WindowMember(
            mention_id=mention_id,
            cluster_id=cluster_id,
            hospital_id=hospital_id,
            vector=vector_from_bytes(data),
            posted_at=posted_at,
            pinned=assigned_by == ClusterMember.AssignedBy.STAFF,
        )
        for mention_id, cluster_id, hospital_id, data, posted_at, assigned_by in rows.iterator(
            chunk_size=2000
        )
    ]


def _agglomerate(vectors: np.ndarray, distance_threshold: float) -> list[int]:
    """Group labels: average linkage on cosine distance, cut where groups are further apart than that."""
    if len(vectors) < 2:
        return [0] * len(vectors)
    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=distance_threshold
    )
    return [int(label) for label in model.fit_predict(vectors)]


def _match_groups(
    members: list[_WindowMember], groups: list[int], candidates: list[int], min_jaccard: float
) -> dict[int, int]:
    """Each new group's existing cluster: the one-to-one pairing with the most Jaccard overlap (Hungarian).

    Pairs below min_jaccard are dropped, so a group that shares only a few members with a cluster starts
    a cluster of its own instead of taking over that cluster's id.
    """
    if not candidates:
        return {}
    group_ids = sorted(set(groups))
    group_index = {group: row for row, group in enumerate(group_ids)}
    cluster_index = {cluster_id: column for column, cluster_id in enumerate(candidates)}
    overlap = np.zeros((len(group_ids), len(candidates)))
    for member, group in zip(members, groups, strict=True):
        column = cluster_index.get(member.cluster_id)
        if column is not None:
            overlap[group_index[group], column] += 1
    group_sizes = np.bincount([group_index[group] for group in groups], minlength=len(group_ids))
    cluster_sizes = overlap.sum(axis=0)
    union = group_sizes[:, None] + cluster_sizes[None, :] - overlap
    jaccard = np.divide(overlap, union, out=np.zeros_like(overlap), where=union > 0)
    rows, columns = linear_sum_assignment(jaccard, maximize=True)
    return {
        group_ids[row]: candidates[column]
        for row, column in zip(rows, columns, strict=True)
        if jaccard[row, column] >= min_jaccard
    }


def _update_similarities(members: list[_WindowMember]) -> None:
    centroids = {
        pk: vector_from_bytes(data)
        for pk, data in Cluster.objects.filter(pk__in={m.cluster_id for m in members}).values_list(
            "pk", "centroid"
        )
    }
    updates = []
    for member in members:
        centroid = centroids.get(member.cluster_id)
        if centroid is not None and centroid.size == member.vector.size:
            similarity = float(member.vector @ centroid)
            updates.append(ClusterMember(mention_id=member.mention_id, similarity=similarity))
    ClusterMember.objects.bulk_update(updates, ["similarity"], batch_size=1000)
