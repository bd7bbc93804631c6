from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.utils import timezone

from enrichment.taxonomy import Category, Severity


class Platform(models.TextChoices):
    X = "x", "X"
    REDDIT = "reddit", "Reddit"
    NEWS = "news", "News"
    WEB = "web", "Web"
    REVIEW = "review", "Review site"
    GOOGLE_REVIEWS = "google_reviews", "Google reviews"
    BLUESKY = "bluesky", "Bluesky"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    YOUTUBE = "youtube", "YouTube"
    LINKEDIN = "linkedin", "LinkedIn"
    OTHER = "other", "Other"


class Mention(models.Model):
    """One public post, review or article that names a tracked hospital (or looked like it did).

    The table is partitioned by month of posted_at (migration 0006, mentions/partitions.py): its database
    primary key is (id, posted_at), which Django does not model; for the ORM `id` stays the primary key,
    and ids stay unique because they all come from one sequence. A partitioned table cannot hold a unique
    constraint without the partition key, so (platform, external_id) is unique through MentionKey, and
    foreign keys to mentions have no database constraint (Django still cascades deletes).
    """

    class MatchStatus(models.TextChoices):
        MATCHED = "matched", "Matched"
        EXCLUDED = "excluded", "Excluded by a term's exclusions"
        UNMATCHED = "unmatched", "No tracked term"

    class SentimentLabel(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEUTRAL = "neutral", "Neutral"
        NEGATIVE = "negative", "Negative"

    class TriageStatus(models.TextChoices):
        NEW = "new", "New"
        ASSIGNED = "assigned", "Assigned"
        IN_PROGRESS = "in_progress", "In progress"
        REPLIED = "replied", "Replied"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, related_name="mentions")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    external_id = models.CharField(max_length=255, help_text="The platform's own id for the post.")
    url = models.URLField(max_length=1000, blank=True)
    author_handle = models.CharField(max_length=255, blank=True)
    author_name = models.CharField(max_length=255, blank=True)
    author_followers = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    language = models.CharField(max_length=12, blank=True)
    posted_at = models.DateTimeField()
    collected_at = models.DateTimeField(default=timezone.now)
    likes = models.PositiveIntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Stars, for reviews.")
    raw = models.JSONField(help_text="The payload exactly as the platform sent it.")

    match_status = models.CharField(max_length=12, choices=MatchStatus.choices, default=MatchStatus.UNMATCHED)
    hospital = models.ForeignKey(
        "tracking.Hospital", on_delete=models.SET_NULL, null=True, blank=True, related_name="mentions"
    )
    matched_terms = models.ManyToManyField(
        "tracking.TrackedTerm", blank=True, related_name="mentions", db_constraint=False
    )

    sentiment_score = models.FloatField(null=True, blank=True, help_text="VADER compound, -1 to 1.")
    sentiment_label = models.CharField(max_length=10, choices=SentimentLabel.choices, blank=True)

    # Filled by the enrichment step.
    is_complaint = models.BooleanField(null=True, blank=True)
    complaint_probability = models.FloatField(null=True, blank=True)
    category = models.CharField(max_length=40, choices=Category.choices, blank=True)
    category_probability = models.FloatField(null=True, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, blank=True)
    model_version = models.CharField(
        max_length=60, blank=True, help_text="The classifier version that tagged it."
    )
    enriched_at = models.DateTimeField(null=True, blank=True)
    enrichment_error = models.TextField(
        blank=True, help_text="Why the classifier could not tag this mention; it is kept and shown anyway."
    )

    triage_status = models.CharField(max_length=12, choices=TriageStatus.choices, default=TriageStatus.NEW)
    # When anything an integration reads last changed (tags, corrections, matching, triage status), for the
    # API's updated_since. Services that write with update() or raw SQL set it themselves.
    updated_at = models.DateTimeField(auto_now=True)

    search_vector = models.GeneratedField(
        expression=SearchVector("title", "text", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-posted_at", "-id"]
        # Downloading mentions in bulk is a role of its own: a CSV leaves the building.
        permissions = [("export_mentions", "Can export data")]
        indexes = [
            # Dashboards count by day within a hospital and period.
            models.Index(fields=["hospital", "posted_at"], name="mention_hospital_posted"),
            models.Index(fields=["posted_at"], name="mention_posted"),
            models.Index(fields=["source", "posted_at"], name="mention_source_posted"),
            # The enrichment sweeper looks for mentions the classifier has not tagged yet.
            models.Index(
                fields=["collected_at"],
                name="mention_unenriched",
                condition=models.Q(enriched_at__isnull=True, enrichment_error=""),
            ),
            GinIndex(fields=["search_vector"], name="mention_search"),
            # The API's updated_since: an integration syncing what changed since its last run.
            models.Index(fields=["updated_at"], name="mention_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.external_id}"

    @property
    def display_title(self) -> str:
        return self.title or self.text[:90]

    @property
    def link_url(self) -> str:
        """The post's URL when it is safe to link to: imports and feeds can carry javascript: or data: URLs,
        which escaping does not stop."""
        return self.url if self.url.strip().lower().startswith(("https://", "http://")) else ""


class MentionKey(models.Model):
    """The dedupe key of a stored mention: a retried or concurrent ingest can never store a post twice.

    An unpartitioned table beside the partitioned mentions, because a unique constraint on those would have
    to include posted_at, and a platform can re-date a post. Ingest claims keys first (INSERT … ON CONFLICT
    DO NOTHING) and stores only the mentions whose key was new. Triggers on the mentions table keep it
    exact for every other write (ORM creates, updates of platform, external_id or posted_at, deletes);
    posted_at here serves only retention, which deletes the keys of a month it drops.
    """

    pk = models.CompositePrimaryKey("platform", "external_id")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    external_id = models.CharField(max_length=255)
    mention_id = models.BigIntegerField(unique=True)
    posted_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.platform} {self.external_id} -> mention {self.mention_id}"


class RejectedPayload(models.Model):
    """A payload that could not be turned into a mention, kept with the error for inspection."""

    source = models.ForeignKey(
        "sources.Source", on_delete=models.CASCADE, null=True, blank=True, related_name="rejected_payloads"
    )
    import_job = models.ForeignKey(
        "mentions.ImportJob",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rejected_payloads",
    )
    row_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="Line or row in an imported file."
    )
    payload = models.JSONField(null=True, blank=True)
    payload_text = models.TextField(blank=True, help_text="The raw input when it was not valid JSON.")
    error = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Rejected payload {self.pk}: {self.error[:60]}"


def _import_upload_path(instance: "ImportJob", filename: str) -> str:
    return f"imports/{timezone.now():%Y/%m}/{filename}"


class ImportJob(models.Model):
    """A CSV or JSON Lines file of mentions exported from another tool, imported in the background."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    file = models.FileField(upload_to=_import_upload_path)
    original_name = models.CharField(max_length=255)
    default_platform = models.CharField(
        max_length=20,
        choices=Platform.choices,
        default=Platform.OTHER,
        help_text="Used for rows without a platform column.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_duplicate = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.original_name}"
