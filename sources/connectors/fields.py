"""Small strict readers for fields of raw payloads, shared by the connectors and the file import.

Each raises NormalizationError with a message that names the field, so a rejected payload says what to fix.
"""

import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sources.connectors.base import NormalizationError
from tracking.query import Phrase, Query, QuerySyntaxError, parse, to_web

logger = logging.getLogger(__name__)


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
            # In UTC, as it is stored: "0001-01-01T00:00+14:00" parses but falls before year 1 in UTC,
            # which would fail the whole batch's INSERT instead of this one item.
            return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    raise NormalizationError(f"field '{key}' is not a date-time (ISO 8601 or Unix seconds): {value!r:.40}")


def read_query(term: str) -> Query | None:
    """One of SourceQuery.terms (a query-language string) parsed, or None when it is blank or cannot be
    read. An unreadable query is logged and skipped rather than failing the poll: the tracking editor
    refuses to save one, so it can only come from an older or hand-edited row."""
    if not term.strip():
        return None
    try:
        # Terms arrive in canonical form, which may be longer than the limit on what people type.
        return parse(term, max_length=None)
    except QuerySyntaxError as error:
        logger.warning("not searching for %r: the query cannot be read: %s", term[:80], error)
        return None


def search_queries(terms: Iterable[str]) -> list[Query]:
    """The readable queries among `terms`, without case-insensitive repeats, in a stable order."""
    unique: dict[str, Query] = {}
    for term in terms:
        if (query := read_query(term)) is not None:
            unique.setdefault(str(query).casefold(), query)
    return [unique[key] for key in sorted(unique)]


def search_terms(terms: Iterable[str]) -> list[str]:
    """The readable queries among `terms`, in canonical form, without repeats, in a stable order."""
    return [str(query) for query in search_queries(terms)]


def web_search(queries: Iterable[Query]) -> str:
    """Any of these queries, in web search syntax (tracking.query.to_web): OR'ed, each compound one in
    parentheses when there is more than one."""
    queries = list(queries)
    if len(queries) == 1:
        return to_web(queries[0])
    return " OR ".join(to_web(q) if isinstance(q.root, Phrase) else f"({to_web(q)})" for q in queries)


def search_phrases(terms: Iterable[str]) -> list[str]:
    """The phrases the terms look for, for page excerpts to centre on."""
    return [phrase for term in terms if (query := read_query(term)) for phrase in query.positive_phrases()]
