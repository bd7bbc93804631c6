"""Small strict readers for fields of raw payloads, shared by the connectors and the file import.

Each raises NormalizationError with a message that names the field, so a rejected payload says what to fix.
"""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sources.connectors.base import NormalizationError


def required_str(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise NormalizationError(f"missing required field '{key}'")
    if not isinstance(value, str | int):
        raise NormalizationError(f"field '{key}' must be text, got {type(value).__name__}")
    return str(value).strip()


def optional_str(raw: Mapping[str, Any], key: str, *, max_length: int | None = None) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise NormalizationError(f"field '{key}' must be text, got {type(value).__name__}")
    text = str(value).strip()
    return text[:max_length] if max_length else text


def count(raw: Mapping[str, Any], key: str) -> int:
    """A non-negative count; missing or empty is 0."""
    value = raw.get(key)
    if value in (None, ""):
        return 0
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        raise NormalizationError(f"field '{key}' must be a whole number, got {value!r:.40}") from None
    if number < 0:
        raise NormalizationError(f"field '{key}' must not be negative, got {number}")
    return min(number, 2_147_483_647)


def optional_count(raw: Mapping[str, Any], key: str) -> int | None:
    return None if raw.get(key) in (None, "") else count(raw, key)


def timestamp(raw: Mapping[str, Any], key: str) -> datetime:
    """An ISO 8601 date-time or Unix seconds; naive values are taken as UTC."""
    value = raw.get(key)
    if value in (None, ""):
        raise NormalizationError(f"missing required field '{key}'")
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, tz=UTC)
        if isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
            return datetime.fromtimestamp(float(value), tz=UTC)
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    raise NormalizationError(f"field '{key}' is not a date-time (ISO 8601 or Unix seconds): {value!r:.40}")


def search_terms(terms: Iterable[str]) -> list[str]:
    """The terms to search, without blanks or case-insensitive repeats, in a stable order."""
    unique: dict[str, str] = {}
    for term in terms:
        cleaned = " ".join(term.replace('"', " ").split())
        if cleaned:
            unique.setdefault(cleaned.casefold(), cleaned)
    return [unique[key] for key in sorted(unique)]
