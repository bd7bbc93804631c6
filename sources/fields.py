"""A model field that keeps a JSON object encrypted in the database (sources/crypto.py)."""

from typing import Any

from django.db import models

from sources.crypto import CredentialsUnreadable, decrypt_json, encrypt_json


class UnreadableCredentials:
    """Stored credentials that no configured key can open. It holds the ciphertext, so saving the source
    again (an unrelated edit, a poll's status update) writes back what was there instead of erasing it."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def __repr__(self) -> str:
        return "<UnreadableCredentials>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UnreadableCredentials) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)


class EncryptedJSONField(models.TextField):
    """A JSON object in Python, a Fernet token in the column: the column never holds the plain value.

    Not editable through model forms or the Django admin, so a secret is never rendered back into a page;
    the sources page sets it through its own write-only inputs. A value that cannot be decrypted (the key
    changed) loads as UnreadableCredentials instead of failing the whole query.
    """

    description = "A JSON object, encrypted"

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        return self.to_python(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, dict | UnreadableCredentials):
            return value
        if value in (None, ""):
            return {}
        try:
            return decrypt_json(value)
        except CredentialsUnreadable:
            return UnreadableCredentials(value)

    def get_prep_value(self, value: Any) -> str:
        if isinstance(value, UnreadableCredentials):
            return value.token
        if not value:
            return ""
        if not isinstance(value, dict):
            raise TypeError(f"{self.name} holds a mapping of secret settings, not {type(value).__name__}")
        return encrypt_json(value)

    def value_to_string(self, obj: models.Model) -> str:
        # dumpdata writes the ciphertext, never the secrets; loaddata decrypts it through to_python.
        return self.get_prep_value(self.value_from_object(obj))
