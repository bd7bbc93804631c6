from django.db import models
from django.db.models.functions import Lower


class Hospital(models.Model):
    """A hospital or health organization that is tracked: the customer's own, or a competitor."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
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


class TrackedTerm(models.Model):
    """A name people use for a hospital (or its places, doctors, campaigns), with the phrases that rule
    a match out ("have mercy" for "Mercy")."""

    class Kind(models.TextChoices):
        NAME = "name", "Name"
        NICKNAME = "nickname", "Nickname or abbreviation"
        LOCATION = "location", "Location"
        DOCTOR = "doctor", "Doctor"
        CAMPAIGN = "campaign", "Campaign or hashtag"

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="terms")
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="terms"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NAME)
    text = models.CharField(max_length=200, help_text="Matched as whole words, ignoring case.")
    exclusions = models.TextField(
        blank=True,
        help_text="One phrase per line. A mention containing any of them is not matched by this term.",
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

    @property
    def exclusion_list(self) -> list[str]:
        return [line.strip() for line in self.exclusions.splitlines() if line.strip()]
