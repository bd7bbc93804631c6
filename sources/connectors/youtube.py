"""YouTube (Data API v3, through google-api-python-client): comment threads on the hospital's own channel,
and keyword search for videos that mention a tracked hospital, with those videos' comment threads.

Config keys (the source's `config`; `client_secret` and `refresh_token` are kept encrypted):
- `client_id`, `client_secret` (required): an OAuth client of the Google Cloud project with the YouTube Data
  API v3 enabled.
- `refresh_token` (required): issued when the hospital's channel owner authorized that client for
  `https://www.googleapis.com/auth/youtube.force-ssl` (reading comments and posting replies).
- `channel_id` (optional): the hospital's own channel, "UC…". Its comment threads are read for the hospital
  named by `hospital_key`, and replies are looked up by it.
- `hospital_key` (required with `channel_id`): the tracked hospital the channel belongs to, e.g.
  "hospital:riverside".
- `search` (optional, default true): search videos for every tracked hospital's terms.
- `search_interval_minutes` (optional, default 180): how often a hospital's search runs. A search costs 100
  quota units, against 1 for a list call: the interval is what keeps a day of polling inside the quota.
- `watch_days` (optional, default 7): how long a video found by search keeps having its comments re-read.
- `daily_quota_units` (optional, default 10,000): the Google Cloud project's daily quota. The cost governor
  (sources/services/costs.py) counts every call's units against it (search.list 100, commentThreads.list,
  comments.list and channels.list 1, comments.insert and commentThreads.insert 50), for all the sources whose
  OAuth client belongs to the same project, and slows and then stops polling before YouTube answers
  `quotaExceeded`. The day resets at midnight Pacific time.
- `reply_reserve_units` (optional, default 500): units polling leaves untouched each day, so replies from the
  queue (50 each) still fit; a reply the remaining quota cannot cover is refused, not sent.

Queries (plan_queries): "<hospital>#channel" for the configured hospital when `channel_id` is set, and
"<hospital>#search" for every hospital with searchable terms when `search` is on. Terms limited to a
language or region come in a query of their own ("<hospital>#lang:es,region:MX#search"), whose search sends
`relevanceLanguage` and `regionCode`; the channel is read once, with the hospital's first query.

Cursors:
- channel: threads come newest first. Between polls `{"newest": <publishedAt of the newest stored thread>}`;
  within a poll also `"poll": {"page_token", "newest"}`, so a crash resumes at the next page and the marker
  only moves once the poll's last page is stored.
- search: `{"searched_at": <start of the last finished search>, "videos": {id: {"title", "found_at"}},
  "queue": [video ids whose threads are still to read]}`, plus `"search": {"page_token", "started_at",
  "pages"}` while a search is paging. Each fetch makes one call: a search page, or one queued video's threads.

Items are the platform's resources plus a few annotations: a Comment (`kind` "youtube#comment") with
`thread_id`, `video_title`, `hospital_name` and `total_reply_count`; a search result (`kind`
"youtube#searchResult").
"""

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import google.auth.exceptions
import google.auth.transport.requests
import googleapiclient.discovery
import googleapiclient.errors
import httplib2
import requests
from google.oauth2.credentials import Credentials

from sources.connectors import fields
from sources.connectors.base import (
    Connector,
    ConnectorError,
    CoverageGap,
    DailyQuotaExceeded,
    FetchResult,
    MentionData,
    NormalizationError,
    SentReply,
    SourceQuery,
    TransientConnectorError,
)

# Google's token endpoint transport and the hospital-name title are shared with the reviews connector.
from sources.connectors.google_reviews import _SingleAttemptTokenRequest, review_hospital_name

logger = logging.getLogger(__name__)

TOKEN_URI = "https://oauth2.googleapis.com/token"
SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"
TIMEOUT_SECONDS = 30
# The quota costs of the calls made here (developers.google.com/youtube/v3/determine_quota_cost).
SEARCH_UNITS = 100
LIST_UNITS = 1
INSERT_UNITS = 50
DEFAULT_DAILY_QUOTA_UNITS = 10_000
# YouTube's daily quota resets at midnight Pacific time.
QUOTA_TIMEZONE = ZoneInfo("America/Los_Angeles")
THREAD_PAGE_SIZE = 100  # commentThreads.list maximum
SEARCH_PAGE_SIZE = 50  # search.list maximum
# One search reads at most this many pages (50 videos each); more is reported as a coverage gap.
MAX_SEARCH_PAGES = 2
MAX_WATCHED_VIDEOS = 50
DEFAULT_SEARCH_INTERVAL = 180
DEFAULT_WATCH_DAYS = 7
FIRST_SEARCH_DAYS = 7
DEFAULT_RETRY_AFTER = 60.0
CHANNEL_SUFFIX = "#channel"
SEARCH_SUFFIX = "#search"
VIDEO_PREFIX = "video:"
REPLY_LOOKUP_PAGES = 3

_CHANNEL_ID = re.compile(r"UC[A-Za-z0-9_-]{22}")
_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_COMMENT_ID = re.compile(r"[A-Za-z0-9_-]{10,}(\.[A-Za-z0-9_-]+)?")

REAUTHORIZE_FIX = (
    "Authorize HospitalListen again while signed in as the channel's owner (for example in the OAuth 2.0 "
    "Playground with your own client id and secret, scope https://www.googleapis.com/auth/youtube.force-ssl) "
    "and paste the new refresh token on the source's settings. Refresh tokens stop working when access is "
    "revoked at https://myaccount.google.com/permissions, after six months unused, and after 7 days while "
    "the OAuth consent screen is in 'Testing' (publish it 'In production')."
)
ACCESS_FIX = (
    "In Google Cloud Console → APIs & Services, enable the 'YouTube Data API v3' for the project of this "
    "OAuth client, and authorize with the scope https://www.googleapis.com/auth/youtube.force-ssl while "
    "signed in as the channel's owner (or a manager of its Brand Account)."
)
QUOTA_FIX = (
    "YouTube's daily quota for this Google Cloud project is used up; polling resumes after midnight Pacific "
    "time. Lower the number of searches (search_interval_minutes), or ask Google for more quota (YouTube API "
    "Services → Audit and Quota Extension form)."
)
CHANNEL_FIX = "Check channel_id on the source's settings: it is the 'UC…' id in the channel's address."


class _RequestsHttp:
    """The httplib2.Http interface google-api-python-client calls, served by a google-auth AuthorizedSession
    (requests): one transport for the token refresh and the API, with a timeout, that tests replay at the
    HTTP layer with recorded exchanges."""

    def __init__(self, session: requests.Session):
        self.session = session

    def request(self, uri: str, method: str = "GET", body: Any = None, headers: Any = None, **_: Any):
        response = self.session.request(method, uri, data=body, headers=headers, timeout=TIMEOUT_SECONDS)
        info = {key.lower(): value for key, value in response.headers.items()}
        info["status"] = str(response.status_code)
        result = httplib2.Response(info)
        result.reason = response.reason or ""
        return result, response.content


def utc_now() -> datetime:
    return datetime.now(tz=UTC)


def next_quota_reset(now: datetime) -> datetime:
    """The next midnight in Pacific time, when YouTube's daily quota starts again."""
    local = now.astimezone(QUOTA_TIMEZONE)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=QUOTA_TIMEZONE)
    return midnight.astimezone(UTC)


def _setting(config: Mapping[str, Any], key: str) -> str:
    value = config.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConnectorError(
            f"YouTube source is missing '{key}'",
            how_to_fix=f"Fill in '{key}' on the source's settings; docs/sources/youtube.md says where each "
            "value comes from.",
        )
    return value.strip()


def _positive_int(config: Mapping[str, Any], key: str, default: int) -> int:
    value = config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConnectorError(
            f"YouTube source setting '{key}' must be a whole number above 0, got {value!r:.40}",
            how_to_fix=f"Set {key} to a whole number such as {default}, or remove it.",
        )
    return value


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error_reason(error: googleapiclient.errors.HttpError) -> tuple[str, str]:
    """YouTube's error reason (quotaExceeded, commentsDisabled…) and message."""
    try:
        body = json.loads(error.content)
        problem = body["error"]
        details = problem.get("errors") or [{}]
        return str(details[0].get("reason") or ""), str(problem.get("message") or "")
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return "", str(getattr(error.resp, "reason", "") or "")


def _http_error(error: googleapiclient.errors.HttpError, action: str) -> ConnectorError:
    status = int(error.resp.status)
    reason, message = _error_reason(error)
    said = f"YouTube would not {action} ({status} {reason}: {message})".replace(" : ", ": ")
    if reason in {"quotaExceeded", "dailyLimitExceeded"}:
        wait = (next_quota_reset(utc_now()) - utc_now()).total_seconds()
        return DailyQuotaExceeded(said, retry_after=max(wait, 1.0), how_to_fix=QUOTA_FIX)
    if status == 429 or reason in {"rateLimitExceeded", "userRateLimitExceeded"}:
        retry_after = error.resp.get("retry-after")
        try:
            wait = max(float(retry_after), 1.0) if retry_after else DEFAULT_RETRY_AFTER
        except ValueError:
            wait = DEFAULT_RETRY_AFTER
        return TransientConnectorError(said, retry_after=wait)
    if status >= 500:
        return TransientConnectorError(said)
    if status == 401:
        return ConnectorError(said, how_to_fix=REAUTHORIZE_FIX)
    if status == 403:
        return ConnectorError(said, how_to_fix=ACCESS_FIX)
    if status == 404:
        return ConnectorError(said, how_to_fix=CHANNEL_FIX)
    return ConnectorError(said, how_to_fix="YouTube rejected the request; see the message.")


def _refresh_error(error: google.auth.exceptions.RefreshError) -> ConnectorError:
    details = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], dict) else {}
    if str(details.get("error") or "") in {"invalid_client", "unauthorized_client"}:
        return ConnectorError(
            f"Google refused the OAuth client: {error}",
            how_to_fix="Check the OAuth client id and secret in Google Cloud Console → APIs & Services → "
            "Credentials; the refresh token must have been issued to that same client.",
        )
    return ConnectorError(f"Google would not refresh the access token: {error}", how_to_fix=REAUTHORIZE_FIX)


def search_text(terms: tuple[str, ...]) -> str:
    """YouTube's `q` for a hospital: any of its terms' phrases ("|" is YouTube's OR). Co-terms and
    exclusions are applied by the term matcher to what comes back."""
    phrases: dict[str, str] = {}
    for query in fields.search_queries(terms):
        for phrase in query.positive_phrases():
            phrases.setdefault(phrase.casefold(), phrase)
    return "|".join(f'"{phrase}"' for phrase in phrases.values())


def youtube_relevance_language(language: str, region: str = "") -> str:
    """search.list's relevanceLanguage: an ISO 639-1 code, except that Chinese is "zh-Hans" or "zh-Hant"."""
    if language == "zh":
        return "zh-Hant" if region in {"TW", "HK", "MO"} else "zh-Hans"
    return language


class YouTubeConnector(Connector):
    kind = "youtube"
    # search.list's relevanceLanguage and regionCode: a ranking preference and "viewable in", not filters.
    # Comments carry no language, so videos and comments in other languages still come through.
    query_filters = frozenset({"language", "region"})

    def __init__(self, config: Mapping[str, Any]):
        super().__init__(config)
        self.channel_id = str(config.get("channel_id") or "").strip()
        if self.channel_id and not _CHANNEL_ID.fullmatch(self.channel_id):
            raise ConnectorError(
                f"YouTube source setting 'channel_id' is not a channel id: {self.channel_id!r:.40}",
                how_to_fix=CHANNEL_FIX,
            )
        self.hospital_key = _setting(config, "hospital_key") if self.channel_id else ""
        self._channel_query_key = ""
        self.search = config.get("search", True) is not False
        self.search_interval = timedelta(
            minutes=_positive_int(config, "search_interval_minutes", DEFAULT_SEARCH_INTERVAL)
        )
        self.watch_for = timedelta(days=_positive_int(config, "watch_days", DEFAULT_WATCH_DAYS))
        self._credentials = Credentials(
            token=None,
            refresh_token=_setting(config, "refresh_token"),
            client_id=_setting(config, "client_id"),
            client_secret=_setting(config, "client_secret"),
            token_uri=TOKEN_URI,
            scopes=[SCOPE],
        )
        session = google.auth.transport.requests.AuthorizedSession(
            self._credentials,
            auth_request=_SingleAttemptTokenRequest(requests.Session()),
            max_refresh_attempts=1,
        )
        # The discovery document ships inside the package (static_discovery): building makes no request.
        self.youtube = googleapiclient.discovery.build(
            "youtube", "v3", http=_RequestsHttp(session), static_discovery=True, cache_discovery=False
        )

    def plan_queries(self, query: SourceQuery) -> list[SourceQuery]:
        parts = []
        # The channel is read whole whatever the terms' language: with the hospital's first query only.
        if self.channel_id and query.hospital_key == self.hospital_key:
            self._channel_query_key = self._channel_query_key or query.key
            if query.key == self._channel_query_key:
                parts.append(
                    replace(query, key=f"{self.hospital_key}{CHANNEL_SUFFIX}", language="", region="")
                )
        if self.search and search_text(query.terms):
            parts.append(replace(query, key=f"{query.key}{SEARCH_SUFFIX}"))
        return parts

    def fetch(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        if query.key.endswith(CHANNEL_SUFFIX):
            return self._fetch_channel(query, cursor)
        if query.key.endswith(SEARCH_SUFFIX):
            return self._fetch_search(query, cursor)
        raise ConnectorError(
            f"The query {query.key!r} is neither a channel nor a search query",
            how_to_fix="Fetch the queries YouTubeConnector.plan_queries returns.",
        )

    def next_fetch_quota_units(self, query: SourceQuery, cursor: Mapping[str, Any]) -> int:
        """A search page costs 100 units; every other fetch is one list call (1), or none for a search
        that is not due yet."""
        if query.key.endswith(SEARCH_SUFFIX):
            state = _SearchState.read(cursor)
            if state.queue:
                return LIST_UNITS
            return 0 if self._search_not_due(state, utc_now()) else SEARCH_UNITS
        return LIST_UNITS

    @classmethod
    def reply_quota_units(cls, *, look_first: bool) -> int:
        """comments.insert (or commentThreads.insert) costs 50; the look for an earlier reply reads up to
        REPLY_LOOKUP_PAGES list pages first."""
        return INSERT_UNITS + (REPLY_LOOKUP_PAGES * LIST_UNITS if look_first else 0)

    def check_connection(self, query: SourceQuery) -> str:
        """channels.list for the authorized account (1 quota unit): proves the token, scope and API."""
        response, _ = self._execute(
            self.youtube.channels().list(part="id,snippet", mine=True), "read", units=LIST_UNITS
        )
        channels = [item for item in response.get("items") or [] if isinstance(item, dict)]
        if not channels:
            return "YouTube answered, but the authorized Google account has no channel; nothing stored."
        names = ", ".join(str((c.get("snippet") or {}).get("title") or c.get("id")) for c in channels)
        note = ""
        if self.channel_id and self.channel_id not in {c.get("id") for c in channels}:
            note = f" The configured channel {self.channel_id} is not one of them: replies will fail."
        return f"YouTube answered: authorized as {names} (1 quota unit), nothing stored.{note}"

    # Reading

    def _fetch_channel(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        settled = _time(cursor.get("newest"))
        poll = cursor.get("poll") if isinstance(cursor.get("poll"), Mapping) else {}
        page_token = poll.get("page_token")
        pending = _time(poll.get("newest")) or settled
        params: dict[str, Any] = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": self.channel_id,
            "maxResults": THREAD_PAGE_SIZE,
            "order": "time",
            "textFormat": "plainText",
        }
        if page_token:
            params["pageToken"] = page_token
        try:
            response, calls = self._execute(
                self.youtube.commentThreads().list(**params), "list the comments", units=LIST_UNITS
            )
        except _SkippableVideo:
            # The channel turned comments off: nothing to read, which is not a failure of the source.
            return FetchResult(items=[], next_cursor=_channel_cursor(settled))
        except ConnectorError as error:
            if page_token and "invalidPageToken" in str(error):
                # The interrupted poll's page token expired: start again from the newest thread; what its
                # stored pages gave comes again and the unique constraint absorbs it.
                return FetchResult(items=[], next_cursor=_channel_cursor(settled), has_more=True)
            raise
        hospital_name = review_hospital_name(query.terms)
        items: list[dict[str, Any]] = []
        reached_settled = False
        threads = response.get("items") or []
        for thread in threads:
            if not isinstance(thread, dict):
                continue
            published = _thread_time(thread)
            if published is not None and settled is not None and published < settled:
                reached_settled = True
                break
            if published is not None and (pending is None or published > pending):
                pending = published
            items.extend(_thread_items(thread, video_title="", hospital_name=hospital_name))
        following = response.get("nextPageToken")
        if reached_settled or not threads or not following:
            next_cursor = _channel_cursor(pending)
            has_more = False
        else:
            next_cursor = {
                **_channel_cursor(settled),
                "poll": {"page_token": following, **_channel_cursor(pending)},
            }
            has_more = True
        return FetchResult(
            items=items, next_cursor=next_cursor, has_more=has_more, api_calls=calls
        )

    def _fetch_search(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        now = utc_now()
        state = _SearchState.read(cursor)
        if state.queue:
            return self._fetch_video_threads(query, state)
        if self._search_not_due(state, now):
            # No call, no quota spent.
            return FetchResult(items=[], next_cursor=dict(cursor), api_calls=0)
        return self._search_page(query, state, _time(cursor.get("searched_at")), now)

    def _search_not_due(self, state: "_SearchState", now: datetime) -> bool:
        searched_at = _time(state.cursor.get("searched_at"))
        return state.search is None and searched_at is not None and now - searched_at < self.search_interval

    def _search_page(
        self, query: SourceQuery, state: "_SearchState", searched_at: datetime | None, now: datetime
    ) -> FetchResult:
        search = state.search or {"started_at": now.isoformat(), "pages": 0}
        started_at = _time(search["started_at"]) or now
        published_after = searched_at or started_at - timedelta(days=FIRST_SEARCH_DAYS)
        params: dict[str, Any] = {
            "part": "snippet",
            "type": "video",
            "q": search_text(query.terms),
            "order": "date",
            "publishedAfter": _rfc3339(published_after),
            "maxResults": SEARCH_PAGE_SIZE,
        }
        if query.language:
            params["relevanceLanguage"] = youtube_relevance_language(query.language, query.region)
        if query.region:
            params["regionCode"] = query.region
        if search.get("page_token"):
            params["pageToken"] = search["page_token"]
        response, calls = self._execute(
            self.youtube.search().list(**params), "search videos", units=SEARCH_UNITS
        )
        items = []
        for result in response.get("items") or []:
            if not isinstance(result, dict):
                continue
            items.append(dict(result))
            video_id = (result.get("id") or {}).get("videoId") if isinstance(result.get("id"), dict) else None
            title = (
                (result.get("snippet") or {}).get("title") if isinstance(result.get("snippet"), dict) else ""
            )
            if isinstance(video_id, str) and _VIDEO_ID.fullmatch(video_id):
                state.watch(video_id, str(title or ""), now)
        pages = int(search.get("pages") or 0) + 1
        following = response.get("nextPageToken")
        gaps: tuple[CoverageGap, ...] = ()
        if following and pages < MAX_SEARCH_PAGES:
            state.search = {"page_token": following, "started_at": started_at.isoformat(), "pages": pages}
            searched = searched_at
        else:
            if following:
                gaps = (
                    CoverageGap(
                        start=published_after,
                        end=started_at,
                        reason=f"YouTube search for {query.key} found more videos than the "
                        f"{MAX_SEARCH_PAGES * SEARCH_PAGE_SIZE} read per search; older ones may be missing.",
                    ),
                )
            state.search = None
            searched = started_at
            # The search is done: read the threads of every video still watched, new and earlier ones.
            state.queue = state.fresh_videos(now, self.watch_for)
        return FetchResult(
            items=items,
            next_cursor=state.as_cursor(searched),
            has_more=bool(state.search or state.queue),
            api_calls=calls,
            coverage_gaps=gaps,
        )

    def _fetch_video_threads(self, query: SourceQuery, state: "_SearchState") -> FetchResult:
        video_id = state.queue.pop(0)
        title = state.videos.get(video_id, {}).get("title", "")
        params = {
            "part": "snippet,replies",
            "videoId": video_id,
            "maxResults": THREAD_PAGE_SIZE,
            "order": "time",
            "textFormat": "plainText",
        }
        next_cursor = state.as_cursor(_time(state.cursor.get("searched_at")))
        try:
            response, calls = self._execute(
                self.youtube.commentThreads().list(**params), "list the comments", units=LIST_UNITS
            )
        except _SkippableVideo as skipped:
            # Comments turned off, or the video was removed: nothing to read there, and no reason to stop.
            logger.info("youtube: skipping the comments of video %s: %s", video_id, skipped)
            state.forget(video_id)
            return FetchResult(
                items=[],
                next_cursor=state.as_cursor(_time(state.cursor.get("searched_at"))),
                has_more=bool(state.queue),
            )
        items = []
        for thread in response.get("items") or []:
            if isinstance(thread, dict):
                items.extend(_thread_items(thread, video_title=title, hospital_name=""))
        return FetchResult(
            items=items,
            next_cursor=next_cursor,
            has_more=bool(state.queue),
            api_calls=calls,
        )

    def _execute(self, request: Any, action: str, *, units: int) -> tuple[dict[str, Any], int]:
        """Run one API request that costs `units` of the daily quota; returns its JSON object and how many
        HTTP calls it took (2 when the access token had to be fetched first). Raises ConnectorError."""
        token_before = self._credentials.token
        try:
            response = request.execute(num_retries=0)
        except googleapiclient.errors.HttpError as error:
            # YouTube charges for a request it answered, errors included; counting the full cost keeps the
            # local count at or above Google's.
            self.quota_units_used += units
            reason, _ = _error_reason(error)
            if reason in {"commentsDisabled", "videoNotFound"}:
                raise _SkippableVideo(reason) from error
            raise _http_error(error, action) from error
        except google.auth.exceptions.RefreshError as error:
            raise _refresh_error(error) from error
        except google.auth.exceptions.TransportError as error:
            raise TransientConnectorError(f"Could not reach Google's token endpoint: {error}") from error
        except requests.RequestException as error:
            # The request may have reached YouTube before the connection failed.
            self.quota_units_used += units
            raise TransientConnectorError(f"Could not reach YouTube to {action}: {error}") from error
        self.quota_units_used += units
        if not isinstance(response, dict):
            raise TransientConnectorError(f"YouTube answered '{action}' with something other than an object")
        return response, 1 if self._credentials.token == token_before else 2

    def normalize(self, raw: Mapping[str, Any]) -> MentionData:
        kind = raw.get("kind")
        if kind == "youtube#comment":
            return _normalize_comment(raw)
        if kind == "youtube#searchResult":
            return _normalize_video(raw)
        raise NormalizationError(
            f"field 'kind' must be youtube#comment or youtube#searchResult, got {kind!r:.40}"
        )

    # Replies (triage/services/replies.py). comments.insert and commentThreads.insert cost 50 quota units.

    def send_reply(self, *, parent_external_id: str, text: str) -> SentReply:
        """Post `text` as the authorized channel: a reply in the comment's thread, or a new comment on a
        video found by search. YouTube takes no idempotency key; a retry calls find_existing_reply first.
        Raises ConnectorError."""
        video_id, parent = _reply_target(parent_external_id)
        if video_id:
            request = self.youtube.commentThreads().insert(
                part="snippet",
                body={
                    "snippet": {"videoId": video_id, "topLevelComment": {"snippet": {"textOriginal": text}}}
                },
            )
        else:
            request = self.youtube.comments().insert(
                part="snippet", body={"snippet": {"parentId": parent, "textOriginal": text}}
            )
        try:
            response, _ = self._execute(request, "post the reply", units=INSERT_UNITS)
        except _SkippableVideo as skipped:
            raise ConnectorError(
                f"YouTube would not post the reply: {skipped}",
                how_to_fix="Comments are turned off or the video is gone. Reply another way and mark the "
                "item as handled elsewhere.",
            ) from skipped
        comment = response.get("snippet", {}).get("topLevelComment") if video_id else response
        comment_id = comment.get("id") if isinstance(comment, Mapping) else None
        if not isinstance(comment_id, str) or not comment_id:
            raise TransientConnectorError(
                f"YouTube answered the reply without a comment id: {response!r:.200}"
            )
        return SentReply(platform_reply_id=comment_id, url=_comment_url(comment, video_id))

    def find_existing_reply(self, *, parent_external_id: str, text: str) -> SentReply | None:
        """The channel's earlier reply with this text under the same comment (or on the same video)."""
        video_id, parent = _reply_target(parent_external_id)
        wanted = " ".join(text.split())
        page_token = None
        for _ in range(REPLY_LOOKUP_PAGES):
            if video_id:
                params = {"part": "snippet", "videoId": video_id, "maxResults": 100, "order": "time"}
                request = self.youtube.commentThreads().list(
                    textFormat="plainText", **params, **_page(page_token)
                )
            else:
                params = {"part": "snippet", "parentId": parent, "maxResults": 100}
                request = self.youtube.comments().list(textFormat="plainText", **params, **_page(page_token))
            response, _ = self._execute(request, "look for an earlier reply", units=LIST_UNITS)
            for item in response.get("items") or []:
                comment = (item.get("snippet") or {}).get("topLevelComment") if video_id else item
                if not isinstance(comment, Mapping):
                    continue
                snippet = comment.get("snippet") or {}
                author = (snippet.get("authorChannelId") or {}).get("value")
                said = " ".join(str(snippet.get("textOriginal") or snippet.get("textDisplay") or "").split())
                if said == wanted and (not self.channel_id or author == self.channel_id):
                    return SentReply(
                        platform_reply_id=str(comment["id"]), url=_comment_url(comment, video_id)
                    )
            page_token = response.get("nextPageToken")
            if not page_token:
                return None
        return None


class _SkippableVideo(ConnectorError):
    """A video whose comments cannot be read (turned off, or the video is gone): skipped, not a failure."""


def _page(token: str | None) -> dict[str, str]:
    return {"pageToken": token} if token else {}


def _reply_target(external_id: str) -> tuple[str, str]:
    """(video id, "") for a video found by search, ("", top-level comment id) for a comment. YouTube threads
    are one level deep, so a reply to a reply goes under its top-level comment (the id before the dot)."""
    if isinstance(external_id, str) and external_id.startswith(VIDEO_PREFIX):
        video_id = external_id.removeprefix(VIDEO_PREFIX)
        if _VIDEO_ID.fullmatch(video_id):
            return video_id, ""
    elif isinstance(external_id, str) and _COMMENT_ID.fullmatch(external_id):
        return "", external_id.split(".")[0]
    raise ConnectorError(
        f"{external_id!r:.40} is not a YouTube comment or video id, so there is nothing to reply to.",
        how_to_fix="Reply on YouTube yourself and mark the item as handled elsewhere.",
    )


def _comment_url(comment: Mapping[str, Any], video_id: str = "") -> str:
    snippet = comment.get("snippet") or {}
    video = video_id or snippet.get("videoId")
    if video:
        return f"https://www.youtube.com/watch?v={video}&lc={comment.get('id')}"
    channel = snippet.get("channelId")
    return f"https://www.youtube.com/channel/{channel}" if channel else "https://www.youtube.com/"


def _channel_cursor(newest: datetime | None) -> dict[str, str]:
    return {"newest": newest.isoformat()} if newest else {}


def _thread_time(thread: Mapping[str, Any]) -> datetime | None:
    snippet = thread.get("snippet") if isinstance(thread.get("snippet"), Mapping) else {}
    top = snippet.get("topLevelComment") if isinstance(snippet.get("topLevelComment"), Mapping) else {}
    top_snippet = top.get("snippet") if isinstance(top.get("snippet"), Mapping) else {}
    return _time(top_snippet.get("publishedAt"))


def _thread_items(thread: Mapping[str, Any], *, video_title: str, hospital_name: str) -> list[dict[str, Any]]:
    """A thread's top-level comment and the replies YouTube included, each annotated for normalize. A thread
    in an unexpected shape is passed on as is, for normalize to reject and keep."""
    snippet = thread.get("snippet")
    if not isinstance(snippet, Mapping) or not isinstance(snippet.get("topLevelComment"), Mapping):
        return [dict(thread)]
    annotations = {"thread_id": thread.get("id"), "video_title": video_title, "hospital_name": hospital_name}
    top = {**snippet["topLevelComment"], **annotations, "total_reply_count": snippet.get("totalReplyCount")}
    replies = (
        (thread.get("replies") or {}).get("comments") if isinstance(thread.get("replies"), Mapping) else []
    )
    return [top, *({**reply, **annotations} for reply in replies or [] if isinstance(reply, Mapping))]


def _normalize_comment(raw: Mapping[str, Any]) -> MentionData:
    comment_id = fields.required_str(raw, "id")
    if not _COMMENT_ID.fullmatch(comment_id):
        raise NormalizationError(f"field 'id' is not a YouTube comment id: {comment_id!r:.40}")
    snippet = raw.get("snippet")
    if not isinstance(snippet, Mapping):
        raise NormalizationError("field 'snippet' must be an object")
    text = fields.optional_str(snippet, "textOriginal") or fields.required_str(snippet, "textDisplay")
    author = fields.optional_str(snippet, "authorDisplayName")
    video_title = fields.optional_str(raw, "video_title")
    hospital_name = fields.optional_str(raw, "hospital_name")
    if video_title:
        title = video_title
    elif hospital_name:
        title = f"YouTube comment on {hospital_name}'s channel"
    else:
        title = "YouTube comment"
    author_channel = snippet.get("authorChannelId")
    return MentionData(
        platform="youtube",
        external_id=comment_id,
        text=text,
        title=title,
        posted_at=fields.timestamp(snippet, "publishedAt"),
        url=_comment_url(raw),
        author_handle=author,
        author_name=author,
        likes=fields.count(snippet, "likeCount"),
        replies=fields.count(raw, "total_reply_count"),
        raw=raw,
        extra={
            "video_id": fields.optional_str(snippet, "videoId"),
            "thread_id": fields.optional_str(raw, "thread_id"),
            # Replies name their top-level comment: the thread's parent.
            "parent_id": fields.optional_str(snippet, "parentId"),
            "is_reply": bool(snippet.get("parentId")),
            "author_channel_id": str(author_channel.get("value") or "")
            if isinstance(author_channel, Mapping)
            else "",
            "updated_at": fields.optional_str(snippet, "updatedAt"),
        },
    )


def _normalize_video(raw: Mapping[str, Any]) -> MentionData:
    identity = raw.get("id")
    video_id = fields.required_str(identity, "videoId") if isinstance(identity, Mapping) else ""
    if not _VIDEO_ID.fullmatch(video_id):
        raise NormalizationError(f"field 'id.videoId' is not a YouTube video id: {video_id!r:.40}")
    snippet = raw.get("snippet")
    if not isinstance(snippet, Mapping):
        raise NormalizationError("field 'snippet' must be an object")
    title = fields.required_str(snippet, "title")
    return MentionData(
        platform="youtube",
        external_id=f"{VIDEO_PREFIX}{video_id}",
        title=title,
        text=fields.optional_str(snippet, "description") or title,
        posted_at=fields.timestamp(snippet, "publishedAt"),
        url=f"https://www.youtube.com/watch?v={video_id}",
        author_handle=fields.optional_str(snippet, "channelId"),
        author_name=fields.optional_str(snippet, "channelTitle"),
        raw=raw,
        extra={"video_id": video_id, "kind": "video"},
    )


class _SearchState:
    """The search query's cursor while a fetch works on it."""

    def __init__(self, cursor: Mapping[str, Any]):
        self.cursor = cursor
        videos = cursor.get("videos")
        self.videos: dict[str, dict[str, str]] = dict(videos) if isinstance(videos, Mapping) else {}
        queue = cursor.get("queue")
        self.queue: list[str] = [v for v in queue if isinstance(v, str)] if isinstance(queue, list) else []
        search = cursor.get("search")
        self.search: dict[str, Any] | None = dict(search) if isinstance(search, Mapping) else None

    @classmethod
    def read(cls, cursor: Mapping[str, Any]) -> "_SearchState":
        return cls(cursor)

    def watch(self, video_id: str, title: str, now: datetime) -> None:
        self.videos.setdefault(video_id, {"title": title, "found_at": now.isoformat()})

    def forget(self, video_id: str) -> None:
        self.videos.pop(video_id, None)

    def fresh_videos(self, now: datetime, watch_for: timedelta) -> list[str]:
        fresh = {
            video_id: entry
            for video_id, entry in self.videos.items()
            if (found := _time(entry.get("found_at"))) is not None and now - found <= watch_for
        }
        newest = sorted(fresh, key=lambda video_id: fresh[video_id]["found_at"], reverse=True)
        self.videos = {video_id: fresh[video_id] for video_id in newest[:MAX_WATCHED_VIDEOS]}
        return list(self.videos)

    def as_cursor(self, searched_at: datetime | None) -> dict[str, Any]:
        cursor: dict[str, Any] = {"videos": self.videos, "queue": self.queue}
        if searched_at is not None:
            cursor["searched_at"] = searched_at.isoformat()
        if self.search:
            cursor["search"] = self.search
        return cursor
