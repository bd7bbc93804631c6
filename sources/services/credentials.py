"""Source credentials: the one place a source's settings and secrets are merged for its connector, how a
secret is shown (never in full), and re-encryption of every encrypted field after a key rotation."""

import logging
from dataclasses import dataclass
from functools import reduce
from operator import and_
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q

from sources.connectors.base import ConnectorError
from sources.constants import LAST_FOUR_MIN_LENGTH, PASSWORD_SETTINGS, SECRET_SETTINGS, secret_label
from sources.crypto import KEY_CHANGED_FIX, KEY_CHANGED_MESSAGE
from sources.fields import EncryptedJSONField, UnreadableCredentials
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
    reencrypted: dict[str, int]
    unreadable: list[str]


def _encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedJSONField]]]:
    """Every model with encrypted fields (source credentials, webhook signing secrets, any added later)."""
    found = []
    for model in apps.get_models():
        fields = [field for field in model._meta.concrete_fields if isinstance(field, EncryptedJSONField)]
        if fields:
            found.append((model, fields))
    return found


def encrypted_fields_reencrypt() -> ReencryptResult:
    """Encrypt every stored secret again with the current first key, so an old key can then be removed
    from FIELD_ENCRYPTION_KEYS: every EncryptedJSONField of every model. Rows whose secrets no key opens are
    left as they are and named ("source Brave", "webhook endpoint CRM").

    Writes the encrypted fields of each row that holds a secret; returns the count per model (plural
    verbose name).
    """
    done: dict[str, int] = {}
    unreadable: list[str] = []
    with transaction.atomic():
        for model, fields in _encrypted_fields():
            label = str(model._meta.verbose_name_plural)
            done[label] = 0
            empty = reduce(and_, (Q(**{field.name: ""}) for field in fields))
            for row in model._default_manager.select_for_update().exclude(empty).order_by("pk"):
                values = {field.name: getattr(row, field.attname) for field in fields}
                if any(isinstance(value, UnreadableCredentials) for value in values.values()):
                    unreadable.append(f"{model._meta.verbose_name} {row}")
                    continue
                # Saving the decrypted value encrypts it afresh with the first key; updated_at and the like
                # are left alone, since nothing a person sees changed.
                row.save(update_fields=[name for name, value in values.items() if value])
                done[label] += 1
    if unreadable:
        logger.warning("secrets of %d row(s) cannot be decrypted with any key", len(unreadable))
    return ReencryptResult(reencrypted=done, unreadable=unreadable)
