from django.db import models


class Source(models.Model):
    """An account on a platform (or a bundled feed) that mentions are collected from on a schedule."""

    class Kind(models.TextChoices):
        DEMO = "demo", "Demo data"
        FILE_IMPORT = "file_import", "File import"

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
    config = models.JSONField(default=dict, blank=True, help_text="Settings specific to the kind of source.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    last_error = models.TextField(blank=True)
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

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    items_fetched = models.PositiveIntegerField(default=0)
    mentions_new = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    api_calls = models.PositiveIntegerField(default=0)
    has_more = models.BooleanField(
        default=False, help_text="Stopped at the page limit; a follow-up run continues."
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["source", "-started_at"], name="syncrun_source_started")]

    def __str__(self) -> str:
        return f"{self.source} run {self.started_at:%Y-%m-%d %H:%M}"
