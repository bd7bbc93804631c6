"""Facebook Page: what people say on the hospital's own Page, read through the Graph API with a Page token.

Meta offers no keyword search of public Facebook posts to ordinary apps (CrowdTangle closed in 2024), so
this source reads only the hospital's own Page: comments and replies on its posts, posts visitors leave on
it (or that tag it), and its recommendations (ratings). The first poll of the Page's feed records that
limit once as an "unsupported" coverage gap, so silence elsewhere on Facebook is never taken for calm.

Config keys (the source's `config`):
- `page_id` (required): the Page's numeric id (Page → About → Page transparency, or Graph API Explorer).
- `page_access_token` (required, secret): a Page access token with pages_read_engagement,
  pages_read_user_content and pages_show_list (plus pages_manage_engagement to post replies), best a
  non-expiring one from a system user (docs/sources/facebook.md).
- `app_secret` (optional, secret): the app's secret; when set every call carries an appsecret_proof, which
  the app's "Require app secret" setting makes mandatory.
- `hospital_key` (required): the tracked hospital the Page belongs to, e.g. "hospital:riverside". Every
  comment on the Page is about that hospital, so `plan_queries` gives queries for it only.
- `window_days` (optional, default 28): comments are read on posts published in this many days.

Two queries per Page, each with its own cursor: `…#facebook:<page>:feed` (visitor posts and comments, the
feed read back `window_days` with `since`) and `…#facebook:<page>:ratings` (recommendations, newest first).
A cursor is `{"polled_at": <ISO start of the last complete poll>, "recent_ids": {<id>: <created>}}`: an
item is new when created after `polled_at` less a small overlap and not among `recent_ids`. While a poll
pages, the cursor also holds `"poll"` (the `after` paging cursor, its start and the ids it has seen), so a
crash resumes at the next page and `polled_at` only moves once the last page is stored.

The Graph client here (`GraphClient`, the error mapping and the rate-limit headers) is shared with the
Instagram connector: both platforms answer through graph.facebook.com in the same shape.
"""

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from sources.connectors import fields
from sources.connectors.base import (
    Connector,
    ConnectorError,
    CoverageGap,
    FetchResult,
    MentionData,
    NormalizationError,
    SentReply,
    SourceQuery,
    TransientConnectorError,
)
from sources.connectors.google_reviews import review_hospital_name

logger = logging.getLogger(__name__)

GRAPH_URL = "https://graph.facebook.com"
API_VERSION = "v23.0"
TIMEOUT_SECONDS = 30
PAGE_SIZE = 25
COMMENTS_PER_PAGE = 50
# A post with more new comments than this many pages holds is read again on the next poll from the top.
COMMENT_PAGES_PER_POST = 4
DEFAULT_WINDOW_DAYS = 28
MAX_WINDOW_DAYS = 365
# Items created this long before the previous poll started are looked at again (clock skew between us and
# Meta); `recent_ids` keeps them from being stored twice.
OVERLAP = timedelta(minutes=10)
# Meta throttles at 100% of a rolling hour; stopping a little short leaves room for replies and checks.
USAGE_CEILING_PERCENT = 95
DEFAULT_RETRY_AFTER = 900.0
MAX_COUNT = 2_147_483_647
# Graph error codes (developers.facebook.com/docs/graph-api/guides/error-handling).
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001, 80002, 80005, 80006, 80008})
TRANSIENT_CODES = frozenset({1, 2})
TOKEN_CODE = 190
PERMISSION_CODES = frozenset({10, *range(200, 300)})
NOT_FOUND_SUBCODE = 33
NUMERIC_ID = re.compile(r"^[0-9]{1,30}$")
GRAPH_ID = re.compile(r"^[0-9]{1,30}(_[0-9]{1,30})?$")
PLACEHOLDER_TEXT = "(no text: a sticker, photo or link)"

UNSUPPORTED_DETAIL = (
    "Facebook offers apps no keyword search of public posts, groups or other Pages (CrowdTangle closed in "
    "2024): this source hears only the hospital's own Page: comments and replies on its posts, visitor "
    "posts and posts that tag it, and recommendations. Mentions anywhere else on Facebook are not collected."
)
TOKEN_FIX = (
    "The Page access token no longer works (expired, revoked, or the person who made it lost their role "
    "or changed their password). Make a new one that does not expire: in Meta Business Suite → Business "
    "settings → Users → System users, give a system user the Page as an asset (Manage Page), then "
    "Generate new token for your app with pages_read_engagement, pages_read_user_content, pages_show_list "
    "and pages_manage_engagement; paste it as page_access_token. docs/sources/facebook.md has the steps."
)
PERMISSION_FIX = (
    "The token lacks a permission. Generate the Page token again with pages_read_engagement, "
    "pages_read_user_content and pages_show_list (and pages_manage_engagement for replies); in Live mode "
    "the app needs those permissions approved in App Review (Advanced Access). The person or system user "
    "behind the token needs the MODERATE, CREATE_CONTENT or MANAGE task on the Page."
)
NOT_FOUND_FIX = "Check page_id: it must be the Page's numeric id, and the token must be that Page's token."
REPLY_FIX = (
    "Facebook refused the reply: the comment may be deleted or hidden, or the token lacks "
    "pages_manage_engagement. Open the post on Facebook; reply there yourself if you can, then mark the "
    "item as handled elsewhere."
)


def utc_now() -> datetime:
    return datetime.now(tz=UTC)


# The Graph client, shared with the Instagram connector.


@dataclass(frozen=True, slots=True)
class GraphFixes:
    """What a person must do for each kind of permanent failure, in the platform's own words."""

    product: str
    token: str
    permission: str
    not_found: str


@dataclass
class GraphClient:
    """Plain `requests` calls to the Graph API that count calls, read Meta's usage headers and turn error
    objects into ConnectorErrors. It never sleeps or retries: the Celery task does, after `retry_after`."""

    token: str
    fixes: GraphFixes
    app_secret: str = ""
    api_version: str = API_VERSION
    calls: int = 0
    usage_percent: int = 0
    regain_seconds: float | None = None
    session: requests.Session = field(default_factory=requests.Session)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self._call("GET", path, params=dict(params or {}))

    def post(self, path: str, data: Mapping[str, Any]) -> dict[str, Any]:
        return self._call("POST", path, params={}, data=dict(data))

    def require_headroom(self) -> None:
        """Stop before Meta throttles the app or the Page: a throttled token fails every call for up to an
        hour, replies included."""
        if self.usage_percent >= USAGE_CEILING_PERCENT:
            raise TransientConnectorError(
                f"{self.fixes.product} usage is at {self.usage_percent}% of Meta's hourly rate limit; "
                "pausing before Meta throttles the token",
                retry_after=self.regain_seconds or DEFAULT_RETRY_AFTER,
            )

    def _call(
        self, method: str, path: str, *, params: dict[str, Any], data: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        params["access_token"] = self.token
        if self.app_secret:
            params["appsecret_proof"] = hmac.new(
                self.app_secret.encode(), self.token.encode(), hashlib.sha256
            ).hexdigest()
        url = f"{GRAPH_URL}/{self.api_version}/{path.lstrip('/')}"
        self.calls += 1
        try:
            response = self.session.request(method, url, params=params, data=data, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as error:
            raise TransientConnectorError(f"Could not reach {self.fixes.product}: {error}") from error
        self._note_usage(response.headers)
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400 or (isinstance(body, dict) and "error" in body):
            raise self._error(response, body)
        if not isinstance(body, dict):
            raise TransientConnectorError(f"{self.fixes.product} answered with something other than JSON")
        return body

    def _note_usage(self, headers: Mapping[str, str]) -> None:
        """Meta reports usage as percentages of a rolling hour: X-App-Usage for the app, and per business
        X-Business-Use-Case-Usage (Page and Instagram tokens), with the minutes until access returns."""
        for name in ("x-app-usage", "x-page-usage", "x-business-use-case-usage"):
            value = headers.get(name)
            if not value:
                continue
            try:
                parsed = json.loads(value)
            except ValueError:
                continue
            entries = [parsed] if name != "x-business-use-case-usage" else _business_entries(parsed)
            for entry in entries:
                for key in ("call_count", "total_cputime", "total_time"):
                    number = entry.get(key)
                    if isinstance(number, int | float) and not isinstance(number, bool):
                        self.usage_percent = max(self.usage_percent, int(number))
                minutes = entry.get("estimated_time_to_regain_access")
                if isinstance(minutes, int | float) and minutes > 0:
                    self.regain_seconds = max(self.regain_seconds or 0.0, float(minutes) * 60)

    def _error(self, response: requests.Response, body: Any) -> ConnectorError:
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {}
        code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
        text = str(error.get("message") or response.reason or "no message")
        said = f"{self.fixes.product} answered {response.status_code}, error {code}"
        said += f"/{subcode}" if subcode else ""
        said += f": {text}"
        if code in RATE_LIMIT_CODES or response.status_code == 429:
            retry_after = self.regain_seconds or _retry_after_header(response) or DEFAULT_RETRY_AFTER
            return TransientConnectorError(f"Rate limited. {said}", retry_after=retry_after)
        if code == TOKEN_CODE or response.status_code == 401:
            return ConnectorError(said, permanent=True, how_to_fix=self.fixes.token)
        if code in PERMISSION_CODES:
            return ConnectorError(said, permanent=True, how_to_fix=self.fixes.permission)
        if code == 100 and subcode == NOT_FOUND_SUBCODE:
            return ConnectorError(said, permanent=True, how_to_fix=self.fixes.not_found)
        if code in TRANSIENT_CODES or error.get("is_transient") is True or response.status_code >= 500:
            return TransientConnectorError(said)
        return ConnectorError(said, permanent=True, how_to_fix=self.fixes.not_found)


def _business_entries(parsed: Any) -> list[Mapping[str, Any]]:
    if not isinstance(parsed, dict):
        return []
    return [
        entry
        for entries in parsed.values()
        if isinstance(entries, list)
        for entry in entries
        if isinstance(entry, dict)
    ]


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _retry_after_header(response: requests.Response) -> float | None:
    try:
        return max(1.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return None


# Cursors shared by every listing: newest-first or windowed, deduplicated by id near the boundary.


def parse_time(value: Any) -> datetime | None:
    """Graph times look like 2026-05-06T09:41:12+0000."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M:%S%z")
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass
class ListingPoll:
    """One poll of one listing: what the last complete poll settled and what this one has seen so far."""

    polled_at: datetime | None
    recent: dict[str, str]
    started_at: datetime
    seen: dict[str, str]
    after: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, cursor: Mapping[str, Any], now: datetime, product: str) -> "ListingPoll":
        try:
            polled_at = parse_time(cursor.get("polled_at")) if cursor.get("polled_at") else None
            recent = {str(k): str(v) for k, v in dict(cursor.get("recent_ids") or {}).items()}
            poll = cursor.get("poll")
            if isinstance(poll, Mapping):
                started = parse_time(poll.get("started_at")) or now
                seen = {str(k): str(v) for k, v in dict(poll.get("seen") or {}).items()}
                extra = {k: v for k, v in poll.items() if k not in ("started_at", "seen", "after")}
                return cls(polled_at, recent, started, seen, poll.get("after") or None, extra)
        except (TypeError, ValueError):
            raise ConnectorError(
                f"The stored {product} cursor is damaged: {dict(cursor)!r:.200}",
                permanent=True,
                how_to_fix="Delete the source's stored cursor so the next poll starts afresh.",
            ) from None
        return cls(polled_at, recent, now, {})

    def threshold(self, first_poll_start: datetime) -> datetime:
        return self.polled_at - OVERLAP if self.polled_at else first_poll_start

    def take(self, item_id: Any, created: datetime | None, first_poll_start: datetime) -> bool:
        """Whether an item is new to this poll; remembers it if so. An item without a readable time is
        taken once (it is then rejected as a payload, not refetched every poll)."""
        if not isinstance(item_id, str | int) or isinstance(item_id, bool):
            return created is None or created >= self.threshold(first_poll_start)
        key = str(item_id)
        if key in self.recent or key in self.seen:
            return False
        if created is not None and created < self.threshold(first_poll_start):
            return False
        self.seen[key] = (created or self.started_at).isoformat()
        return True

    def next_cursor(self, *, finished: bool, after: str | None = None, **extra: Any) -> dict[str, Any]:
        settled: dict[str, Any] = {}
        if self.polled_at:
            settled = {
                "polled_at": self.polled_at.isoformat(),
                "recent_ids": dict(sorted(self.recent.items())),
            }
        if not finished:
            poll = {"started_at": self.started_at.isoformat(), "seen": self.seen, "after": after, **extra}
            return {**settled, "poll": poll}
        keep_from = self.started_at - OVERLAP
        recent = {
            key: created
            for key, created in {**self.recent, **self.seen}.items()
            if (parse_time(created) or self.started_at) >= keep_from
        }
        return {"polled_at": self.started_at.isoformat(), "recent_ids": dict(sorted(recent.items()))}


def paging_after(body: Mapping[str, Any]) -> str | None:
    """The `after` cursor of a Graph page when another page follows (`paging.next` present)."""
    paging = body.get("paging")
    if not isinstance(paging, Mapping) or not paging.get("next"):
        return None
    cursors = paging.get("cursors")
    after = cursors.get("after") if isinstance(cursors, Mapping) else None
    return after if isinstance(after, str) and after else None


def data_list(body: Mapping[str, Any], product: str) -> list[Any]:
    data = body.get("data", [])
    if not isinstance(data, list):
        raise TransientConnectorError(f"{product} sent a list whose 'data' is not a list")
    return data


def nested(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise NormalizationError(f"field '{key}' must be an object, got {type(value).__name__}")
    return value


def summary_count(raw: Mapping[str, Any], edge: str) -> int:
    summary = nested(nested(raw, edge), "summary")
    return fields.count(summary, "total_count")


def required_setting(config: Mapping[str, Any], key: str, product: str, guide: str) -> str:
    value = config.get(key)
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise ConnectorError(
            f"{product} source is missing '{key}'",
            permanent=True,
            how_to_fix=f"Fill in '{key}' on the source's settings; {guide} says where each value comes from.",
        )
    return str(value).strip()


def window_days(config: Mapping[str, Any], product: str) -> int:
    value = config.get("window_days", DEFAULT_WINDOW_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WINDOW_DAYS:
        raise ConnectorError(
            f"{product} source setting 'window_days' must be a whole number of days, got {value!r:.20}",
            permanent=True,
            how_to_fix=f"Set window_days between 1 and {MAX_WINDOW_DAYS}, or remove it.",
        )
    return value


def comparable_text(text: str) -> str:
    return " ".join(text.split())


# The Facebook Page connector.

FEED_FIELDS = (
    "id,message,story,created_time,updated_time,permalink_url,from{id,name},"
    "shares,reactions.summary(total_count).limit(0),"
    f"comments.filter(stream).order(reverse_chronological).limit({COMMENTS_PER_PAGE}).summary(total_count)"
    "{id,message,created_time,from{id,name},like_count,comment_count,parent{id},permalink_url}"
)
COMMENT_FIELDS = "id,message,created_time,from{id,name},like_count,comment_count,parent{id},permalink_url"
RATING_FIELDS = (
    "created_time,recommendation_type,review_text,reviewer{id,name},rating,has_rating,has_review,"
    "open_graph_story{id}"
)
EDGES = ("feed", "ratings")
FACEBOOK_FIXES = GraphFixes(
    product="Facebook", token=TOKEN_FIX, permission=PERMISSION_FIX, not_found=NOT_FOUND_FIX
)


class FacebookPageConnector(Connector):
    kind = "facebook_page"

    def __init__(self, config: Mapping[str, Any]):
        super().__init__(config)
        guide = "docs/sources/facebook.md"
        self.page_id = required_setting(config, "page_id", "Facebook Page", guide)
        if not NUMERIC_ID.match(self.page_id):
            raise ConnectorError(
                f"Facebook Page source setting 'page_id' is not a numeric id: {self.page_id!r:.40}",
                permanent=True,
                how_to_fix=NOT_FOUND_FIX,
            )
        self.hospital_key = required_setting(config, "hospital_key", "Facebook Page", guide)
        self.window = timedelta(days=window_days(config, "Facebook Page"))
        self.client = GraphClient(
            token=required_setting(config, "page_access_token", "Facebook Page", guide),
            app_secret=str(config.get("app_secret") or "").strip(),
            fixes=FACEBOOK_FIXES,
        )

    def plan_queries(self, query: SourceQuery) -> list[SourceQuery]:
        """The Page's feed and its recommendations, for the Page's own hospital only."""
        if query.key != self.hospital_key:
            return []
        return [
            SourceQuery(key=f"{query.key}#facebook:{self.page_id}:{edge}", terms=query.terms)
            for edge in EDGES
        ]

    def fetch(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        edge = query.key.rpartition(":")[2]
        if edge not in EDGES or f"#facebook:{self.page_id}:" not in query.key:
            raise ConnectorError(
                f"The query {query.key!r} is not one of this Facebook Page source's",
                permanent=True,
                how_to_fix="Fetch the queries FacebookPageConnector.plan_queries returns.",
            )
        now = utc_now()
        poll = ListingPoll.read(cursor, now, "Facebook")
        calls_before = self.client.calls
        hospital_name = review_hospital_name(query.terms)
        self.client.require_headroom()
        if edge == "feed":
            items, after = self._feed_page(poll, now, hospital_name)
        else:
            items, after = self._ratings_page(poll, now, hospital_name)
        gaps: tuple[CoverageGap, ...] = ()
        if edge == "feed" and not cursor:
            gaps = (CoverageGap(start=now, end=None, reason=UNSUPPORTED_DETAIL, kind="unsupported"),)
        return FetchResult(
            items=items,
            next_cursor=poll.next_cursor(finished=after is None, after=after),
            has_more=after is not None,
            api_calls=self.client.calls - calls_before,
            coverage_gaps=gaps,
        )

    def _feed_page(
        self, poll: ListingPoll, now: datetime, hospital_name: str
    ) -> tuple[list[dict[str, Any]], str | None]:
        window_start = poll.started_at - self.window
        params: dict[str, Any] = {
            "fields": FEED_FIELDS,
            "limit": PAGE_SIZE,
            "since": int(window_start.timestamp()),
        }
        if poll.after:
            params["after"] = poll.after
        body = self.client.get(f"{self.page_id}/feed", params)
        threshold = poll.threshold(window_start)
        items: list[dict[str, Any]] = []
        for post in data_list(body, "Facebook"):
            if not isinstance(post, dict):
                continue
            context = {"page_id": self.page_id, "hospital_name": hospital_name}
            author = post.get("from") if isinstance(post.get("from"), dict) else {}
            by_page = str(author.get("id") or "") == self.page_id
            created = parse_time(post.get("created_time"))
            # The Page's own posts are the hospital speaking, not a mention of it; their comments are.
            if not by_page and poll.take(post.get("id"), created, window_start):
                items.append(
                    {**{k: v for k, v in post.items() if k != "comments"}, "kind": "post", **context}
                )
            updated = parse_time(post.get("updated_time")) or created
            if updated is not None and updated < threshold:
                continue  # No comment since the last poll: updated_time moves with every new comment.
            items.extend(self._new_comments(post, poll, window_start, context))
        return items, paging_after(body)

    def _new_comments(
        self, post: Mapping[str, Any], poll: ListingPoll, window_start: datetime, context: dict[str, Any]
    ) -> list[dict[str, Any]]:
        post_id = post.get("id")
        listing = post.get("comments") if isinstance(post.get("comments"), Mapping) else {}
        post_context = {
            **context,
            "kind": "comment",
            "post_id": post_id,
            "post_message": str(post.get("message") or "")[:280],
        }
        found: list[dict[str, Any]] = []
        for page in range(COMMENT_PAGES_PER_POST):
            comments = data_list(listing, "Facebook")
            reached_old = False
            for comment in comments:
                if not isinstance(comment, dict):
                    continue
                created = parse_time(comment.get("created_time"))
                if created is not None and created < poll.threshold(window_start):
                    reached_old = True
                    continue
                if poll.take(comment.get("id"), created, window_start):
                    found.append({**comment, **post_context})
            after = paging_after(listing)
            if reached_old or after is None or not isinstance(post_id, str):
                break
            if page + 1 == COMMENT_PAGES_PER_POST:
                logger.warning("facebook: more new comments on %s than one poll reads", post_id)
                break
            self.client.require_headroom()
            listing = self.client.get(
                f"{post_id}/comments",
                {
                    "fields": COMMENT_FIELDS,
                    "filter": "stream",
                    "order": "reverse_chronological",
                    "limit": COMMENTS_PER_PAGE,
                    "after": after,
                },
            )
        return found

    def _ratings_page(
        self, poll: ListingPoll, now: datetime, hospital_name: str
    ) -> tuple[list[dict[str, Any]], str | None]:
        params: dict[str, Any] = {"fields": RATING_FIELDS, "limit": PAGE_SIZE}
        if poll.after:
            params["after"] = poll.after
        body = self.client.get(f"{self.page_id}/ratings", params)
        first_poll_start = poll.started_at - self.window
        items: list[dict[str, Any]] = []
        reached_old = False
        for rating in data_list(body, "Facebook"):
            if not isinstance(rating, dict):
                continue
            created = parse_time(rating.get("created_time"))
            if created is not None and created < poll.threshold(first_poll_start):
                reached_old = True  # Newest first: everything after this was settled by earlier polls.
                break
            if poll.take(_rating_key(rating), created, first_poll_start):
                items.append(
                    {**rating, "kind": "rating", "page_id": self.page_id, "hospital_name": hospital_name}
                )
        return items, None if reached_old else paging_after(body)

    def check_connection(self, query: SourceQuery) -> str:
        """Reads the Page's name through its own token: proves the token, the Page id and the basic
        permission for one call; then one recommendation, which needs pages_read_user_content."""
        page = self.client.get(self.page_id, {"fields": "id,name"})
        self.client.get(f"{self.page_id}/ratings", {"fields": "created_time", "limit": 1})
        return (
            f"Facebook answered for the Page “{page.get('name') or self.page_id}”: its feed and "
            "recommendations are readable. Nothing stored."
        )

    def normalize(self, raw: Mapping[str, Any]) -> MentionData:
        kind = raw.get("kind")
        if kind == "comment":
            return self._normalize_comment(raw)
        if kind == "post":
            return self._normalize_post(raw)
        if kind == "rating":
            return self._normalize_rating(raw)
        raise NormalizationError(f"field 'kind' must be comment, post or rating, got {kind!r:.40}")

    def _normalize_comment(self, raw: Mapping[str, Any]) -> MentionData:
        comment_id = _graph_id(raw)
        author = nested(raw, "from")
        parent = nested(raw, "parent")
        hospital_name = fields.optional_str(raw, "hospital_name")
        return MentionData(
            platform="facebook",
            external_id=f"comment:{comment_id}",
            text=fields.optional_str(raw, "message") or PLACEHOLDER_TEXT,
            title=f"Comment on {hospital_name}'s Facebook Page" if hospital_name else "Facebook comment",
            posted_at=fields.timestamp(raw, "created_time"),
            url=fields.optional_str(raw, "permalink_url") or f"https://www.facebook.com/{comment_id}",
            author_handle=fields.optional_str(author, "id"),
            author_name=fields.optional_str(author, "name"),
            likes=fields.count(raw, "like_count"),
            replies=fields.count(raw, "comment_count"),
            raw=raw,
            extra={
                "kind": "comment",
                "page_id": fields.optional_str(raw, "page_id"),
                "post_id": fields.optional_str(raw, "post_id"),
                "parent_id": fields.optional_str(parent, "id"),
                "is_reply": bool(parent),
                "post_excerpt": fields.optional_str(raw, "post_message"),
            },
        )

    def _normalize_post(self, raw: Mapping[str, Any]) -> MentionData:
        post_id = _graph_id(raw)
        author = nested(raw, "from")
        hospital_name = fields.optional_str(raw, "hospital_name")
        return MentionData(
            platform="facebook",
            external_id=f"post:{post_id}",
            text=fields.optional_str(raw, "message") or fields.optional_str(raw, "story") or PLACEHOLDER_TEXT,
            title=f"Post on {hospital_name}'s Facebook Page" if hospital_name else "Facebook visitor post",
            posted_at=fields.timestamp(raw, "created_time"),
            url=fields.optional_str(raw, "permalink_url") or f"https://www.facebook.com/{post_id}",
            author_handle=fields.optional_str(author, "id"),
            author_name=fields.optional_str(author, "name"),
            likes=summary_count(raw, "reactions"),
            replies=summary_count(raw, "comments"),
            shares=fields.count(nested(raw, "shares"), "count"),
            raw=raw,
            extra={"kind": "visitor_post", "page_id": fields.optional_str(raw, "page_id")},
        )

    def _normalize_rating(self, raw: Mapping[str, Any]) -> MentionData:
        key = _rating_key(raw)
        if key is None:
            raise NormalizationError("recommendation has neither 'open_graph_story.id' nor a reviewer id")
        recommendation = fields.optional_str(raw, "recommendation_type")
        if recommendation not in ("", "positive", "negative"):
            raise NormalizationError(
                f"field 'recommendation_type' must be positive or negative, got {recommendation!r:.40}"
            )
        rating = fields.optional_count(raw, "rating")
        if rating is not None and not 1 <= rating <= 5:
            raise NormalizationError(f"field 'rating' must be 1 to 5, got {rating}")
        verdict = {"positive": "recommends", "negative": "does not recommend"}.get(recommendation, "rates")
        hospital_name = fields.optional_str(raw, "hospital_name")
        reviewer = nested(raw, "reviewer")
        story_id = fields.optional_str(nested(raw, "open_graph_story"), "id")
        return MentionData(
            platform="facebook",
            external_id=f"rating:{key}",
            text=fields.optional_str(raw, "review_text") or f"({verdict} the Page, without a comment)",
            title=f"Facebook recommendation of {hospital_name}"
            if hospital_name
            else "Facebook recommendation",
            posted_at=fields.timestamp(raw, "created_time"),
            url=f"https://www.facebook.com/{story_id}" if story_id else "",
            author_handle=fields.optional_str(reviewer, "id"),
            author_name=fields.optional_str(reviewer, "name"),
            rating=rating,
            raw=raw,
            extra={"kind": "recommendation", "recommendation_type": recommendation},
        )

    # Public replies (triage/services/replies.py), posted as the Page with the same Page token; it needs
    # pages_manage_engagement.

    def send_reply(self, *, parent_external_id: str, text: str) -> SentReply:
        """Comment as the Page under a comment or visitor post (POST /{object-id}/comments). Facebook
        takes no idempotency key, so a retry calls find_existing_reply first. Raises ConnectorError."""
        object_id = _reply_object(parent_external_id)
        self.client.require_headroom()
        try:
            answer = self.client.post(f"{object_id}/comments", {"message": text})
        except ConnectorError as error:
            if error.permanent and error.how_to_fix == NOT_FOUND_FIX:
                raise ConnectorError(str(error), permanent=True, how_to_fix=REPLY_FIX) from error
            raise
        reply_id = answer.get("id")
        if not isinstance(reply_id, str) or not GRAPH_ID.match(reply_id):
            raise TransientConnectorError(
                f"Facebook answered the reply without a comment id: {answer!r:.200}"
            )
        return SentReply(platform_reply_id=reply_id, url=f"https://www.facebook.com/{reply_id}")

    def find_existing_reply(self, *, parent_external_id: str, text: str) -> SentReply | None:
        """The Page's comment with this text under the parent, if an earlier attempt posted it (the newest
        100 comments under it, where a reply made a moment ago is listed first). Raises ConnectorError."""
        object_id = _reply_object(parent_external_id)
        answer = self.client.get(
            f"{object_id}/comments",
            {"fields": "id,message,from{id}", "order": "reverse_chronological", "limit": 100},
        )
        wanted = comparable_text(text)
        for comment in data_list(answer, "Facebook"):
            if not isinstance(comment, dict):
                continue
            author = comment.get("from") if isinstance(comment.get("from"), dict) else {}
            message = comment.get("message")
            if (
                str(author.get("id") or "") == self.page_id
                and isinstance(message, str)
                and comparable_text(message) == wanted
                and isinstance(comment.get("id"), str)
            ):
                return SentReply(
                    platform_reply_id=comment["id"], url=f"https://www.facebook.com/{comment['id']}"
                )
        return None


def _graph_id(raw: Mapping[str, Any]) -> str:
    value = fields.required_str(raw, "id")
    if not GRAPH_ID.match(value):
        raise NormalizationError(f"field 'id' is not a Graph id, got {value!r:.40}")
    return value


def _rating_key(raw: Mapping[str, Any]) -> str | None:
    """Recommendations have no id of their own: their story's id, else reviewer and time."""
    story = raw.get("open_graph_story")
    if isinstance(story, Mapping) and isinstance(story.get("id"), str) and story["id"]:
        return story["id"]
    reviewer = raw.get("reviewer")
    reviewer_id = reviewer.get("id") if isinstance(reviewer, Mapping) else None
    created = raw.get("created_time")
    if isinstance(reviewer_id, str) and reviewer_id and isinstance(created, str) and created:
        return f"{reviewer_id}@{created}"
    return None


def _reply_object(parent_external_id: str) -> str:
    kind, _, object_id = str(parent_external_id).partition(":")
    if kind == "rating":
        raise ConnectorError(
            "Facebook does not let apps answer recommendations.",
            permanent=True,
            how_to_fix="Answer it on the Page itself, then mark the item as handled elsewhere.",
        )
    if kind not in ("comment", "post") or not GRAPH_ID.match(object_id):
        raise ConnectorError(
            f"{parent_external_id!r:.40} is not a Facebook comment or post, so there is nothing to reply to.",
            permanent=True,
            how_to_fix="Reply on Facebook yourself and mark the item as handled elsewhere.",
        )
    return object_id
