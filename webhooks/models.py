import json
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from enrichment.taxonomy import Category, Severity
from sources.fields import EncryptedJSONField


class Event(models.TextChoices):
    """What an endpoint can subscribe to. The values are the `event` field of every payload: never rename."""

    COMPLAINT_NEW = "complaint.new", "New complaint"
    COMPLAINT_CRITICAL = "complaint.critical", "Severity critical"
    STATUS_CHANGED = "queue_item.status_changed", "Status changed"
    REPLY_SENT = "reply.sent", "Reply sent"
    CLUSTER_EMERGING = "cluster.emerging", "Cluster emerging"


class Endpoint(models.Model):
    """A URL in the hospital's own systems that receives signed event deliveries."""

    name = models.CharField(max_length=120)
    url = models.URLField(max_length=1000, help_text="Where deliveries are POSTed (https in production).")
    # The signing secret as {"secret": "whsec_…"}, Fernet-encrypted in the column like source credentials
    # (and re-encrypted with them after a key rotation); shown in full only once, at creation.
    secret = EncryptedJSONField()
    events = ArrayField(models.CharField(max_length=40, choices=Event.choices))
    hospital = models.ForeignKey(
        "tracking.Hospital",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Only events about this hospital (none: every hospital).",
    )
    category = models.CharField(
        max_length=40, choices=Category.choices, blank=True, help_text="Only complaints of this category."
    )
    min_severity = models.CharField(
        max_length=10, choices=Severity.choices, blank=True, help_text="Only complaints at least this severe."
    )
    is_enabled = models.BooleanField(default=True)
    # Set when deliveries kept failing; nothing is sent until a person resumes the endpoint.
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "webhook endpoint"

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.is_enabled and self.paused_at is None

    @property
    def event_labels(self) -> list[str]:
        return [str(Event(event).label) for event in self.events if event in Event.values]


class Delivery(models.Model):
    """One event for one endpoint: the exact JSON body sent (and re-sent by a replay) and where it stands."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event.choices)
    # Receivers de-duplicate on this id: a retry or a replay carries the same one.
    event_id = models.UUIDField(default=uuid.uuid4)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Until then a task holds the pending delivery: a few minutes for the hand-off to the broker after the
    # commit, then (once handed off, and after each retryable failure) longer than any retry wait and the
    # broker's own redelivery. Still pending after it, the task was lost (the broker was down or dropped
    # it), and webhook_deliveries_sweep queues the delivery again. Null once it succeeded or failed for good.
    sweep_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The endpoint page lists its latest deliveries.
            models.Index(fields=["endpoint", "-created_at"], name="delivery_endpoint_created"),
            # The sweeper's one query, run every few minutes: only the (few) pending rows are indexed.
            models.Index(
                fields=["sweep_after"],
                name="delivery_pending_sweep_after",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint_id} ({self.status})"

    @property
    def payload_json(self) -> str:
        return json.dumps(self.payload, indent=2, sort_keys=True)


class DeliveryAttempt(models.Model):
    """One HTTP POST of a delivery: what came back, how long it took, or why it failed."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_snippet = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    succeeded = models.BooleanField()
    is_replay = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Attempt at {self.started_at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
