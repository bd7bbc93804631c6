"""Writes for clusters. The modules split the work; import services from here.

The embedder is clusters.services.embedding.mentions_embed (tests replace it there).
"""

from clusters.services.assignment import (
    AssignResult,
    ReclusterResult,
    clusters_assign,
    clusters_assign_pending,
    clusters_recluster,
)
from clusters.services.edits import cluster_member_move, cluster_merge, cluster_rename, cluster_split
from clusters.services.emerging import EmergingResult, clusters_detect_emerging, clusters_notify_emerging

__all__ = [
    "AssignResult",
    "EmergingResult",
    "ReclusterResult",
    "cluster_member_move",
    "cluster_merge",
    "cluster_rename",
    "cluster_split",
    "clusters_assign",
    "clusters_assign_pending",
    "clusters_detect_emerging",
    "clusters_notify_emerging",
    "clusters_recluster",
]
