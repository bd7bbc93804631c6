"""Pieces every cluster write shares: the write lock, cluster statistics, labels and the daily rollup."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

import numpy as np
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncDate

from clusters.models import Cluster, ClusterDay, ClusterMember, vector_from_bytes, vector_to_bytes
from clusters.services.labels import cluster_key_terms, label_from_terms, name_stop_words
from mentions.models import Mention
from tracking.models import Hospital, Location, TrackedTerm

# Key of the transaction-level advisory lock that serialises every write to clusters.
_LOCK_KEY = 7_202_611


def clusters_lock() -> None:
    """Hold the clusters write lock until the current transaction ends.

    Assignment, re-clustering and staff edits all read centroids and then move members; without one lock
    two workers could each start a new cluster for the same story, or re-clustering could undo a move a
    person made a second earlier.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def searchable_text(title: str, text: str) -> str:
    return f"{title}\n{text}" if title else text


def normalise(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def clusters_refresh_stats(*, cluster_ids: Iterable[int], window_start: datetime | None = None) -> None:
    """Recompute size, first/last seen, centroid and representative of clusters from their members.

    The centroid is the normalised mean of the members posted since window_start (all members when none
    are), so it follows what the story is about now; the representative is the member nearest to it.
    Updates the Cluster rows; a cluster without members keeps its centroid and gets size 0.
    """
    ids = sorted(set(cluster_ids))
    if not ids:
        return
    members: dict[int, list[tuple[int, np.ndarray, datetime]]] = defaultdict(list)
    rows = ClusterMember.objects.filter(cluster_id__in=ids).values_list(
        "cluster_id", "mention_id", "embedding", "posted_at"
    )
    for cluster_id, mention_id, embedding, posted_at in rows.iterator(chunk_size=2000):
        members[cluster_id].append((mention_id, vector_from_bytes(embedding), posted_at))
    clusters = list(Cluster.objects.filter(pk__in=ids))
    for cluster in clusters:
        own = members.get(cluster.pk, [])
        cluster.size = len(own)
        if not own:
            continue
        cluster.first_seen = min(posted_at for _, _, posted_at in own)
        cluster.last_seen = max(posted_at for _, _, posted_at in own)
        recent = [item for item in own if window_start is None or item[2] >= window_start] or own
        vectors = np.vstack([vector for _, vector, _ in recent])
        centroid = normalise(vectors.mean(axis=0))
        cluster.centroid = vector_to_bytes(centroid)
        cluster.representative_id = recent[int(np.argmax(vectors @ centroid))][0]
    Cluster.objects.bulk_update(
        clusters, ["size", "first_seen", "last_seen", "centroid", "representative"], batch_size=500
    )


def clusters_refresh_labels(*, cluster_ids: Iterable[int], window_start: datetime) -> None:
    """Recompute key terms and labels of clusters by c-TF-IDF against every active cluster in the window.

    Updates key_terms and label of the given clusters (staff names are separate and stay).
    """
    wanted = set(cluster_ids)
    if not wanted:
        return
    docs: dict[int, list[str]] = defaultdict(list)
    rows = (
        ClusterMember.objects.filter(cluster__status=Cluster.Status.ACTIVE, posted_at__gte=window_start)
        .values_list("cluster_id", "mention__title", "mention__text")
        .order_by()
    )
    for cluster_id, title, text in rows.iterator(chunk_size=2000):
        docs[cluster_id].append(searchable_text(title, text))
    # Clusters asked for but with no recent members are labelled from all their members.
    for cluster_id, title, text in (
        ClusterMember.objects.filter(cluster_id__in=wanted - set(docs))
        .values_list("cluster_id", "mention__title", "mention__text")
        .order_by()
    ):
        docs[cluster_id].append(searchable_text(title, text))
    names = list(Hospital.objects.values_list("name", flat=True))
    names += list(TrackedTerm.objects.values_list("text", flat=True))
    names += list(Location.objects.values_list("name", flat=True))
    key_terms = cluster_key_terms(docs, stop_words=name_stop_words(names))
    clusters = list(Cluster.objects.filter(pk__in=wanted).select_related("hospital"))
    for cluster in clusters:
        cluster.key_terms = key_terms.get(cluster.pk, [])
        hospital_name = cluster.hospital.name if cluster.hospital else ""
        cluster.label = label_from_terms(cluster.key_terms, hospital_name=hospital_name)[:300]
    Cluster.objects.bulk_update(clusters, ["key_terms", "label"], batch_size=500)


def provisional_label(*, text: str, hospital: Hospital | None) -> str:
    """A new cluster's label until the next re-clustering gives it key terms: its first complaint."""
    excerpt = " ".join(text.split())[:80]
    return f"{excerpt} ({hospital.name})" if hospital else excerpt


def clusters_rebuild_rollup(*, cluster_ids: Iterable[int]) -> None:
    """Rebuild the ClusterDay rows of clusters from their members (deletes and recreates those rows)."""
    ids = sorted(set(cluster_ids))
    if not ids:
        return
    ClusterDay.objects.filter(cluster_id__in=ids).delete()
    rows = (
        Mention.objects.filter(cluster_member__cluster_id__in=ids)
        .annotate(day=TruncDate("posted_at"))
        .values("cluster_member__cluster_id", "day", "platform", "category")
        .annotate(count=Count("*"))
        .order_by()
    )
    ClusterDay.objects.bulk_create(
        [
            ClusterDay(
                cluster_id=row["cluster_member__cluster_id"],
                day=row["day"],
                platform=row["platform"],
                category=row["category"],
                count=row["count"],
            )
            for row in rows
        ],
        batch_size=2000,
    )
