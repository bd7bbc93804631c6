"""X (formerly Twitter) recent search, through tweepy's API v2 client with an app-only bearer token.

Config keys (the source's `config`):
- `bearer_token` (required): the app-only bearer token of an app in the X Developer Console.
- `lang` (optional): a language code such as "en"; adds `lang:en` so only posts X tagged with it come back.
  Terms limited to a language are searched in a query of their own with their language instead.
- `consumer_key`, `consumer_secret`, `access_token`, `access_token_secret` (optional): the OAuth 1.0a
  user-context credentials of the hospital's own account, needed only to post replies from the queue
  (`send_reply`); the bearer token cannot post.
- `start_time` (optional): ISO 8601 date-time the very first poll reaches back to. Recent search cannot see
  past 7 days, so an older value is clamped and the part it cannot reach is reported as a coverage gap.
  Without it the first poll reads the whole 7 days.

Cursor, one per planned query (X returns the newest posts first, in pages linked by `next_token`):
- between polls: `{"since_id": newest stored post id, "polled_at": when the last complete poll started}`;
- within a poll: the same two keys unchanged, plus `next_token`, `pending_newest_id` (the newest id this poll
  has seen), `poll_window` (the since_id or start_time the poll's first page used; every page of a poll must
  send the same) and `poll_started_at`. Only the last page promotes `pending_newest_id` to `since_id`, so a
  crash between pages resumes at the stored `next_token` and never skips the older pages.
"""

import html
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import tweepy
from requests.adapters import HTTPAdapter

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
from sources.connectors.fields import search_queries, search_terms
from tracking.query import Phrase, Query, to_x

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 512
PAGE_SIZE = 100
# X's smallest search page; a connection check reads (and pays for) at most this many posts.
CHECK_RESULTS = 10
CHECK_FALLBACK_TERM = "hospital"
SEARCH_WINDOW = timedelta(days=7)
# X rejects a start_time (or a since_id) even slightly older than 7 days; the margin absorbs clock skew and
# the time the request takes.
WINDOW_MARGIN = timedelta(minutes=2)
# Search only shows posts from about 30 seconds ago on, so a poll that must use start_time instead of since_id
# begins this far before the previous poll started. (That only happens once since_id is over 7 days old, so
# every post it returns is newer than anything stored.)
INDEX_LAG = timedelta(minutes=1)
REQUEST_TIMEOUT_SECONDS = 30
GAP_REASON = "X recent search reaches back 7 days only"
# Post ids are snowflakes: milliseconds since this moment, shifted left by 22 bits.
SNOWFLAKE_EPOCH_MS = 1288834974657
MAX_COUNT = 2_147_483_647

TWEET_FIELDS = [
    "created_at",
    "lang",
    "public_metrics",
    "conversation_id",
    "author_id",
    "referenced_tweets",
    "in_reply_to_user_id",
    # Posts over 280 characters carry their full text only here; `text` holds the first 280.
    "note_tweet",
]
USER_FIELDS = ["username", "name", "public_metrics", "verified"]

NEW_TOKEN_HELP = (
    "Create a new bearer token in the X Developer Console (console.x.com) → Apps → your app → Keys and "
    "tokens → Bearer token → Regenerate, then paste it as bearer_token in this source's settings."
)
ACCESS_HELP = (
    "In the X Developer Console, check that the app belongs to a project with pay-per-use (or a plan that "
    "includes recent search) and that it is not suspended; then poll again."
)
CREDITS_HELP = (
    "Add credits (or turn on auto-recharge) in the X Developer Console → Billing, or raise the spend cap; "
    "then poll again."
)
QUERY_HELP = "Check the hospital's tracked terms: X rejected the search query built from them."

_USERNAME = re.compile(r"[A-Za-z0-9_]{1,50}")
_POST_ID = re.compile(r"[0-9]{1,20}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def _seconds_until_reset(error: "tweepy.TooManyRequests") -> float | None:
    """How long X asked us to wait, from its x-rate-limit-reset header (tweepy reads it as reset_time)."""
    if error.reset_time is None:
        return None
    return max(error.reset_time - utc_now().timestamp(), 1.0)


def utc_now() -> datetime:
    return datetime.now(tz=UTC)


def x_term(query: Query) -> str:
    """One tracked term's query in X operators, grouped in parentheses unless it is a single phrase, so it
    can be OR'ed with others and followed by -is:retweet (X evaluates AND before OR)."""
    translated = to_x(query)
    return translated if isinstance(query.root, Phrase) else f"({translated})"


def _snowflake_time(post_id: int) -> datetime:
    return datetime.fromtimestamp(((post_id >> 22) + SNOWFLAKE_EPOCH_MS) / 1000, tz=UTC)


def _post_id(value: Any) -> int | None:
    """A post id as a number, or None when it is not one (the item is then left for normalize to reject)."""
    if isinstance(value, str) and _POST_ID.fullmatch(value):
        return int(value)
    return None


def _x_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _config_time(config: Mapping[str, Any], key: str) -> datetime | None:
    value = config.get(key)
    if value in (None, ""):
        return None
    try:
        return fields.timestamp(config, key)
    except NormalizationError as error:
        raise ConnectorError(
            f"X source setting {key!r} is not a date-time: {value!r:.40}",
            how_to_fix=f"Set {key} to an ISO 8601 date-time such as 2026-05-01T00:00:00Z, or remove it.",
        ) from error


def _stored_time(cursor: Mapping[str, Any], key: str) -> datetime | None:
    value = cursor.get(key)
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


class _TimeoutAdapter(HTTPAdapter):
    """tweepy sends no timeout, and a request without one can hang a worker for good."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        kwargs["timeout"] = kwargs.get("timeout") or REQUEST_TIMEOUT_SECONDS
        return super().send(request, **kwargs)


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _problem(error: tweepy.HTTPException) -> Mapping[str, Any]:
    try:
        body = error.response.json()
    except ValueError:
        return {}
    return body if isinstance(body, Mapping) else {}


def _connector_error(error: tweepy.HTTPException) -> ConnectorError:
    status = error.response.status_code
    message = f"X recent search failed: {_one_line(error)}"
    problem = _problem(error)
    if (
        status == 402
        or "credits" in str(problem.get("type", ""))
        or problem.get("title") == "CreditsDepleted"
    ):
        return ConnectorError(message, how_to_fix=CREDITS_HELP)
    if isinstance(error, tweepy.TooManyRequests):
        return TransientConnectorError(message, retry_after=_seconds_until_reset(error))
    if isinstance(error, tweepy.Unauthorized):
        return ConnectorError(message, how_to_fix=NEW_TOKEN_HELP)
    if isinstance(error, tweepy.Forbidden):
        return ConnectorError(message, how_to_fix=ACCESS_HELP)
    if isinstance(error, tweepy.BadRequest):
        return ConnectorError(message, how_to_fix=QUERY_HELP)
    if isinstance(error, tweepy.TwitterServerError) or status in (408, 409, 425):
        return TransientConnectorError(message)
    return ConnectorError(message, how_to_fix="X answered with an unexpected error; see the message.")


def _mapping(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """An optional nested object; missing is empty."""
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise NormalizationError(f"field '{key}' must be an object, got {type(value).__name__}")
    return value


def _count(raw: Mapping[str, Any], key: str, parent: str) -> int:
    try:
        return fields.count(raw, key)
    except NormalizationError as error:
        raise NormalizationError(f"{parent}: {error}") from None


def _referenced_types(raw: Mapping[str, Any]) -> list[str]:
    value = raw.get("referenced_tweets")
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(ref, Mapping) for ref in value):
        raise NormalizationError("field 'referenced_tweets' must be a list of objects")
    return [fields.required_str(ref, "type") for ref in value]


def _language(raw: Mapping[str, Any]) -> str:
    lang = fields.optional_str(raw, "lang")
    # "und" is undetermined, "zxx" no language; codes starting with "q" are X's own (hashtags only, media...).
    return "" if lang in ("und", "zxx") or lang.startswith("q") else lang


class XConnector(Connector):
    kind = "x"
    query_filters = frozenset({"language"})

    def __init__(self, config: Mapping[str, Any]):
        super().__init__(config)
        token = config.get("bearer_token")
        if not isinstance(token, str) or not token.strip():
            raise ConnectorError("The X source has no bearer token.", how_to_fix=NEW_TOKEN_HELP)
        lang = config.get("lang") or ""
        if not isinstance(lang, str) or (lang and not _LANGUAGE.fullmatch(lang)):
            raise ConnectorError(
                f"X source setting 'lang' is not a language code: {lang!r:.40}",
                how_to_fix='Set lang to a language code such as "en", or remove it.',
            )
        self.lang = lang
        self.start_time = _config_time(config, "start_time")
        self.client = tweepy.Client(bearer_token=token.strip(), return_type=dict, wait_on_rate_limit=False)
        self.client.session.mount("https://", _TimeoutAdapter())

    def query_text(self, terms: Iterable[str], language: str = "") -> str:
        """The X query for these terms' queries: any of them, retweets left out (the original post is
        enough), in `language` (the terms' own, else the source's `lang`) when there is one; "" when none
        can be read. Region is not sent: place_country: is one of the advanced operators X's docs reserve
        for Enterprise access, and it matches only the few posts tagged with a place."""
        phrases = [x_term(query) for query in search_queries(terms)]
        if not phrases:
            return ""
        matched = phrases[0] if len(phrases) == 1 else f"({' OR '.join(phrases)})"
        language = language or self.lang
        return f"{matched} -is:retweet" + (f" lang:{language}" if language else "")

    def plan_queries(self, query: SourceQuery) -> list[SourceQuery]:
        terms = search_terms(query.terms)
        if not terms:
            return []
        if len(self.query_text(terms, query.language)) <= MAX_QUERY_LENGTH:
            return [query]
        parts: list[list[str]] = []
        for term in terms:
            if len(self.query_text([term], query.language)) > MAX_QUERY_LENGTH:
                raise ConnectorError(
                    f"The tracked term {term[:60]!r}… is too long for an X search query "
                    f"({MAX_QUERY_LENGTH} characters at most).",
                    how_to_fix="Shorten that tracked term.",
                )
            if parts and len(self.query_text([*parts[-1], term], query.language)) <= MAX_QUERY_LENGTH:
                parts[-1].append(term)
            else:
                parts.append([term])
        return [replace(query, key=f"{query.key}#{n}", terms=tuple(part)) for n, part in enumerate(parts, 1)]

    def fetch(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        query_text = self.query_text(query.terms, query.language)
        if not query_text:
            return FetchResult(items=[], next_cursor=dict(cursor), api_calls=0)
        if len(query_text) > MAX_QUERY_LENGTH:
            raise ConnectorError(
                f"The X query for {query.key} is {len(query_text)} characters long, over X's "
                f"{MAX_QUERY_LENGTH}; it should have been split by plan_queries.",
                how_to_fix="Remove or shorten some of the hospital's tracked terms.",
            )
        now = utc_now()
        next_token = cursor.get("next_token")
        started = _stored_time(cursor, "poll_started_at")
        if next_token and started and started < now - SEARCH_WINDOW + WINDOW_MARGIN:
            # A poll left unfinished for a week (a source paused mid-poll): its remaining pages are out of
            # X's reach, so start over; the new poll reports the gap since the last complete one.
            next_token = None
        if next_token:
            window = dict(cursor["poll_window"])
            poll_started_at = cursor["poll_started_at"]
            pending_newest = _post_id(cursor.get("pending_newest_id"))
            gaps: tuple[CoverageGap, ...] = ()
        else:
            window, gaps = self._poll_window(cursor, now)
            poll_started_at = now.isoformat()
            pending_newest = None

        response = self._search(query_text, window, next_token)

        tweets = [tweet for tweet in response.get("data") or [] if isinstance(tweet, dict)]
        users = {
            user["id"]: user
            for user in (response.get("includes") or {}).get("users") or []
            if isinstance(user, dict) and "id" in user
        }
        items = []
        for tweet in tweets:
            pending_newest = max(filter(None, (pending_newest, _post_id(tweet.get("id")))), default=None)
            author = users.get(tweet.get("author_id"))
            items.append({**tweet, "author": author} if author else dict(tweet))

        meta = response.get("meta") or {}
        following = meta.get("next_token")
        kept = {key: cursor[key] for key in ("since_id", "polled_at") if cursor.get(key)}
        if following:
            next_cursor = {
                **kept,
                "next_token": following,
                "pending_newest_id": str(pending_newest) if pending_newest else None,
                "poll_window": window,
                "poll_started_at": poll_started_at,
            }
        else:
            newest = max(filter(None, (_post_id(cursor.get("since_id")), pending_newest)), default=None)
            next_cursor = {"polled_at": poll_started_at}
            if newest:
                next_cursor["since_id"] = str(newest)
        return FetchResult(
            items=items,
            next_cursor=next_cursor,
            has_more=bool(following),
            billable_reads=len(tweets),  # X bills per post returned.
            coverage_gaps=gaps,
        )

    def _poll_window(
        self, cursor: Mapping[str, Any], now: datetime
    ) -> tuple[dict[str, str], tuple[CoverageGap, ...]]:
        """Where a new poll starts: after since_id while X still accepts it, else at a start_time."""
        earliest = now - SEARCH_WINDOW + WINDOW_MARGIN
        since_id = _post_id(cursor.get("since_id"))
        if since_id is not None and _snowflake_time(since_id) >= earliest:
            return {"since_id": str(since_id)}, ()
        polled_at = _stored_time(cursor, "polled_at")
        if polled_at is not None:
            covered_until, start = polled_at, polled_at - INDEX_LAG
        elif since_id is not None:
            covered_until = start = _snowflake_time(since_id)
        elif self.start_time is not None:
            covered_until = start = self.start_time
        else:
            return {"start_time": _x_time(earliest)}, ()
        gaps: tuple[CoverageGap, ...] = ()
        if covered_until < earliest:
            gaps = (CoverageGap(start=covered_until, end=earliest, reason=GAP_REASON),)
        # X wants the start before the end of its window, which is about 30 seconds ago.
        start = min(max(start, earliest), now - INDEX_LAG)
        return {"start_time": _x_time(start)}, gaps

    def check_connection(self, query: SourceQuery) -> str:
        """One recent search of 10 posts, X's smallest page: it proves the token and the plan's access for
        the price of at most 10 post reads."""
        parts = self.plan_queries(query)
        query_text = (parts and self.query_text(parts[0].terms, parts[0].language)) or self.query_text(
            [CHECK_FALLBACK_TERM]
        )
        try:
            response = self.client.search_recent_tweets(query_text, max_results=CHECK_RESULTS)
        except tweepy.HTTPException as error:
            raise _connector_error(error) from error
        except requests.RequestException as error:
            raise TransientConnectorError(
                f"X recent search could not be reached: {_one_line(error)}"
            ) from error
        meta = response.get("meta") if isinstance(response, dict) else None
        found = (meta or {}).get("result_count", 0)
        return f"X recent search answered: {found} recent post(s) found, nothing stored."

    def _search(self, query_text: str, window: Mapping[str, str], next_token: str | None) -> dict[str, Any]:
        try:
            response = self.client.search_recent_tweets(
                query_text,
                **window,
                next_token=next_token,
                max_results=PAGE_SIZE,
                tweet_fields=TWEET_FIELDS,
                expansions=["author_id"],
                user_fields=USER_FIELDS,
            )
        except tweepy.HTTPException as error:
            raise _connector_error(error) from error
        except requests.RequestException as error:
            raise TransientConnectorError(
                f"X recent search could not be reached: {_one_line(error)}"
            ) from error
        if not isinstance(response, dict):
            raise TransientConnectorError("X recent search answered with something other than a JSON object.")
        return response

    def normalize(self, raw: Mapping[str, Any]) -> MentionData:
        post_id = fields.required_str(raw, "id")
        if not _POST_ID.fullmatch(post_id):
            raise NormalizationError(f"field 'id' must be a numeric post id, got {post_id!r:.40}")
        note = _mapping(raw, "note_tweet")
        text = fields.required_str(note, "text") if note else fields.required_str(raw, "text")
        author = _mapping(raw, "author")
        username = fields.optional_str(author, "username")
        if username and not _USERNAME.fullmatch(username):
            raise NormalizationError(f"field 'author.username' is not an X username: {username!r:.40}")
        metrics = _mapping(raw, "public_metrics")
        author_metrics = _mapping(author, "public_metrics")
        followers = author_metrics.get("followers_count")
        referenced = _referenced_types(raw)
        shares = _count(metrics, "retweet_count", "public_metrics") + _count(
            metrics, "quote_count", "public_metrics"
        )
        return MentionData(
            platform="x",
            external_id=post_id,
            text=text,
            posted_at=fields.timestamp(raw, "created_at"),
            url=f"https://x.com/{username or 'i/web'}/status/{post_id}",
            author_handle=username,
            author_name=fields.optional_str(author, "name"),
            author_followers=None
            if followers in (None, "")
            else _count(author_metrics, "followers_count", "author.public_metrics"),
            language=_language(raw),
            likes=_count(metrics, "like_count", "public_metrics"),
            shares=min(shares, MAX_COUNT),
            replies=_count(metrics, "reply_count", "public_metrics"),
            raw=raw,
            extra={
                "conversation_id": fields.optional_str(raw, "conversation_id"),
                "in_reply_to_user_id": fields.optional_str(raw, "in_reply_to_user_id"),
                "is_reply": "replied_to" in referenced,
                "is_quote": "quoted" in referenced,
                "author_verified": author.get("verified") is True,
                "impressions": _count(metrics, "impression_count", "public_metrics"),
            },
        )

    # Public replies (triage/services/replies.py). Reading works with the app-only bearer token; posting as
    # the hospital's account needs that account's user-context (OAuth 1.0a) credentials as well.

    def send_reply(self, *, parent_external_id: str, text: str) -> "SentReply":
        """Post `text` as the hospital's account in reply to the post `parent_external_id` (POST /2/tweets).

        X takes no idempotency key, so a caller that may be retrying an interrupted attempt calls
        find_existing_reply first. Raises ConnectorError.
        """
        parent = _reply_parent(parent_external_id)
        client = self._user_client()
        try:
            response = client.create_tweet(text=text, in_reply_to_tweet_id=parent, user_auth=True)
        except tweepy.Forbidden as error:
            if _is_duplicate_content(error):
                # X refuses the same text twice from one account: an earlier attempt got through.
                existing = self.find_existing_reply(parent_external_id=parent, text=text)
                if existing is not None:
                    return existing
            raise _reply_error(error, "post the reply") from error
        except tweepy.HTTPException as error:
            raise _reply_error(error, "post the reply") from error
        except requests.RequestException as error:
            # The post may or may not have gone out; the retry looks before posting again.
            raise TransientConnectorError(f"Could not reach X to post the reply: {error}") from error
        data = response.get("data") if isinstance(response, Mapping) else None
        reply_id = _post_id(data.get("id")) if isinstance(data, Mapping) else None
        if reply_id is None:
            raise TransientConnectorError(f"X answered the reply without a post id: {response!r:.200}")
        return SentReply(platform_reply_id=str(reply_id), url=_reply_url(str(reply_id)))

    def find_existing_reply(self, *, parent_external_id: str, text: str) -> "SentReply | None":
        """The hospital account's reply to `parent_external_id` with this text, if it already posted one.

        Reads the account's own timeline (GET /2/users/:id/tweets since the parent) rather than recent
        search: search shows posts only after a delay, so it could miss a reply posted a moment ago.
        Raises ConnectorError.
        """
        parent = _reply_parent(parent_external_id)
        client = self._user_client()
        wanted = _comparable_text(text)
        try:
            me = client.get_me(user_auth=True)
            account_id = me["data"]["id"]
            pagination_token = None
            for _ in range(REPLY_LOOKUP_PAGES):
                page = client.get_users_tweets(
                    account_id,
                    user_auth=True,
                    since_id=parent,
                    max_results=100,
                    exclude=["retweets"],
                    tweet_fields=["referenced_tweets", "conversation_id", "created_at"],
                    pagination_token=pagination_token,
                )
                for post in page.get("data") or []:
                    if _replies_to(post, parent) and _comparable_text(post.get("text", "")) == wanted:
                        return SentReply(platform_reply_id=str(post["id"]), url=_reply_url(str(post["id"])))
                pagination_token = (page.get("meta") or {}).get("next_token")
                if not pagination_token:
                    return None
        except tweepy.HTTPException as error:
            raise _reply_error(error, "look for an earlier reply") from error
        except requests.RequestException as error:
            raise TransientConnectorError(
                f"Could not reach X to look for an earlier reply: {error}"
            ) from error
        except (KeyError, TypeError) as error:
            raise TransientConnectorError(
                f"X answered the lookup in an unexpected shape: {error!r}"
            ) from error
        return None

    def _user_client(self) -> tweepy.Client:
        missing = [key for key in USER_CREDENTIALS if not str(self.config.get(key) or "").strip()]
        if missing:
            raise ConnectorError(
                f"The X source cannot post replies: it has no {', '.join(missing)}.",
                how_to_fix=REPLY_CREDENTIALS_HELP,
            )
        client = tweepy.Client(
            **{key: str(self.config[key]).strip() for key in USER_CREDENTIALS},
            return_type=dict,
            wait_on_rate_limit=False,
        )
        client.session.mount("https://", _TimeoutAdapter())
        return client


USER_CREDENTIALS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
# At most this many pages of 100 of the account's own posts since the parent are searched for an earlier
# attempt's reply; a busy account posts far fewer between an attempt and its retry.
REPLY_LOOKUP_PAGES = 3
REPLY_CREDENTIALS_HELP = (
    "Posting a reply needs the hospital account's own credentials: an app-only bearer token can only read. "
    "In the X Developer Console (console.x.com) → Apps → your app → User authentication settings, set App "
    "permissions to “Read and write”. Then under Keys and tokens copy the API Key and Secret (consumer_key, "
    "consumer_secret) and generate an Access Token and Secret while signed in as the hospital's account "
    "(access_token, access_token_secret; regenerate them after changing permissions), and paste all four "
    "in this source's settings."
)
REPLY_FORBIDDEN_HELP = (
    "X refused to let the hospital's account post this reply. Check that the app has “Read and write” "
    "permission and that the access token was generated after that change; if the author limits who can "
    "reply, or X only lets apps answer posts that mention the account, reply from the X app instead and "
    "mark the item as handled elsewhere."
)
REPLY_GONE_HELP = (
    "The post may have been deleted or made private. Open it on X; if it is gone, mark the item as handled "
    "elsewhere or close it."
)
_LEADING_MENTIONS = re.compile(r"^(?:@\w{1,50}\s+)+")
_LINK = re.compile(r"https?://\S+")


def _reply_parent(parent_external_id: str) -> str:
    if not isinstance(parent_external_id, str) or not _POST_ID.fullmatch(parent_external_id):
        raise ConnectorError(
            f"{parent_external_id!r:.40} is not an X post id, so there is nothing to reply to.",
            how_to_fix="Reply on X yourself and mark the item as handled elsewhere.",
        )
    return parent_external_id


def _reply_url(post_id: str) -> str:
    # The account-independent form; X redirects it to /<username>/status/<id>.
    return f"https://x.com/i/web/status/{post_id}"


def _replies_to(post: Mapping[str, Any], parent: str) -> bool:
    references = post.get("referenced_tweets") or []
    return any(ref.get("type") == "replied_to" and ref.get("id") == parent for ref in references)


def _comparable_text(text: str) -> str:
    """Post text as X stores it compared with what we sent: X prefixes a reply with the @handles it
    answers, escapes &, < and >, and shortens links to t.co."""
    text = html.unescape(text).strip()
    text = _LEADING_MENTIONS.sub("", text)
    text = _LINK.sub("<link>", text)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _is_duplicate_content(error: tweepy.HTTPException) -> bool:
    return "duplicate content" in str(_problem(error).get("detail", "")).lower()


def _reply_error(error: tweepy.HTTPException, action: str) -> ConnectorError:
    status = error.response.status_code
    problem = _problem(error)
    detail = str(problem.get("detail") or problem.get("title") or _one_line(error))
    message = f"X would not {action} ({status}): {detail}"
    credits = "credits" in str(problem.get("type", "")) or problem.get("title") == "CreditsDepleted"
    if status == 402 or credits:
        return ConnectorError(message, how_to_fix=CREDITS_HELP)
    if isinstance(error, tweepy.TooManyRequests):
        return TransientConnectorError(message, retry_after=_seconds_until_reset(error))
    if isinstance(error, tweepy.Unauthorized):
        return ConnectorError(message, how_to_fix=REPLY_CREDENTIALS_HELP)
    if isinstance(error, tweepy.Forbidden):
        if _is_duplicate_content(error):
            return ConnectorError(
                message,
                how_to_fix="X refuses the same text twice from one account. Reword the reply, or if it is "
                "already on X, mark the item as handled elsewhere with its link.",
            )
        return ConnectorError(message, how_to_fix=REPLY_FORBIDDEN_HELP)
    if isinstance(error, tweepy.NotFound):
        return ConnectorError(message, how_to_fix=REPLY_GONE_HELP)
    if isinstance(error, tweepy.TwitterServerError) or status in (408, 409, 425):
        return TransientConnectorError(message)
    if isinstance(error, tweepy.BadRequest):
        return ConnectorError(message, how_to_fix=REPLY_GONE_HELP)
    return ConnectorError(message, how_to_fix="X answered with an unexpected error; see the message.")
