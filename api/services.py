"""Writes for integration tokens: create (the token is returned once), revoke, and note their use."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from administration.models import ConfigChange
from administration.services import config_change_record, config_snapshot
from api.models import IntegrationToken

TOKEN_PREFIX = "hl_"
# last_used_at is written at most this often per token, so a busy integration does not turn every read
# into a write on the same row.
LAST_USED_RESOLUTION = timedelta(minutes=1)
AUDITED_FIELDS = ("name", "role", "scope", "prefix", "revoked_at")


def token_hash(token: str) -> str:
    """SHA-256 of the token. A fast hash is enough: tokens are 256 random bits, not guessable passwords."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A freshly made token: the row, and the token itself, which is never stored and shown only once."""

    integration: IntegrationToken
    token: str


def integration_token_create(*, actor, name: str, role: Group, scope: str) -> NewToken:
    """Make a token for an integration, tied to a role and a scope.

    Creates the integration's account (a user that cannot sign in, holding no role of its own) and the
    IntegrationToken (with only the token's hash); records a ConfigChange.
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the integration a name, e.g. the system that will use it."})
    if scope not in IntegrationToken.Scope.values:
        raise ValidationError({"scope": f"Choose one of {', '.join(IntegrationToken.Scope.values)}."})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        account = get_user_model().objects.create(
            username=f"integration-{secrets.token_hex(6)}",
            first_name=name[:150],
            last_name="(integration)",
            # Never signs in: it only names the integration in the queue's audit trail.
            is_active=False,
        )
        account.set_unusable_password()
        account.save(update_fields=["password"])
        integration = IntegrationToken.objects.create(
            name=name,
            role=role,
            scope=scope,
            prefix=token[: len(TOKEN_PREFIX) + 6],
            key_hash=token_hash(token),
            account=account,
            created_by=actor,
        )
        config_change_record(
            actor=actor,
            instance=integration,
            action=ConfigChange.Action.CREATED,
            after=config_snapshot(integration, exclude=["key_hash", "account", "created_by"]),
        )
    return NewToken(integration=integration, token=token)


def integration_token_revoke(*, actor, integration: IntegrationToken, now: datetime | None = None) -> bool:
    """Revoke a token at once; returns False when it was revoked already.

    Updates IntegrationToken.revoked_at/revoked_by; records a ConfigChange.
    """
    now = now or timezone.now()
    with transaction.atomic():
        updated = IntegrationToken.objects.filter(pk=integration.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor
        )
        if not updated:
            return False
        before = {"revoked_at": None}
        integration.refresh_from_db()
        config_change_record(
            actor=actor,
            instance=integration,
            action=ConfigChange.Action.CHANGED,
            before=before,
            after={"revoked_at": integration.revoked_at.isoformat()},
        )
    return True


def integration_token_authenticate(*, token: str, now: datetime | None = None) -> IntegrationToken | None:
    """The active token matching `token`, or None; notes when it was last used (at most once a minute).

    Updates IntegrationToken.last_used_at.
    """
    if not token.startswith(TOKEN_PREFIX):
        return None
    integration = (
        IntegrationToken.objects.select_related("account", "role")
        .filter(key_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if integration is None:
        return None
    now = now or timezone.now()
    if integration.last_used_at is None or integration.last_used_at < now - LAST_USED_RESOLUTION:
        # Conditional, so concurrent requests write at most once.
        IntegrationToken.objects.filter(pk=integration.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        integration.last_used_at = now
    return integration
