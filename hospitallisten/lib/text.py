"""Text clean-up that Postgres needs: it rejects NUL characters in text and in JSONB."""

from typing import Any


def without_nul(text: str) -> str:
    return text.replace("\x00", "") if "\x00" in text else text


def json_without_nul(value: Any) -> Any:
    """The same JSON value with NUL characters removed from every string and key."""
    if isinstance(value, str):
        return without_nul(value)
    if isinstance(value, dict):
        return {without_nul(str(k)): json_without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_without_nul(v) for v in value]
    return value
