"""Complaint clusters: groups of complaint mentions about one story, kept under the same id over time.

docs/clusters.md explains how clusters are built, matched across re-clustering runs, edited by staff and
flagged as emerging.
"""

import numpy as np
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


def vector_from_bytes(data: bytes | memoryview | None) -> np.ndarray:
    """A float32 vector stored by vector_to_bytes (empty when nothing is stored)."""
    if not data:
        return np.zeros(0, dtype=np.float32)
    return np.frombuffer(bytes(data), dtype=np.float32)


def vector_to_bytes(vector: np.ndarray) -> bytes:
    """Vectors are stored as raw float32 bytes: 1.5 kB for MiniLM, and read back without parsing."""
    return np.asarray(vector, dtype=np.float32).tobytes()


class Cluster(models.Model):
    """A group of complaint mentions about one story ("parking fees at Riverside"), with a stable id."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        MERGED = "merged", "Merged into another cluster"
        RETIRED = "retired", "Retired (no recent members)"

    # Clusters never span hospitals: a story is about one hospital (null for mentions without one).
    hospital = models.ForeignKey(
        "tracking.Hospital", on_delete=models.SET_NULL, null=True, blank=True, related_name="clusters"
    )
    label = models.CharField(max_length=300, blank=True, help_text="Built from the key terms.")
    name = models.CharField(
        max_length=200, blank=True, help_text="Given by staff; shown instead of the automatic label."
    )
    key_terms = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    # No database constraint: mentions are partitioned by month (see Mention); Django sets it to NULL.
    representative = models.ForeignKey(
        "mentions.Mention",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    centroid = models.BinaryField(default=b"", help_text="Normalised mean embedding, float32 bytes.")
    size = models.PositiveIntegerField(default=0, help_text="All members, in and out of the window.")
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    is_emerging = models.BooleanField(default=False)
    emerging_since = models.DateTimeField(null=True, blank=True, help_text="Start of the current episode.")
    last_notified_episode = models.DateTimeField(
        null=True, blank=True, help_text="emerging_since of the last episode a notification went out for."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-size", "id"]
        indexes = [
            # Incremental assignment loads the active clusters of one hospital.
            models.Index(fields=["status", "hospital"], name="cluster_status_hospital"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.name or self.label or f"Cluster {self.pk}"

    def centroid_vector(self) -> np.ndarray:
        return vector_from_bytes(self.centroid)


class ClusterMember(models.Model):
    """A complaint's place in a cluster, with its embedding stored once so re-clustering never re-embeds."""

    class AssignedBy(models.TextChoices):
        INCREMENTAL = "incremental", "Nearest cluster on arrival"
        RECLUSTER = "recluster", "Re-clustering"
        # Staff placements are pinned: re-clustering never moves them.
        STAFF = "staff", "Staff"

    # No database constraint: mentions are partitioned by month (see Mention); Django cascades deletes.
    mention = models.OneToOneField(
        "mentions.Mention",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="cluster_member",
        db_constraint=False,
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    similarity = models.FloatField(help_text="Cosine similarity to the cluster centroid when last placed.")
    assigned_by = models.CharField(max_length=12, choices=AssignedBy.choices)
    embedding = models.BinaryField(help_text="Normalised sentence embedding, float32 bytes.")
    # Copied from the mention so window queries and rollups need no join.
    posted_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["cluster", "posted_at"], name="cluster_member_cluster_posted"),
            # Re-clustering and emerging detection read the members of a recent window.
            models.Index(fields=["posted_at"], name="cluster_member_posted"),
        ]

    def __str__(self) -> str:
        return f"Mention {self.mention_id} in cluster {self.cluster_id}"

    def embedding_vector(self) -> np.ndarray:
        return vector_from_bytes(self.embedding)


class ClusterEdit(models.Model):
    """A staff edit of the clusters (rename, merge, split, move), kept as history of who did what."""

    class Action(models.TextChoices):
        RENAME = "rename", "Rename"
        MERGE = "merge", "Merge"
        SPLIT = "split", "Split"
        MOVE = "move", "Move member"

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="edits")
    action = models.CharField(max_length=10, choices=Action.choices)
    other_cluster = models.ForeignKey(
        Cluster,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Merge: the cluster merged in. Split: the new cluster. Move: where the member went.",
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} of cluster {self.cluster_id}"


class ClusterDay(models.Model):
    """Members of a cluster per day, platform and category: the rollup behind lists, trends and sparklines.

    Daily rows (rather than weekly) let the list answer any period and the emerging check count a rolling
    7 days; weekly sparklines are sums of at most seven rows. The services rebuild it whenever members move.
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    platform = models.CharField(max_length=20)
    category = models.CharField(max_length=40, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "day", "platform", "category"], name="cluster_day_unique"
            ),
        ]
        indexes = [
            # The cluster list sums a period across all clusters.
            models.Index(fields=["day", "cluster"], name="cluster_day_day_cluster"),
        ]

    def __str__(self) -> str:
        return f"Cluster {self.cluster_id} on {self.day}: {self.count}"
