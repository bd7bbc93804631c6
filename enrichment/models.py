from django.conf import settings
from django.db import models

from enrichment.taxonomy import Category, Severity


class ClassificationLabel(models.Model):
    """A person's correction of a mention's complaint tags, kept as a training example for the next model."""

    # No database constraint: mentions are partitioned by month and their id alone is not unique there
    # (see Mention). Django still cascades deletes; retention deletes these before dropping a month.
    mention = models.ForeignKey(
        "mentions.Mention", on_delete=models.CASCADE, related_name="labels", db_constraint=False
    )
    is_complaint = models.BooleanField()
    category = models.CharField(max_length=40, choices=Category.choices, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, blank=True)
    previous = models.JSONField(
        default=dict, help_text="The tags before the correction, for the audit trail."
    )
    labelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["mention", "-created_at"], name="label_mention_latest")]

    def __str__(self) -> str:
        return f"Label for mention {self.mention_id} by {self.labelled_by}"


class RetagJob(models.Model):
    """Re-tagging stored mentions with the active model version, in the background, with progress."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    model_version = models.CharField(max_length=60, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    last_mention_id = models.BigIntegerField(default=0, help_text="Resume point if the worker restarts.")
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Re-tag {self.done}/{self.total} with {self.model_version or 'the active model'}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.status == "done" else 0)
