"""Source credentials: the one place a source's settings and secrets are merged for its connector, how a
secret is shown (never in full), and re-encryption after a key rotation."""

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from sources.connectors.base import ConnectorError
from sources.constants import LAST_FOUR_MIN_LENGTH, PASSWORD_SETTINGS, SECRET_SETTINGS, secret_label
from sources.crypto import KEY_CHANGED_FIX, KEY_CHANGED_MESSAGE
from sources.fields import UnreadableCredentials
from sources.models import Source

logger = logging.getLogger(__name__)

MASK = "••••"


def source_settings(source: Source) -> dict[str, Any]:
    """Everything the source's connector reads: its plain settings with its decrypted secrets on top.

    Every caller that builds a connector goes through here (polling, connection tests, replies). Raises a
    permanent ConnectorError when the secrets were encrypted with a key we no longer hold, so a poll marks
    the source broken with what to do instead of failing obscurely.
    """
    if isinstance(source.credentials, UnreadableCredentials):
        raise ConnectorError(f"The {KEY_CHANGED_MESSAGE}.", permanent=True, how_to_fix=KEY_CHANGED_FIX)
    return {**source.config, **source.credentials}


def credentials_readable(source: Source) -> bool:
    return not isinstance(source.credentials, UnreadableCredentials)


@dataclass(frozen=True, slots=True)
class SecretState:
    """One secret setting as the sources page may show it."""

    key: str
    label: str
    display: str  # "••••1234", "set" or "not set"
    is_set: bool


def secret_display(key: str, value: Any) -> str:
    """A secret as the page may show it: the last four characters of a long token, "set" for a password
    or anything short, "not set" when empty. Never more."""
    text = value if isinstance(value, str) else ("" if value in (None, "") else str(value))
    text = text.strip()
    if not text:
        return "not set"
    if key in PASSWORD_SETTINGS or len(text) < LAST_FOUR_MIN_LENGTH:
        return "set"
    return f"{MASK}{text[-4:]}"


def source_secret_states(source: Source) -> list[SecretState]:
    """The kind's secret settings, masked. Empty when the credentials cannot be read (the page says so)."""
    if not credentials_readable(source):
        return []
    return [
        SecretState(
            key=key,
            label=secret_label(source.kind, key),
            display=secret_display(key, source.credentials.get(key)),
            is_set=bool(str(source.credentials.get(key) or "").strip()),
        )
        for key in SECRET_SETTINGS.get(source.kind, ())
    ]


@dataclass(frozen=True, slots=True)
class ReencryptResult:
    reencrypted: int
    unreadable: list[str]


def source_credentials_reencrypt() -> ReencryptResult:
    """Encrypt every source's stored secrets again with the current first key, so an old key can then be
    removed from FIELD_ENCRYPTION_KEYS. Sources whose secrets no key opens are left as they are and named.

    Writes Source.credentials of each source with secrets.
    """
    done, unreadable = 0, []
    with transaction.atomic():
        for source in Source.objects.select_for_update().exclude(credentials="").order_by("pk"):
            if not credentials_readable(source):
                unreadable.append(source.name)
                continue
            # Saving the decrypted mapping encrypts it afresh with the first key.
            source.save(update_fields=["credentials"])
            done += 1
    if unreadable:
        logger.warning("credentials of %d source(s) cannot be decrypted with any key", len(unreadable))
    return ReencryptResult(reencrypted=done, unreadable=unreadable)
