"""Integration tokens: how the hospital's own systems (a CRM, a case system) sign in to the REST API."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone


class IntegrationToken(models.Model):
    """One integration's API token, tied to a role and scoped read-only or read-write.

    Only a SHA-256 hash of the token is stored; the token itself is shown once, when it is created. The
    token acts as `account`, a user that cannot sign in, so the queue's audit trail names the integration.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read_write", "Read and write"

    name = models.CharField(max_length=120, help_text="Which system uses it, e.g. “Salesforce Health Cloud”.")
    role = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        related_name="integration_tokens",
        help_text="The token may do at most what this role may do.",
    )
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    # The first characters of the token, to tell tokens apart in the list without keeping the token.
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="integration_token"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["revoked_at", "-created_at", "-id"]
        permissions = [("manage_integrations", "Can create and revoke integration tokens")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE
