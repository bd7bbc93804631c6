"""Staff edits of clusters. Each is recorded as a ClusterEdit, and re-clustering honours it:

- a rename sets Cluster.name, which no automatic run touches, and the cluster keeps its id;
- a merge, split or move pins the members it places (assigned_by="staff"), and re-clustering never moves
  pinned members, so merged clusters stay merged and a moved member stays where a person put it.
"""

from collections.abc import Sequence
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clusters.conf import cluster_settings
from clusters.models import Cluster, ClusterEdit, ClusterMember
from clusters.services.common import (
    clusters_lock,
    clusters_rebuild_rollup,
    clusters_refresh_labels,
    clusters_refresh_stats,
)

STAFF = ClusterMember.AssignedBy.STAFF


def _window_start():
    return timezone.now() - timedelta(days=cluster_settings().window_days)


def _require_active(cluster: Cluster, role: str) -> None:
    if cluster.status != Cluster.Status.ACTIVE:
        raise ValidationError(f"The {role} cluster is {cluster.get_status_display().lower()}.")


def _after_members_moved(*, cluster_ids: Sequence[int]) -> None:
    window_start = _window_start()
    clusters_refresh_stats(cluster_ids=cluster_ids, window_start=window_start)
    clusters_refresh_labels(cluster_ids=cluster_ids, window_start=window_start)
    clusters_rebuild_rollup(cluster_ids=cluster_ids)
    # A cluster a person emptied is retired like one re-clustering emptied.
    Cluster.objects.filter(pk__in=cluster_ids, status=Cluster.Status.ACTIVE, size=0).update(
        status=Cluster.Status.RETIRED, is_emerging=False, emerging_since=None
    )


def cluster_rename(*, cluster: Cluster, name: str, user) -> Cluster:
    """Give a cluster a staff name shown instead of its label (blank restores the label).

    Updates Cluster.name and writes a ClusterEdit.
    """
    name = name.strip()
    with transaction.atomic():
        clusters_lock()
        ClusterEdit.objects.create(
            cluster=cluster,
            action=ClusterEdit.Action.RENAME,
            user=user,
            details={"old": cluster.name, "new": name},
        )
        cluster.name = name
        cluster.save(update_fields=["name", "updated_at"])
    return cluster


def cluster_merge(*, cluster: Cluster, into: Cluster, user) -> Cluster:
    """Merge a cluster into another: every member of both is pinned in `into`.

    Moves the ClusterMember rows, marks `cluster` merged (merged_into, size 0), recomputes stats, label
    and rollup of both, and writes a ClusterEdit on `into`. Returns `into`.
    """
    if cluster.pk == into.pk:
        raise ValidationError("A cluster cannot be merged into itself.")
    with transaction.atomic():
        clusters_lock()
        cluster.refresh_from_db()
        into.refresh_from_db()
        _require_active(cluster, "merged")
        _require_active(into, "target")
        moved = ClusterMember.objects.filter(cluster=cluster).update(cluster=into, assigned_by=STAFF)
        ClusterMember.objects.filter(cluster=into).update(assigned_by=STAFF)
        Cluster.objects.filter(pk=cluster.pk).update(
            status=Cluster.Status.MERGED,
            merged_into=into,
            size=0,
            is_emerging=False,
            emerging_since=None,
            updated_at=timezone.now(),
        )
        ClusterEdit.objects.create(
            cluster=into,
            action=ClusterEdit.Action.MERGE,
            other_cluster=cluster,
            user=user,
            details={"merged": cluster.pk, "members": moved, "merged_title": cluster.title},
        )
        _after_members_moved(cluster_ids=[into.pk])
        clusters_rebuild_rollup(cluster_ids=[cluster.pk])
    into.refresh_from_db()
    return into


def cluster_split(*, cluster: Cluster, mention_ids: Sequence[int], user, name: str) -> Cluster:
    """Split mentions out of a cluster into a new, named cluster where they are pinned.

    Creates the Cluster, moves those ClusterMember rows, recomputes stats, labels and rollup of both, and
    writes a ClusterEdit on the original. Returns the new cluster.
    """
    wanted = set(mention_ids)
    if not wanted:
        raise ValidationError("Choose at least one mention to split off.")
    with transaction.atomic():
        clusters_lock()
        cluster.refresh_from_db()
        _require_active(cluster, "split")
        members = ClusterMember.objects.filter(cluster=cluster, mention_id__in=wanted)
        found = set(members.values_list("mention_id", flat=True))
        if found != wanted:
            raise ValidationError(f"Mentions {sorted(wanted - found)} are not in this cluster.")
        new = Cluster.objects.create(hospital_id=cluster.hospital_id, name=name.strip())
        members.update(cluster=new, assigned_by=STAFF)
        ClusterEdit.objects.create(
            cluster=cluster,
            action=ClusterEdit.Action.SPLIT,
            other_cluster=new,
            user=user,
            details={"mention_ids": sorted(wanted), "name": new.name},
        )
        _after_members_moved(cluster_ids=[cluster.pk, new.pk])
    new.refresh_from_db()
    return new


def cluster_member_move(*, mention_id: int, to: Cluster, user) -> ClusterMember:
    """Move one complaint to another cluster, pinned there so re-clustering leaves it.

    Updates the ClusterMember, recomputes stats, labels and rollup of both clusters, and writes a
    ClusterEdit on the cluster it left.
    """
    with transaction.atomic():
        clusters_lock()
        to.refresh_from_db()
        _require_active(to, "destination")
        member = ClusterMember.objects.select_for_update().get(mention_id=mention_id)
        source_id = member.cluster_id
        member.cluster, member.assigned_by = to, STAFF
        member.save(update_fields=["cluster", "assigned_by", "updated_at"])
        ClusterEdit.objects.create(
            cluster_id=source_id,
            action=ClusterEdit.Action.MOVE,
            other_cluster=to,
            user=user,
            details={"mention_id": mention_id, "from": source_id, "to": to.pk},
        )
        _after_members_moved(cluster_ids=[source_id, to.pk])
    return member
