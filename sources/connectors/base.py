"""The one interface every listening platform implements.

A connector turns a query and a cursor into raw platform items plus the next cursor, and turns one raw
item into a `MentionData`. It never touches the database: services store what it returns.
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar


class ConnectorError(Exception):
    """A fetch failed. Permanent errors (bad credentials, a revoked app) need a person; transient ones
    (timeouts, 5xx, rate limits) are retried with backoff."""

    permanent: bool = True

    def __init__(self, message: str, *, permanent: bool | None = None, retry_after: float | None = None):
        super().__init__(message)
        if permanent is not None:
            self.permanent = permanent
        self.retry_after = retry_after


class TransientConnectorError(ConnectorError):
    permanent = False


class NormalizationError(ValueError):
    """A raw item could not be read as a mention; the item is kept as a rejected payload."""


@dataclass(frozen=True, slots=True)
class SourceQuery:
    """What to ask a platform for: a stable key for the cursor and the phrases to search."""

    key: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FetchResult:
    items: list[dict[str, Any]]
    next_cursor: dict[str, Any]
    has_more: bool = False
    api_calls: int = 1


@dataclass(slots=True)
class MentionData:
    """A mention in the shape every platform is normalized to."""

    platform: str
    external_id: str
    text: str
    posted_at: datetime
    raw: Mapping[str, Any]
    url: str = ""
    author_handle: str = ""
    author_name: str = ""
    author_followers: int | None = None
    title: str = ""
    language: str = ""
    likes: int = 0
    shares: int = 0
    replies: int = 0
    rating: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Connector(ABC):
    """Base class: subclasses set `kind` and implement `fetch` and `normalize`."""

    kind: ClassVar[str]

    def __init__(self, config: Mapping[str, Any]):
        self.config = config

    @abstractmethod
    def fetch(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        """Fetch the items after `cursor` ({} on the first poll). Raises ConnectorError."""

    @abstractmethod
    def normalize(self, raw: Mapping[str, Any]) -> MentionData:
        """Read one raw item. Raises NormalizationError."""
