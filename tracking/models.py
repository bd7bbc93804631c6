from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class HealthSystem(models.Model):
    """A group of hospitals under one owner: the top of an organization's structure."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Hospital(models.Model):
    """A hospital or health organization that is tracked: the customer's own, or a competitor."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    system = models.ForeignKey(
        HealthSystem, on_delete=models.SET_NULL, null=True, blank=True, related_name="hospitals"
    )
    is_own = models.BooleanField(
        default=False, help_text="Your own organization; unticked means a competitor tracked for comparison."
    )
    website = models.URLField(blank=True)
    monthly_budget_usd = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Stop paid polling for this hospital when this month's spend across sources reaches it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_own", "name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A site of a hospital: a campus, clinic or urgent-care center."""

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["hospital", "name"]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "name"], name="location_unique_name_per_hospital"),
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department or service line of a hospital ("Emergency", "Maternity"), at one location or all."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "Department"
        SERVICE_LINE = "service_line", "Service line"

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="departments")
    location = models.ForeignKey(
        Location,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="departments",
        help_text="Empty: the department spans the whole hospital.",
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)

    class Meta:
        ordering = ["hospital", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "location", "name"],
                name="department_unique_name_per_place",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Clinician(models.Model):
    """A doctor, nurse practitioner or other clinician people name in public posts."""

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="clinicians")
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="clinicians"
    )
    name = models.CharField(max_length=200)
    specialty = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["hospital", "name"]

    def __str__(self) -> str:
        return self.name


class TrackedTerm(models.Model):
    """A name people use for a hospital (or its places, doctors, campaigns), with the phrases that rule
    a match out ("have mercy" for "Mercy")."""

    class Kind(models.TextChoices):
        NAME = "name", "Name"
        NICKNAME = "nickname", "Nickname or abbreviation"
        LOCATION = "location", "Location"
        DOCTOR = "doctor", "Doctor"
        CAMPAIGN = "campaign", "Campaign or hashtag"
        COMPETITOR = "competitor", "Competitor"

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="terms")
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="terms"
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="terms"
    )
    clinician = models.ForeignKey(
        Clinician, on_delete=models.SET_NULL, null=True, blank=True, related_name="terms"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NAME)
    text = models.CharField(max_length=200, help_text="The name as people write it: Mercy, St. Brigid's.")
    query = models.TextField(
        blank=True,
        help_text="What counts as a mention, in the query language (see the help on the page), e.g. "
        '"Mercy" AND (hospital OR ER OR clinic) NOT "have mercy". Empty: the name as a phrase.',
    )
    language = models.CharField(
        max_length=8,
        blank=True,
        help_text="ISO 639-1 code (en, es): sources that can search by language ask for it, and posts a "
        "platform reports in another language do not match. Empty: any.",
    )
    region = models.CharField(
        max_length=2,
        blank=True,
        help_text="ISO 3166-1 country code (US, MX) where the name is used: sources that can search by "
        "country ask for it. Empty: the source's own setting.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["hospital", "kind", "text"]
        constraints = [
            models.UniqueConstraint(Lower("text"), "hospital", name="term_unique_text_per_hospital"),
        ]

    def __str__(self) -> str:
        return self.text


class BackfillJob(models.Model):
    """After tracked terms change: re-match stored mentions, then fetch the history the platforms still
    offer, in the background, with progress a page can poll."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        MATCHING = "matching", "Re-matching stored mentions"
        FETCHING = "fetching", "Fetching history"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    hospital = models.ForeignKey(
        Hospital, on_delete=models.CASCADE, null=True, blank=True, related_name="backfill_jobs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0, help_text="Stored mentions to re-match.")
    done = models.PositiveIntegerField(default=0)
    last_mention_id = models.BigIntegerField(default=0, help_text="Resume point if the worker restarts.")
    newly_matched = models.PositiveIntegerField(default=0)
    no_longer_matched = models.PositiveIntegerField(default=0)
    sources_total = models.PositiveIntegerField(default=0)
    sources_done = models.PositiveIntegerField(default=0, help_text="Sources that finished a poll since.")
    fetch_requested_at = models.DateTimeField(null=True, blank=True)
    fetch_source_ids = models.JSONField(default=list, blank=True, help_text="Sources asked to fetch history.")
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
        return f"Backfill {self.done}/{self.total}"
