from django.db import models

from sources.fields import EncryptedJSONField


class Source(models.Model):
    """An account on a platform (or a bundled feed) that mentions are collected from on a schedule."""

    class Kind(models.TextChoices):
        DEMO = "demo", "Demo data"
        FILE_IMPORT = "file_import", "File import"
        X = "x", "X (recent search)"
        REDDIT = "reddit", "Reddit"
        BRAVE_SEARCH = "brave_search", "Web search (Brave)"
        FEEDS = "feeds", "News and alert feeds"
        GOOGLE_REVIEWS = "google_reviews", "Google Business Profile reviews"
        BLUESKY = "bluesky", "Bluesky"
        FACEBOOK_PAGE = "facebook_page", "Facebook Page"
        INSTAGRAM = "instagram", "Instagram professional account"
        YOUTUBE = "youtube", "YouTube"
        LINKEDIN = "linkedin", "LinkedIn organization page"

    class Status(models.TextChoices):
        NEW = "new", "Not run yet"
        OK = "ok", "Healthy"
        ERROR = "error", "Failing, retrying"
        BROKEN = "broken", "Broken: needs attention"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    is_enabled = models.BooleanField(default=True)
    poll_interval_minutes = models.PositiveIntegerField(
        default=15, help_text="How often to poll. Imports ignore it."
    )
    next_poll_at = models.DateTimeField(null=True, blank=True, help_text="Empty means as soon as possible.")
    config = models.JSONField(
        default=dict, blank=True, help_text="Settings specific to the kind of source, except secrets."
    )
    credentials = EncryptedJSONField(
        help_text="The kind's secret settings (tokens, keys, passwords), encrypted at rest.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    last_error = models.TextField(blank=True)
    how_to_fix = models.TextField(blank=True, help_text="What a person must do to mend a broken source.")
    monthly_budget_usd = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Stop polling when this month's spend reaches it. Empty: no limit.",
    )
    last_run_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_polled(self) -> bool:
        return self.kind != self.Kind.FILE_IMPORT


class SourceCursor(models.Model):
    """Where polling of one query on one source stopped, so the next poll resumes there."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="cursors")
    query_key = models.CharField(max_length=200)
    position = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "query_key"], name="cursor_unique_source_query"),
        ]

    def __str__(self) -> str:
        return f"{self.source} / {self.query_key}"


class SyncRun(models.Model):
    """One poll of a source: when it ran, what it found and how it ended."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        BUDGET_STOPPED = "budget_stopped", "Stopped: budget reached"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    items_fetched = models.PositiveIntegerField(default=0)
    mentions_new = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    api_calls = models.PositiveIntegerField(default=0)
    billable_reads = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=10, decimal_places=4, default=0)
    rate_limit_wait_seconds = models.PositiveIntegerField(
        default=0, help_text="How long the platform asked us to wait before the next try."
    )
    has_more = models.BooleanField(
        default=False, help_text="Stopped at the page limit; a follow-up run continues."
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["source", "-started_at"], name="syncrun_source_started")]

    def __str__(self) -> str:
        return f"{self.source} run {self.started_at:%Y-%m-%d %H:%M}"


class SourceUsage(models.Model):
    """Billable reads and their cost for one source, hospital and month: what the cost governor counts."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="usage")
    hospital = models.ForeignKey(
        "tracking.Hospital", on_delete=models.CASCADE, null=True, related_name="usage"
    )
    month = models.DateField(help_text="The first day of the month.")
    reads = models.PositiveIntegerField(default=0)
    api_calls = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=4, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "hospital", "month"],
                name="usage_unique_source_hospital_month",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.month:%Y-%m}"


class CoverageGap(models.Model):
    """A period a source was not listening, or could not reach: shown so silence is never mistaken for
    calm. An open gap (no end) is still going on."""

    class Reason(models.TextChoices):
        OUTAGE = "outage", "Platform outage or error"
        RATE_LIMIT = "rate_limit", "Rate limited"
        BUDGET = "budget", "Budget reached"
        CREDENTIALS = "credentials", "Credentials or permissions"
        WINDOW = "window", "Beyond the platform's search window"
        UNSUPPORTED = "unsupported", "Not offered by the platform"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="coverage_gaps")
    query_key = models.CharField(max_length=200, blank=True, help_text="Empty: every query of the source.")
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        indexes = [models.Index(fields=["source", "start"], name="gap_source_start")]
        constraints = [
            # At most one open outage-type gap per source, so repeated failures extend one gap.
            models.UniqueConstraint(
                fields=["source", "query_key"],
                condition=models.Q(end__isnull=True),
                name="gap_one_open_per_source_query",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.get_reason_display()} from {self.start:%Y-%m-%d %H:%M}"


class WebhookNotification(models.Model):
    """A notification a platform pushed to us (Meta's Instagram webhooks), kept as it arrived: stored before
    it is answered, then read by a task. Failed ones stay with their error, to be processed again."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received, waiting to be processed"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="webhook_notifications")
    payload = models.JSONField(help_text="The notification's body exactly as the platform sent it.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    error = models.TextField(blank=True)
    mentions_new = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["source", "-received_at"], name="webhooknote_source_received")]

    def __str__(self) -> str:
        return f"{self.source} notification {self.received_at:%Y-%m-%d %H:%M}"
