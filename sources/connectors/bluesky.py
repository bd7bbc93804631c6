"""Bluesky post search (`app.bsky.feed.searchPosts`) through the atproto client and an app password.

Config keys (the source's `config`):
- `handle` (required): the Bluesky account the connector logs in as, e.g. "riverside-listening.bsky.social".
- `app_password` (required): an app password of that account (Settings → Privacy and security → App
  passwords).
- `service_url` (optional): where the account lives; default "https://bsky.social". Set it for a self-hosted
  PDS.
- `lang` (optional): a language code such as "en"; only posts in that language come back. A term limited
  to a language is searched with its own language instead (searchPosts `lang`). Bluesky search has no
  region filter: a term's region is not sent.
- `start_time` (optional): ISO 8601 date-time the first poll of a term reaches back to; default 7 days ago.

Bluesky search has no OR (the words of a query must all match), so `plan_queries` makes one query per term
(per side of a term's OR; tracking.query.bluesky_searches), keyed by a digest of the search so a term keeps
its cursor when others are added or removed. Exclusions are applied by the term matcher, not the search.

Cursor, one per term. Search returns the newest posts first, filtered by `since` (inclusive, compared with
`sortAt`: the earlier of a post's `createdAt` and `indexedAt`) and paged with an opaque `cursor`:
- between polls: `{"since": newest sortAt stored, "recent": {uri: sortAt}}`. A new poll asks from `since`
  minus LATE_INDEX_OVERLAP, so posts indexed a little late are still found, and `recent` (the posts stored in
  that overlap) keeps it from yielding them twice;
- within a poll: plus `page_cursor`, `query_since` (every page of a poll sends the same `since`),
  `poll_newest` and `page_uris` (the previous page: an offset cursor repeats posts when new ones arrive
  mid-poll). Only the last page moves `since`, so a crash between pages resumes at the stored page and
  skips nothing.
"""

import contextlib
import hashlib
import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from atproto_client import Client, Session, models
from atproto_client.exceptions import RateLimitExceededError, RequestErrorBase
from atproto_client.models.common import XrpcError
from atproto_client.request import Request, Response
from atproto_core.exceptions import AtProtocolError

from sources.connectors import fields
from sources.connectors.base import (
    Connector,
    ConnectorError,
    FetchResult,
    MentionData,
    NormalizationError,
    SourceQuery,
    TransientConnectorError,
)
from sources.connectors.fields import search_queries
from tracking.query import (
    And,
    Phrase,
    Query,
    QuerySyntaxError,
    bluesky_search_phrases,
    bluesky_searches,
    parse,
)

logger = logging.getLogger(__name__)

DEFAULT_SERVICE_URL = "https://bsky.social"
PAGE_SIZE = 100
# Bluesky documents no query length limit; this is far beyond any hospital's name and keeps requests small.
MAX_QUERY_LENGTH = 300
DEFAULT_LOOKBACK = timedelta(days=7)
# Posts reach the search index some time after they are created, and are placed by the earlier of the two
# times; a poll reaches back this far behind the newest post it has already stored.
LATE_INDEX_OVERLAP = timedelta(minutes=15)
REQUEST_TIMEOUT_SECONDS = 30
MAX_COUNT = 2_147_483_647

APP_PASSWORD_HELP = (
    "In Bluesky, open Settings → Privacy and security → App passwords → Add App Password, then paste the new "
    "password as app_password (and the account's handle as handle) in this source's settings."
)
MAIN_PASSWORD_HELP = (
    "Bluesky asked for an email sign-in code, which happens with the account's main password. Use an app "
    "password instead: " + APP_PASSWORD_HELP
)
ACCOUNT_HELP = (
    "The Bluesky account this source logs in with is suspended or deactivated. Log in to it on bsky.app to "
    "see why, or use another account's handle and app password."
)
SERVICE_HELP = (
    "The server at service_url does not serve Bluesky search. Remove service_url (to use bsky.social) or set "
    "it to the PDS that hosts the account."
)
QUERY_HELP = "Check the hospital's tracked terms: Bluesky rejected the search query built from one of them."

_POST_URI = re.compile(r"at://(?P<repo>[^/\s]+)/app\.bsky\.feed\.post/(?P<rkey>[A-Za-z0-9._:~-]{1,512})")
_HANDLE = re.compile(r"[A-Za-z0-9.-]{1,253}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")

# Exported sessions by account, shared by every connector in this process. Bluesky allows few logins
# (createSession: 30 per 5 minutes and 100 to 300 a day per account) and a new connector is made per poll,
# so polls reuse a session (refreshing it when due) rather than logging in each time.
_saved_sessions: dict[str, str] = {}
_saved_sessions_lock = threading.Lock()


def utc_now() -> datetime:
    return datetime.now(tz=UTC)


def bluesky_term(term: str) -> str:
    """A planned part's query (one Bluesky search, see plan_queries) as the search Bluesky receives."""
    try:
        searches = bluesky_searches(parse(term, max_length=None))
    except QuerySyntaxError as error:
        raise ConnectorError(
            f"Cannot search Bluesky for {term[:60]!r}: {error}", how_to_fix=QUERY_HELP
        ) from None
    if len(searches) != 1:
        raise ConnectorError(
            f"{term[:60]!r} is {len(searches)} Bluesky searches, not one; it should have been split by "
            "plan_queries.",
            how_to_fix="Poll the source again after updating HospitalListen.",
        )
    return searches[0]


def _search_parts(query: Query) -> list[tuple[str, str]]:
    """(cursor key, query-language text) of each Bluesky search that covers `query`. A single phrase keeps
    the key it has always had: the digest of its words."""
    parts = []
    for phrases in bluesky_search_phrases(query):
        if len(phrases) == 1:
            parts.append((term_key(phrases[0]), str(Query(Phrase(phrases[0])))))
        else:
            text = str(Query(And(tuple(Phrase(phrase) for phrase in phrases))))
            parts.append((term_key(text), text))
    return parts


def term_key(term: str) -> str:
    return hashlib.sha256(term.casefold().encode()).hexdigest()[:12]


def _bluesky_time(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _stored_time(cursor: Mapping[str, Any], key: str) -> datetime | None:
    value = cursor.get(key)
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _sort_at(post: Mapping[str, Any]) -> datetime | None:
    """Where search places a post: the earlier of its createdAt and indexedAt. None when unreadable."""
    record = post.get("record")
    times = []
    for holder, key in ((record, "createdAt"), (post, "indexedAt")):
        if isinstance(holder, Mapping):
            with contextlib.suppress(NormalizationError):
                times.append(fields.timestamp(holder, key))
    return min(times) if times else None


def _forget_session(key: str) -> None:
    with _saved_sessions_lock:
        _saved_sessions.pop(key, None)


def _remember_session(key: str, session: Session) -> None:
    with _saved_sessions_lock:
        _saved_sessions[key] = session.export()


def _xrpc_error_name(response: Response) -> str:
    """The XRPC error name of a failed request: "ExpiredToken", "AuthenticationRequired"…"""
    return response.content.error if isinstance(response.content, XrpcError) else ""


def _retry_after(error: RateLimitExceededError) -> float | None:
    if error.reset_at is not None:
        return max((error.reset_at - utc_now()).total_seconds(), 1.0)
    return error.retry_after


def _required_mapping(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key)
    if value is None:
        raise NormalizationError(f"missing required field '{key}'")
    if not isinstance(value, Mapping):
        raise NormalizationError(f"field '{key}' must be an object, got {type(value).__name__}")
    return value


def _within(parent: str, read: Any, raw: Mapping[str, Any], key: str) -> Any:
    """Read a nested field, naming its parent in the error."""
    try:
        return read(raw, key)
    except NormalizationError as error:
        raise NormalizationError(f"{parent}: {error}") from None


def _language(record: Mapping[str, Any]) -> str:
    langs = record.get("langs")
    if langs is None:
        return ""
    if not isinstance(langs, list) or not all(isinstance(lang, str) for lang in langs):
        raise NormalizationError("record: field 'langs' must be a list of language codes")
    return langs[0].strip() if langs else ""


def _new_posts(
    posts: list[Any], recent: dict[str, str], previous_page: set[str], poll_newest: datetime | None
) -> tuple[list[dict[str, Any]], list[str], datetime | None]:
    """The posts of a page not yielded before, the page's URIs and the newest sortAt of the poll so far.

    Adds the new posts that fall within the overlap behind the newest to `recent`.
    """
    items: list[dict[str, Any]] = []
    page_uris: list[str] = []
    for post in posts:
        if not isinstance(post, dict):
            logger.warning("Bluesky search returned a %s where a post belongs", type(post).__name__)
            continue
        uri = post.get("uri") if isinstance(post.get("uri"), str) else None
        if uri is not None:
            if uri in page_uris:
                continue
            page_uris.append(uri)
            if uri in recent or uri in previous_page:
                continue  # Stored already: in an earlier poll's overlap, or on the page before.
        items.append(post)
        sort_at = _sort_at(post)
        if uri is not None and sort_at is not None:
            poll_newest = max(poll_newest, sort_at) if poll_newest else sort_at
            if sort_at >= poll_newest - LATE_INDEX_OVERLAP:
                recent[uri] = sort_at.isoformat()
    return items, page_uris, poll_newest


class BlueskyConnector(Connector):
    kind = "bluesky"
    query_filters = frozenset({"language"})

    def __init__(self, config: Mapping[str, Any]):
        super().__init__(config)
        handle = config.get("handle")
        password = config.get("app_password")
        if not isinstance(handle, str) or not handle.strip():
            raise ConnectorError(
                "The Bluesky source has no handle to log in with.", how_to_fix=APP_PASSWORD_HELP
            )
        if not isinstance(password, str) or not password.strip():
            raise ConnectorError("The Bluesky source has no app password.", how_to_fix=APP_PASSWORD_HELP)
        self.handle = handle.strip().removeprefix("@")
        self.app_password = password.strip()
        service_url = config.get("service_url") or DEFAULT_SERVICE_URL
        if not isinstance(service_url, str) or not service_url.startswith(("https://", "http://")):
            raise ConnectorError(
                f"Bluesky source setting 'service_url' is not a URL: {service_url!r:.60}",
                how_to_fix=SERVICE_HELP,
            )
        self.service_url = service_url.rstrip("/")
        lang = config.get("lang") or ""
        if not isinstance(lang, str) or (lang and not _LANGUAGE.fullmatch(lang)):
            raise ConnectorError(
                f"Bluesky source setting 'lang' is not a language code: {lang!r:.40}",
                how_to_fix='Set lang to a language code such as "en", or remove it.',
            )
        self.lang = lang
        self.start_time = self._config_time("start_time")
        self._session_key = hashlib.sha256(
            f"{self.service_url}\n{self.handle}\n{self.app_password}".encode()
        ).hexdigest()
        self._client: Client | None = None

    def _config_time(self, key: str) -> datetime | None:
        if self.config.get(key) in (None, ""):
            return None
        try:
            return fields.timestamp(self.config, key)
        except NormalizationError as error:
            raise ConnectorError(
                f"Bluesky source setting {key!r} is not a date-time: {self.config.get(key)!r:.40}",
                how_to_fix=f"Set {key} to an ISO 8601 date-time such as 2026-05-01T00:00:00Z, or remove it.",
            ) from error

    def plan_queries(self, query: SourceQuery) -> list[SourceQuery]:
        """One search per term, or per side of a term's OR: Bluesky has no OR."""
        parts: dict[str, SourceQuery] = {}
        for term_query in search_queries(query.terms):
            for key, text in _search_parts(term_query):
                if len(bluesky_term(text)) > MAX_QUERY_LENGTH:
                    raise ConnectorError(
                        f"The tracked term {str(term_query)[:60]!r}… is too long for a Bluesky search "
                        f"({MAX_QUERY_LENGTH} characters at most).",
                        how_to_fix="Shorten that tracked term.",
                    )
                parts.setdefault(key, replace(query, key=f"{query.key}#{key}", terms=(text,)))
        return list(parts.values())

    def fetch(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        if len(query.terms) != 1:
            raise ConnectorError(
                f"Bluesky searches one term at a time, but {query.key} has {len(query.terms)}; the query "
                "should have been split by plan_queries.",
                how_to_fix="Poll the source again after updating HospitalListen.",
            )
        since = _stored_time(cursor, "since")
        page_cursor = cursor.get("page_cursor")
        if page_cursor:
            query_since = _stored_time(cursor, "query_since") or self._poll_since(since)
            poll_newest = _stored_time(cursor, "poll_newest")
            previous_page = set(cursor.get("page_uris") or ())
        else:
            query_since, poll_newest, previous_page = self._poll_since(since), since, set()

        response = self._search(
            models.AppBskyFeedSearchPosts.Params(
                q=bluesky_term(query.terms[0]),
                limit=PAGE_SIZE,
                sort="latest",
                since=_bluesky_time(query_since),
                cursor=page_cursor or None,
                lang=query.language or self.lang or None,
            )
        )
        posts = response.get("posts")
        if not isinstance(posts, list):
            raise TransientConnectorError("Bluesky search answered without a list of posts.")
        recent: dict[str, str] = dict(cursor.get("recent") or {})
        items, page_uris, poll_newest = _new_posts(posts, recent, previous_page, poll_newest)

        following = response.get("cursor")
        if following and posts:
            next_cursor: dict[str, Any] = {
                "recent": recent,
                "page_cursor": following,
                "query_since": query_since.isoformat(),
                "poll_newest": poll_newest.isoformat() if poll_newest else None,
                "page_uris": page_uris,
            }
            if since:
                next_cursor["since"] = since.isoformat()
        else:
            new_since = max(filter(None, (since, poll_newest)), default=query_since)
            floor = new_since - LATE_INDEX_OVERLAP
            next_cursor = {
                "since": new_since.isoformat(),
                "recent": {uri: at for uri, at in recent.items() if datetime.fromisoformat(at) >= floor},
            }
        return FetchResult(items=items, next_cursor=next_cursor, has_more=bool(following and posts))

    def _poll_since(self, since: datetime | None) -> datetime:
        """The `since` a new poll sends: the overlap behind the newest stored post, else the first start."""
        if since is not None:
            return since - LATE_INDEX_OVERLAP
        return self.start_time or utc_now() - DEFAULT_LOOKBACK

    def _logged_in_client(self) -> Client:
        if self._client is not None:
            return self._client
        client = Client(base_url=self.service_url, request=Request(timeout=REQUEST_TIMEOUT_SECONDS))
        key = self._session_key
        client.on_session_change(lambda _event, session: _remember_session(key, session))
        with _saved_sessions_lock:
            saved = _saved_sessions.get(key)
        try:
            if saved:
                client.login(session_string=saved, fetch_bsky_profile=False)
            else:
                client.login(self.handle, self.app_password, fetch_bsky_profile=False)
        except (AtProtocolError, httpx.HTTPError) as error:
            raise self._connector_error(error, logging_in=True) from error
        self._client = client
        return client

    def _search(self, params: models.AppBskyFeedSearchPosts.Params) -> Mapping[str, Any]:
        client = self._logged_in_client()
        try:
            # The raw JSON rather than the typed response: one post the models reject would fail the whole
            # page on every retry, and the stored payload should be what Bluesky sent.
            response = client.invoke_query(
                "app.bsky.feed.searchPosts", params=params, output_encoding="application/json"
            )
        except (AtProtocolError, httpx.HTTPError) as error:
            raise self._connector_error(error, logging_in=False) from error
        if not isinstance(response.content, dict):
            raise TransientConnectorError("Bluesky search answered with something other than a JSON object.")
        return response.content

    def _connector_error(self, error: Exception, *, logging_in: bool) -> ConnectorError:
        action = "log in to Bluesky" if logging_in else "search Bluesky"
        message = f"Could not {action}: {' '.join(str(error).split()) or type(error).__name__}"
        if isinstance(error, httpx.HTTPError):
            return TransientConnectorError(message)
        if not isinstance(error, RequestErrorBase):
            # The saved session could not be read or refreshed; a fresh login on the retry mends it.
            self._drop_session()
            return TransientConnectorError(message)
        if error.response is None:  # No answer: a timeout or a broken connection.
            return TransientConnectorError(message)
        status, name = error.response.status_code, _xrpc_error_name(error.response)
        if isinstance(error, RateLimitExceededError) or status == 429:
            retry_after = _retry_after(error) if isinstance(error, RateLimitExceededError) else None
            return TransientConnectorError(message, retry_after=retry_after)
        if name in ("ExpiredToken", "InvalidToken") and not logging_in:
            # The session ran out or was revoked; the retry logs in again, and fails for good if the app
            # password itself was revoked.
            self._drop_session()
            return TransientConnectorError(message)
        if name == "AuthFactorTokenRequired":
            return ConnectorError(message, how_to_fix=MAIN_PASSWORD_HELP)
        if name in ("AccountTakedown", "AccountDeactivated", "AccountSuspended"):
            self._drop_session()
            return ConnectorError(message, how_to_fix=ACCOUNT_HELP)
        if status in (401, 403) or (logging_in and status == 400):
            self._drop_session()
            return ConnectorError(message, how_to_fix=APP_PASSWORD_HELP)
        if status == 400:
            return ConnectorError(message, how_to_fix=QUERY_HELP)
        if status in (404, 501) or name in ("MethodNotImplemented", "XRPCNotSupported"):
            return ConnectorError(message, how_to_fix=SERVICE_HELP)
        if status >= 500 or status in (408, 409, 413):
            return TransientConnectorError(message)
        return ConnectorError(
            message, how_to_fix="Bluesky answered with an unexpected error; see the message."
        )

    def _drop_session(self) -> None:
        self._client = None
        _forget_session(self._session_key)

    def normalize(self, raw: Mapping[str, Any]) -> MentionData:
        uri = fields.required_str(raw, "uri")
        post_uri = _POST_URI.fullmatch(uri)
        if post_uri is None:
            raise NormalizationError(f"field 'uri' is not the at:// URI of a post: {uri!r:.80}")
        author = _required_mapping(raw, "author")
        did = _within("author", fields.required_str, author, "did")
        handle = _within("author", fields.optional_str, author, "handle")
        if handle and not _HANDLE.fullmatch(handle):
            raise NormalizationError(f"author: field 'handle' is not a Bluesky handle: {handle!r:.40}")
        record = _required_mapping(raw, "record")
        created_at = _within("record", fields.timestamp, record, "createdAt")
        indexed_at = fields.timestamp(raw, "indexedAt") if raw.get("indexedAt") not in (None, "") else None
        shares = fields.count(raw, "repostCount") + fields.count(raw, "quoteCount")
        profile = handle if handle and handle != "handle.invalid" else did
        return MentionData(
            platform="bluesky",
            external_id=uri,
            text=_within("record", fields.required_str, record, "text"),
            # Clients set createdAt, and some set it in the future; search orders by the earlier of the two.
            posted_at=min(created_at, indexed_at) if indexed_at else created_at,
            url=f"https://bsky.app/profile/{profile}/post/{post_uri['rkey']}",
            author_handle=handle,
            author_name=_within("author", fields.optional_str, author, "displayName"),
            language=_language(record),
            likes=fields.count(raw, "likeCount"),
            shares=min(shares, MAX_COUNT),
            replies=fields.count(raw, "replyCount"),
            raw=raw,
            extra={
                "cid": fields.optional_str(raw, "cid"),
                "author_did": did,
                "is_reply": isinstance(record.get("reply"), Mapping),
                "has_embed": raw.get("embed") is not None,
            },
        )
