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
    """A fetch failed. Permanent errors (bad credentials, a revoked app) need a person: `how_to_fix` says
    what to do. Transient ones (timeouts, 5xx, rate limits) are retried with backoff, or after
    `retry_after` seconds when the platform said when to come back."""

    permanent: bool = True

    def __init__(
        self,
        message: str,
        *,
        permanent: bool | None = None,
        retry_after: float | None = None,
        how_to_fix: str = "",
    ):
        super().__init__(message)
        if permanent is not None:
            self.permanent = permanent
        self.retry_after = retry_after
        self.how_to_fix = how_to_fix


class TransientConnectorError(ConnectorError):
    permanent = False


class DailyQuotaExceeded(TransientConnectorError):
    """The platform refused a call because the day's quota is used up (YouTube's quotaExceeded). The cost
    governor then counts the day's quota as spent, so nothing more is asked until it resets."""


class NormalizationError(ValueError):
    """A raw item could not be read as a mention; the item is kept as a rejected payload."""


@dataclass(frozen=True, slots=True)
class SourceQuery:
    """What to ask a platform for: a stable key for the cursor, the phrases to search, and the language and
    region the terms are limited to (blank: any), for the platforms whose search can keep to them.

    Connectors derive the queries they plan with dataclasses.replace, so language and region carry over."""

    key: str
    terms: tuple[str, ...]
    language: str = ""  # ISO 639-1, lower case.
    region: str = ""  # ISO 3166-1 alpha-2, upper case.

    @property
    def hospital_key(self) -> str:
        """The hospital query this one was planned from ("hospital:<slug>"): language groups and connector
        parts append "#…" to it."""
        return self.key.partition("#")[0]


@dataclass(frozen=True, slots=True)
class CoverageGap:
    """A period the platform could not give us, e.g. older than its search window. Shown to users.

    `kind` is a CoverageGap.Reason value: "window" for a period out of reach, "unsupported" for something
    the platform does not offer at all (no keyword search), reported once with no end."""

    start: datetime
    end: datetime | None
    reason: str
    kind: str = "window"
    # Appended to the query's key, so one query can report a second open-ended gap (one per key).
    key_suffix: str = ""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One page: raw items (oldest or newest first, as the platform gives them), the cursor to store once
    they are stored, whether another page follows right away, and what the page cost."""

    items: list[dict[str, Any]]
    next_cursor: dict[str, Any]
    has_more: bool = False
    api_calls: int = 1
    billable_reads: int = 0
    coverage_gaps: tuple[CoverageGap, ...] = ()


@dataclass(frozen=True, slots=True)
class SentReply:
    """A reply that is on the platform: its id there and a link to it."""

    platform_reply_id: str
    url: str


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
    # Which of a term's "language" and "region" the platform's search can keep to. The planner makes one
    # query per hospital and combination of these (sources.services.sync.source_queries); whatever is not
    # listed is left to the local matcher.
    query_filters: ClassVar[frozenset[str]] = frozenset()

    # Units of the platform's daily quota that this instance's calls have used so far, failed calls
    # included (YouTube). The cost governor records the difference around every fetch, reply and test.
    quota_units_used: int = 0

    def __init__(self, config: Mapping[str, Any]):
        self.config = config

    def next_fetch_quota_units(self, query: SourceQuery, cursor: Mapping[str, Any]) -> int:
        """The most daily-quota units the next `fetch(query, cursor)` may use, so polling stops before a
        call the day's quota cannot cover. Platforms without a daily quota use none."""
        return 0

    @classmethod
    def reply_quota_units(cls, *, look_first: bool) -> int:
        """The most daily-quota units one reply may use, with the look for an earlier reply that a retry
        makes first when `look_first`. Platforms without a daily quota use none."""
        return 0

    def reply_parent(self, *, external_id: str, raw: Mapping[str, Any]) -> str:
        """What `send_reply` and `find_existing_reply` take as `parent_external_id` for a reply to a stored
        mention: its external id, unless the platform answers some mentions through another endpoint that
        needs more than that id (Instagram @mentions). Raises ConnectorError."""
        return external_id

    def plan_queries(self, query: SourceQuery) -> list[SourceQuery]:
        """The platform queries that together cover `query`, each with its own cursor key. Platforms with a
        query length limit split long term lists here."""
        return [query]

    def check_connection(self, query: SourceQuery) -> str:
        """Make the cheapest real call that proves the settings work, store nothing, and say what came back.
        Raises ConnectorError as `fetch` does. This default fetches the first page of the first planned
        query from no cursor; platforms with a cheaper call (an account lookup, a one-result search)
        override it."""
        parts = self.plan_queries(query)
        if not parts:
            return "The settings are valid, but there is nothing to search for yet: no tracked terms."
        result = self.fetch(parts[0], {})
        return f"Fetched one page for {parts[0].key}: {len(result.items)} item(s), nothing stored."

    @abstractmethod
    def fetch(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        """Fetch the items after `cursor` ({} on the first poll). Raises ConnectorError."""

    @abstractmethod
    def normalize(self, raw: Mapping[str, Any]) -> MentionData:
        """Read one raw item. Raises NormalizationError."""
