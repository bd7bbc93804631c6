"""The complaint queue: one QueueItem per mention being handled, with its notes, audit trail and SLAs.

The status machine (which moves are allowed) lives in triage/services/workflow.py; the priority formula in
triage/priority.py.
"""

import string
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from enrichment.taxonomy import Category, Severity
from mentions.models import Mention, Platform

Status = Mention.TriageStatus
# Replied items still wait for resolution, so they stay in the queue.
OPEN_STATUSES: tuple[str, ...] = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.REPLIED)
CLOSED_STATUSES: tuple[str, ...] = (Status.RESOLVED, Status.DISMISSED)

# The status machine: every move a person may make, from each status. Anything else is refused with a
# TransitionError (triage/services/workflow.py). Views can offer exactly these as buttons.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.ASSIGNED, Status.IN_PROGRESS, Status.DISMISSED, Status.RESOLVED),
    Status.ASSIGNED: (Status.IN_PROGRESS, Status.NEW, Status.DISMISSED, Status.RESOLVED, Status.REPLIED),
    Status.IN_PROGRESS: (Status.REPLIED, Status.RESOLVED, Status.DISMISSED, Status.ASSIGNED),
    Status.REPLIED: (Status.RESOLVED, Status.IN_PROGRESS),
    Status.RESOLVED: (Status.IN_PROGRESS,),
    Status.DISMISSED: (Status.NEW,),
}
# Where queue_item_reopen sends a closed item.
REOPEN_TARGETS: dict[str, str] = {Status.RESOLVED: Status.IN_PROGRESS, Status.DISMISSED: Status.NEW}


class Team(models.Model):
    """A group that complaints can be routed to: Patient Experience, Risk Management, Billing, ..."""

    name = models.CharField(max_length=120, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="triage_teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """Several queue items (posts about the same incident) handled together as one case."""

    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class QueueItem(models.Model):
    """A mention in the complaint queue: who handles it, how urgent it is, its SLA clock and its outcome."""

    Status = Status

    class DismissReason(models.TextChoices):
        SPAM = "spam", "Spam"
        NOT_ABOUT_US = "not_about_us", "Not about us"
        DUPLICATE = "duplicate", "Duplicate"
        NO_ACTION = "no_action", "No action needed"

    class HarmLevel(models.TextChoices):
        NONE = "none", "No harm"
        LOW = "low", "Low harm"
        MODERATE = "moderate", "Moderate harm"
        SEVERE = "severe", "Severe harm"
        DEATH = "death", "Death"

    class Outcome(models.TextChoices):
        REPLIED_PUBLICLY = "replied_publicly", "Replied publicly"
        FOLLOWED_UP_PRIVATELY = "followed_up_privately", "Followed up privately"
        NO_FOLLOW_UP_NEEDED = "no_follow_up_needed", "No follow-up needed"
        NOT_ACTIONABLE = "not_actionable", "Not actionable"

    # No database constraint: mentions are partitioned by month (see Mention); Django cascades deletes.
    mention = models.OneToOneField(
        Mention, on_delete=models.CASCADE, related_name="queue_item", db_constraint=False
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    dismiss_reason = models.CharField(max_length=20, choices=DismissReason.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="triage_items",
    )
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="items")
    priority = models.BigIntegerField(
        default=0, help_text="Higher is handled first; see triage/priority.py for the formula."
    )
    harm_level = models.CharField(
        max_length=10,
        choices=HarmLevel.choices,
        blank=True,
        help_text="Assessed by a person, never by the classifier. Blank until assessed.",
    )
    routed_to_risk = models.BooleanField(
        default=False, help_text="Also sent to risk management / patient safety (safety or critical)."
    )
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="items")
    # The same complaint in the hospital's own case system (a CRM, patient relations), set through the API.
    external_case_id = models.CharField(max_length=200, blank=True)
    external_case_url = models.URLField(max_length=1000, blank=True)
    sla_first_response_due = models.DateTimeField(null=True, blank=True)
    sla_resolution_due = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The clock that is running: first response until there is one, then resolution. Kept by Postgres, so
    # the queue's "breached" filter and its count are one range scan on an index, not a CASE per open item.
    sla_due = models.GeneratedField(
        expression=models.Case(
            models.When(first_response_at__isnull=True, then=models.F("sla_first_response_due")),
            default=models.F("sla_resolution_due"),
        ),
        output_field=models.DateTimeField(null=True, blank=True),
        db_persist=True,
    )
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    action_taken = models.TextField(blank=True)
    action_department = models.CharField(max_length=200, blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person who added a mention the classifier did not call a complaint.",
    )
    # Copies of the mention's tags and origin, so the queue page filters, sorts and counts on this table
    # alone, on the partial indexes below, instead of joining millions of mentions. plan() in
    # triage/services/_common.py sets them whenever it sets the priority, from the same mention.
    severity = models.CharField(max_length=10, choices=Severity.choices, blank=True)
    category = models.CharField(max_length=40, choices=Category.choices, blank=True)
    platform = models.CharField(max_length=20, choices=Platform.choices, blank=True)
    hospital = models.ForeignKey(
        "tracking.Hospital",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # The partial index below serves the queue; a full one would only cost writes.
    )
    # Not auto_now_add: services pass their own clock so the SLA start and due times agree exactly.
    created_at = models.DateTimeField(default=timezone.now)
    # Moves with every change on the item's audit trail (notes and replies too) and with its copies of the
    # mention's tags; bulk writes set it themselves. The API's updated_since filters on it.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=Status.DISMISSED) | ~models.Q(dismiss_reason=""),
                name="queueitem_dismissed_has_reason",
            ),
        ]
        indexes = [
            # The default queue page: open items, most urgent first. Closed items (the bulk of the table
            # after a few months) stay out of the index.
            models.Index(
                fields=["-priority", "id"],
                name="queueitem_open_priority",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            # "My queue" and team queues.
            models.Index(
                fields=["assignee", "-priority"],
                name="queueitem_open_assignee",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["team", "-priority"],
                name="queueitem_open_team",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            # The critical view and the category, source and hospital filters: each walks its own slice of
            # open items already in priority order, and counts it without touching the table.
            *(
                models.Index(
                    fields=[field, "-priority", "id"],
                    name=f"queueitem_open_{field}",
                    condition=models.Q(status__in=OPEN_STATUSES),
                )
                for field in ("severity", "category", "platform", "hospital")
            ),
            models.Index(
                fields=["sla_due"],
                name="queueitem_open_sla_due",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["-priority", "id"],
                name="queueitem_open_unassigned",
                condition=models.Q(status__in=OPEN_STATUSES, assignee__isnull=True, team__isnull=True),
            ),
            # Every page of closed or all items, and the response-time report by period.
            models.Index(fields=["-priority", "id"], name="queueitem_priority"),
            models.Index(fields=["created_at"], name="queueitem_created"),
            # The API's updated_since: an integration syncing what changed since its last run.
            models.Index(fields=["updated_at"], name="queueitem_updated"),
        ]

    def __str__(self) -> str:
        return f"Queue item {self.pk} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def external_case_link(self) -> str:
        """The external case's URL when it is safe to link to. The API accepts only http(s) links, but a row
        written another way (the Django admin, a restore) could hold javascript: or data:."""
        url = self.external_case_url.strip()
        return url if url.lower().startswith(("https://", "http://")) else ""


class Note(models.Model):
    """An internal note on a queue item; never published."""

    item = models.ForeignKey(QueueItem, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note {self.pk} on item {self.item_id}"


class AuditEntry(models.Model):
    """One change to a queue item: who (null for the system), when, and the fields before and after.

    Append-only: services only ever create entries, and the admin cannot change them.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Added by the classifier"
        FLAGGED = "flagged", "Added by hand"
        ASSIGNED = "assigned", "Assigned"
        STATUS_CHANGED = "status_changed", "Status changed"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Reopened"
        NOTE_ADDED = "note_added", "Note added"
        HARM_LEVEL_SET = "harm_level_set", "Harm level set"
        CORRECTED = "corrected", "Tags corrected"
        CASE_LINKED = "case_linked", "Linked to a case"
        EXTERNAL_CASE_LINKED = "external_case", "Linked to an external case"
        CASE_UNLINKED = "case_unlinked", "Taken out of a case"
        LINK_REJECTED = "link_rejected", "Suggested link rejected"
        ESCALATED = "escalated", "Escalated to on-call"
        ESCALATION_SENT = "escalation_sent", "On-call notified"
        ESCALATION_FAILED = "escalation_failed", "On-call notification failed"
        # Public replies (triage/services/replies.py). Entries hold the reply's id and status, never its
        # text: a blocked draft may contain the very details that must not be kept or published.
        REPLY_DRAFTED = "reply_drafted", "Reply drafted"
        REPLY_SUBMITTED = "reply_submitted", "Reply submitted"
        REPLY_APPROVED = "reply_approved", "Reply approved"
        REPLY_QUEUED = "reply_queued", "Reply queued to send"
        REPLY_SENT = "reply_sent", "Reply posted"
        REPLY_FAILED = "reply_failed", "Reply failed"
        REPLY_ELSEWHERE = "reply_elsewhere", "Handled elsewhere"

    item = models.ForeignKey(QueueItem, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    before = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    after = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["item", "created_at"], name="auditentry_item_created")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} on item {self.item_id}"


class SlaTarget(models.Model):
    """How fast a complaint of one severity must get a first response and be resolved."""

    severity = models.CharField(max_length=10, choices=Severity.choices, unique=True)
    first_response_hours = models.PositiveIntegerField()
    resolution_hours = models.PositiveIntegerField()

    class Meta:
        ordering = ["first_response_hours"]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.first_response_hours} h / {self.resolution_hours} h"


# The placeholders a reply template may use; triage/services/replies.py fills them in.
REPLY_PLACEHOLDERS: dict[str, str] = {
    "hospital": "The hospital's name.",
    "contact_phone": "The Patient Experience phone number (setting HOSPITAL_CONTACT_PHONE).",
    "contact_email": "The Patient Experience email address (setting HOSPITAL_CONTACT_EMAIL).",
    "first_name": 'The first word of the poster\'s display name, or "there" when it is not a plain name.',
}


class ReplyTemplate(models.Model):
    """A starting text for a public reply, for one complaint category (blank: any), with placeholders."""

    category = models.CharField(
        max_length=40,
        choices=Category.choices,
        blank=True,
        help_text="Offered for complaints of this category; blank offers it for every category.",
    )
    name = models.CharField(max_length=120)
    body = models.TextField(
        help_text="Placeholders: " + ", ".join("{" + name + "}" for name in REPLY_PLACEHOLDERS) + "."
    )
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="replytemplate_unique_category_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def placeholders(self) -> list[str]:
        """The placeholder names the body uses, in order of first use. Raises ValueError on a stray brace."""
        fields = (field for _, field, _, _ in string.Formatter().parse(self.body) if field is not None)
        return list(dict.fromkeys(fields))

    def clean(self) -> None:
        try:
            used = self.placeholders()
        except ValueError as error:
            raise ValidationError(
                {"body": f"{error}; write a literal brace as {{{{ or }}}}."}, code="placeholder"
            ) from None
        unknown = [name for name in used if name not in REPLY_PLACEHOLDERS]
        if unknown:
            known = ", ".join("{" + name + "}" for name in REPLY_PLACEHOLDERS)
            raise ValidationError(
                {"body": f"Unknown placeholder {{{unknown[0]}}}; use only {known}."}, code="placeholder"
            )


class Reply(models.Model):
    """A public reply to a queued mention: drafted, checked for PHI, approved, and posted once.

    The idempotency key and the attempt counter let a retried send find a reply an interrupted attempt
    already posted instead of posting it twice (triage/services/replies.py, docs/replies.md).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING_APPROVAL = "pending_approval", "Waiting for approval"
        APPROVED = "approved", "Approved"
        SENDING = "sending", "Sending"
        SENT = "sent", "Posted"
        FAILED = "failed", "Failed"
        REPLIED_ELSEWHERE = "replied_elsewhere", "Handled elsewhere"

    item = models.ForeignKey(QueueItem, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    phi_findings = models.JSONField(
        default=list, blank=True, help_text="What the PHI check found in the text (triage/phi.py)."
    )
    phi_blocked = models.BooleanField(
        default=False, help_text="The PHI check found something that must not be posted."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who asked for the reply to be posted.",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    platform_reply_id = models.CharField(max_length=255, blank=True)
    platform_reply_url = models.URLField(max_length=1000, blank=True)
    elsewhere_url = models.URLField(
        max_length=1000, blank=True, help_text="Where the reply was posted when it was not sent from here."
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    error = models.TextField(blank=True, help_text="Why the last attempt to post failed.")
    how_to_fix = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Attempts to post, counted before each one.")
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="A worker is posting the reply until then; others wait."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "replies"
        permissions = [("approve_reply", "Can approve public replies")]
        constraints = [
            # One public reply per item on the platform: a second draft cannot be sent while (or after)
            # another one goes out, whoever clicks.
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(status__in=["sending", "sent"]),
                name="reply_one_posted_per_item",
            ),
        ]
        indexes = [models.Index(fields=["item", "created_at"], name="reply_item_created")]

    def __str__(self) -> str:
        return f"Reply {self.pk} on item {self.item_id} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.PENDING_APPROVAL, self.Status.APPROVED)


class OnCallContact(models.Model):
    """A person critical complaints are escalated to: notified by email and, optionally, a webhook.

    Admins keep the rota in the Django admin: a contact is on call while `on_call` is set and now falls in
    the optional period.
    """

    name = models.CharField(max_length=120)
    email = models.EmailField()
    webhook_url = models.URLField(
        max_length=500,
        blank=True,
        help_text='Optional Slack/Teams-style incoming webhook; it is sent {"text": ...}.',
    )
    on_call = models.BooleanField(default=True, help_text="Escalations go to contacts currently on call.")
    on_call_from = models.DateTimeField(null=True, blank=True, help_text="Blank: on call from now.")
    on_call_until = models.DateTimeField(null=True, blank=True, help_text="Blank: until switched off.")

    class Meta:
        ordering = ["name"]
        verbose_name = "on-call contact"

    def __str__(self) -> str:
        return self.name

    def is_on_call_at(self, moment) -> bool:
        return (
            self.on_call
            and (self.on_call_from is None or self.on_call_from <= moment)
            and (self.on_call_until is None or moment < self.on_call_until)
        )


class Escalation(models.Model):
    """One queue item escalated to one on-call contact, notified once (triage/services/escalation.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Notifying"
        SENT = "sent", "Notified"
        FAILED = "failed", "Notification failed"

    item = models.ForeignKey(QueueItem, on_delete=models.CASCADE, related_name="escalations")
    # PROTECT: the record of who was told must survive; a contact who leaves is taken off call instead.
    contact = models.ForeignKey(OnCallContact, on_delete=models.PROTECT, related_name="escalations")
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank when the system escalated a critical item by itself.",
    )
    automatic = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True, help_text="Where the contact opens the item.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    webhook_sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Once per item per contact, however many clicks or automatic runs.
            models.UniqueConstraint(fields=["item", "contact"], name="escalation_once_per_item_contact"),
        ]

    def __str__(self) -> str:
        return f"Item {self.item_id} escalated to {self.contact_id}"


class LinkDecision(models.Model):
    """A person's answer to a suggested link between two mentions, so the pair is not suggested again.

    The pair is stored in id order (mention_low < mention_high), which makes it unique either way round.
    """

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    # No database constraints: mentions are partitioned by month (see Mention); Django cascades deletes.
    mention_low = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    mention_high = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["mention_low", "mention_high"], name="linkdecision_unique_pair"),
            models.CheckConstraint(
                condition=models.Q(mention_low__lt=models.F("mention_high")), name="linkdecision_ordered_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.mention_low_id} / {self.mention_high_id}"
