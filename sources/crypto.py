"""Encryption at rest for source credentials, with the Fernet keys in settings.FIELD_ENCRYPTION_KEYS.

Fernet is authenticated encryption (AES-128-CBC with an HMAC-SHA256), so a value encrypted under a key we
no longer hold is detected, never decrypted into garbage. MultiFernet encrypts with the first key and tries
each key in turn to decrypt, which is what lets keys rotate.
"""

import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_CHANGED_MESSAGE = "credentials cannot be read: the encryption key changed"
KEY_CHANGED_FIX = (
    "Put the key these credentials were saved with back into FIELD_ENCRYPTION_KEYS (after the current one), "
    "or enter the credentials again on the source's page."
)


class CredentialsUnreadable(Exception):
    """Stored credentials were encrypted with a key that is not in FIELD_ENCRYPTION_KEYS."""

    def __init__(self) -> None:
        super().__init__(KEY_CHANGED_MESSAGE)


def _keys() -> tuple[str, ...]:
    keys = settings.FIELD_ENCRYPTION_KEYS
    if isinstance(keys, str):
        keys = keys.split(",")
    keys = tuple(key.strip() for key in keys if key and key.strip())
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: set at least one Fernet key.")
    return keys


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    fernets = []
    for position, key in enumerate(keys, 1):
        try:
            fernets.append(Fernet(key))
        except ValueError:
            # Never echo the key itself: it may be a real one with a typo.
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 url-safe base64-encoded "
                "bytes); make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from None
    return MultiFernet(fernets)


def encrypt_json(value: dict[str, Any]) -> str:
    """The mapping as a Fernet token (text), encrypted with the first key."""
    plain = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    return _fernet(_keys()).encrypt(plain).decode("ascii")


def decrypt_json(token: str) -> dict[str, Any]:
    """The mapping inside a token. Raises CredentialsUnreadable when no configured key opens it."""
    try:
        plain = _fernet(_keys()).decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        raise CredentialsUnreadable() from None
    value = json.loads(plain)
    return value if isinstance(value, dict) else {}


def reencrypt(token: str) -> str:
    """The same secret encrypted with the current first key. Raises CredentialsUnreadable."""
    try:
        return _fernet(_keys()).rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError):
        raise CredentialsUnreadable() from None
