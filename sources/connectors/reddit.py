"""Reddit: posts that name a hospital, found with Reddit's search, and those posts' comments that name it.

Config keys (the source's `config`):
- `client_id`, `client_secret` (required): a "script" app created at https://www.reddit.com/prefs/apps.
- `username`, `password` (optional, together): the Reddit account listed as the app's developer. Without them
  the connector signs in application-only (read-only), which is all that search needs. Posting replies from
  the queue (`send_reply`) needs them: replies are posted as that account.
- `user_agent` (optional): defaults to "python:hospitallisten:0.1 (social listening by <contact>)".
- `contact` (optional): who Reddit can reach about the traffic, e.g. "/u/riverside_comms" or an email address.
  Reddit blocks undescriptive user agents, so one of `user_agent`, `contact` or `username` is required.
- `subreddits` (optional): names to search, e.g. ["Springfield", "RiversideGeneral"]; empty searches all of
  Reddit.
- `first_poll_window` (optional): how far back the very first poll looks: "hour", "day", "week" (default),
  "month", "year" or "all".

Each fetch reads one page of search results (newest first) and, for each post not seen before, its comment
thread. The cursor is `{"newest_created_utc": <Unix seconds>, "recent_ids": {<fullname>: <created_utc>}}`:
the newest stored post and every stored post created up to LATE_INDEX_SECONDS before it. Reddit's search
index lags, so a post can show up after newer ones were stored; each poll therefore re-reads that window and
skips what `recent_ids` already holds (which also keeps posts created in the same second apart). While a
poll pages back through older results the cursor also holds `"poll"`: the listing's `after` fullname and the
marker the poll will leave behind, so a crash resumes at the next page and the marker only advances once
the poll's last page is stored.

Items are plain dicts of the fields Reddit's JSON listing gives for a post ("t3") or a comment ("t1"), plus
`kind`; a comment also carries its post's `link_title` and `link_permalink`.
"""

import logging
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import praw
import praw.exceptions
import prawcore
import requests
from praw.endpoints import API_PATH

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
from tracking.query import Phrase, Query, to_reddit

logger = logging.getLogger(__name__)

REDDIT_URL = "https://www.reddit.com"
# Reddit's /search documents `q` as "a string no longer than 512 characters".
MAX_QUERY_LENGTH = 512
# Each new post costs one more call for its comments; 25 posts keep a fetch at about 26 calls, which fits
# the task's time limit even when prawcore paces calls to stay under 100 a minute.
PAGE_SIZE = 25
COMMENTS_PER_POST = 500
LATE_INDEX_SECONDS = 900
# A connection check reads at most this many subreddits' about pages (one call each).
CHECK_SUBREDDITS = 5
# Reddit's `t` values and the spans they cover; "month" counts as 28 days so a short month never falls short.
TIME_FILTERS = (
    ("hour", 3_600),
    ("day", 86_400),
    ("week", 604_800),
    ("month", 2_419_200),
    ("year", 31_536_000),
)
FIRST_POLL_WINDOWS = ("hour", "day", "week", "month", "year", "all")
# Slack for clock skew between us and Reddit when choosing the smallest `t` that still covers the cursor.
TIME_FILTER_MARGIN_SECONDS = 600
DEFAULT_RETRY_AFTER = 60.0
SUBREDDIT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")
# The format Reddit's Data API wiki asks for: <platform>:<app ID>:<version> (by /u/<username>).
USER_AGENT = "python:hospitallisten:0.1 (social listening by {contact})"

CREDENTIALS_FIX = (
    "Check the app's client id and secret at https://www.reddit.com/prefs/apps (the id is the string under "
    "the app's name, the secret is labelled 'secret'); for a script app, also check that the username and "
    "password belong to an account listed as the app's developer. Then paste them on the source's settings."
)

# The fields of Reddit's listing JSON kept in each raw item.
POST_FIELDS = (
    "id",
    "name",
    "title",
    "selftext",
    "author",
    "author_fullname",
    "created_utc",
    "edited",
    "permalink",
    "url",
    "domain",
    "is_self",
    "score",
    "upvote_ratio",
    "num_comments",
    "num_crossposts",
    "subreddit",
    "subreddit_id",
    "subreddit_name_prefixed",
    "link_flair_text",
    "over_18",
    "spoiler",
    "locked",
    "stickied",
    "archived",
    "distinguished",
    "removed_by_category",
)
COMMENT_FIELDS = (
    "id",
    "name",
    "body",
    "author",
    "author_fullname",
    "created_utc",
    "edited",
    "permalink",
    "score",
    "controversiality",
    "link_id",
    "parent_id",
    "depth",
    "is_submitter",
    "subreddit",
    "subreddit_id",
    "subreddit_name_prefixed",
    "stickied",
    "distinguished",
)


def _now() -> float:
    return time.time()


@dataclass
class _Traffic:
    """What the HTTP layer saw during this connector's life: calls made and Reddit's rate-limit headers."""

    calls: int = 0
    remaining: float | None = None
    resets_at: float | None = None

    def note(self, headers: Mapping[str, str]) -> None:
        try:
            remaining = float(headers["x-ratelimit-remaining"])
            reset = float(headers["x-ratelimit-reset"])
        except (KeyError, TypeError, ValueError):
            return
        self.remaining = remaining
        self.resets_at = time.monotonic() + reset

    def seconds_until_reset(self) -> float:
        if self.resets_at is None:
            return DEFAULT_RETRY_AFTER
        return max(1.0, self.resets_at - time.monotonic())


class _SingleAttemptRequestor(prawcore.Requestor):
    """prawcore retries 5xx answers, dropped connections and 401s itself, sleeping between attempts. A fetch
    must do neither (the Celery task retries with backoff), so this requestor ends the call at the first such
    failure with a connector error, which prawcore lets through. It also counts calls and keeps Reddit's
    rate-limit headers, and it sees the token calls too."""

    def __init__(self, *args: Any, traffic: _Traffic, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.traffic = traffic

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        self.traffic.calls += 1
        try:
            response = super().request(*args, **kwargs)
        except prawcore.RequestException as error:
            raise TransientConnectorError(f"Could not reach Reddit: {error.original_exception}") from error
        self.traffic.note(response.headers)
        if response.status_code >= 500:
            raise TransientConnectorError(f"Reddit answered {response.status_code}: it is having trouble")
        if response.status_code == 401:
            raise ConnectorError(
                f"Reddit did not accept the app's credentials (401 {_reddit_reason(response)})".strip(),
                permanent=True,
                how_to_fix=CREDENTIALS_FIX,
            )
        return response


@dataclass
class _Marker:
    """The newest stored post and the stored posts created shortly before it."""

    newest: float | None = None
    recent: dict[str, float] = field(default_factory=dict)

    @classmethod
    def read(cls, cursor: Mapping[str, Any]) -> "_Marker":
        newest = cursor.get("newest_created_utc")
        recent = cursor.get("recent_ids") or {}
        try:
            return cls(
                newest=None if newest is None else float(newest),
                recent={str(name): float(created) for name, created in dict(recent).items()},
            )
        except (TypeError, ValueError):
            raise ConnectorError(
                f"The stored Reddit cursor is damaged: {dict(cursor)!r:.200}",
                permanent=True,
                how_to_fix="Delete the source's stored cursor so the next poll starts afresh.",
            ) from None

    def boundary(self) -> float | None:
        """Posts created before this were settled by earlier polls."""
        return None if self.newest is None else self.newest - LATE_INDEX_SECONDS

    def has(self, fullname: str) -> bool:
        return fullname in self.recent

    def including(self, posts: Sequence[tuple[str, float]]) -> "_Marker":
        times = [created for _, created in posts] + ([] if self.newest is None else [self.newest])
        if not times:
            return self
        newest = max(times)
        recent = {**self.recent, **dict(posts)}
        keep_from = newest - LATE_INDEX_SECONDS
        return _Marker(newest=newest, recent={name: at for name, at in recent.items() if at >= keep_from})

    def as_cursor(self) -> dict[str, Any]:
        if self.newest is None:
            return {}
        return {"newest_created_utc": self.newest, "recent_ids": dict(sorted(self.recent.items()))}


class RedditConnector(Connector):
    kind = "reddit"
    # Reddit's search has no language or country filter (query_filters stays empty): a hospital's terms
    # share one search whatever their language. Reddit reports no language for a post either, so the local
    # matcher cannot rule a post out by language: a term's language limit does not narrow Reddit.

    def __init__(self, config: Mapping[str, Any]):
        super().__init__(config)
        client_id = _required_setting(config, "client_id")
        client_secret = _required_setting(config, "client_secret")
        username = _optional_setting(config, "username")
        password = _optional_setting(config, "password")
        if bool(username) != bool(password):
            raise ConnectorError(
                "Reddit source has only one of username and password",
                permanent=True,
                how_to_fix="Fill in both the Reddit username and password of the app's developer account, or "
                "neither to search read-only.",
            )
        self.subreddits = _subreddits(config.get("subreddits"))
        self.first_poll_window = _optional_setting(config, "first_poll_window") or "week"
        if self.first_poll_window not in FIRST_POLL_WINDOWS:
            raise ConnectorError(
                f"Reddit source has an unknown first_poll_window {self.first_poll_window!r}",
                permanent=True,
                how_to_fix=f"Use one of {', '.join(FIRST_POLL_WINDOWS)}.",
            )
        self._traffic = _Traffic()
        credentials = {"username": username, "password": password} if username else {}
        self._reddit = praw.Reddit(
            client_id=client_id,
            client_secret=client_secret,
            user_agent=_user_agent(config, username),
            # Caps praw's own waits on RATELIMIT answers (to writes, which this connector never makes).
            # prawcore still paces calls to spread them over Reddit's window; a used-up window becomes a
            # TransientConnectorError in _require_budget instead of a sleep until the reset.
            ratelimit_seconds=5,
            check_for_updates=False,
            check_for_async=False,
            requestor_class=_SingleAttemptRequestor,
            requestor_kwargs={"traffic": self._traffic},
            **credentials,
        )

    def plan_queries(self, query: SourceQuery) -> list[SourceQuery]:
        """The terms' queries, OR'ed, in as few searches as fit Reddit's 512-character query limit."""
        groups: list[list[str]] = []
        for term in query.terms:
            if not _quoted(term):
                continue
            if len(_quoted(term)) > MAX_QUERY_LENGTH:
                raise ConnectorError(
                    f"The term {term[:60]!r}… is over Reddit's {MAX_QUERY_LENGTH}-character search limit",
                    permanent=True,
                    how_to_fix="Shorten the tracked term; Reddit cannot search for it as written.",
                )
            if groups and len(_search_string([*groups[-1], term])) <= MAX_QUERY_LENGTH:
                groups[-1].append(term)
            else:
                groups.append([term])
        return [
            replace(query, key=query.key if number == 1 else f"{query.key}#{number}", terms=tuple(group))
            for number, group in enumerate(groups, start=1)
        ]

    def fetch(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        search = _search_string(query.terms)
        if not search:
            return FetchResult(items=[], next_cursor=dict(cursor), api_calls=0)
        if len(search) > MAX_QUERY_LENGTH:
            raise ConnectorError(
                f"The search for {query.key} is {len(search)} characters, over Reddit's {MAX_QUERY_LENGTH}",
                permanent=True,
                how_to_fix="Split the query with RedditConnector.plan_queries before fetching.",
            )
        settled = _Marker.read(cursor)
        poll = cursor.get("poll")
        if isinstance(poll, Mapping):
            pending = _Marker.read(poll)
            after: str | None = poll.get("after")
            time_filter = str(poll.get("time_filter") or "all")
            oldest_seen: float | None = poll.get("oldest_seen")
        else:
            pending, after, time_filter, oldest_seen = settled, None, self._time_filter(settled), None
        calls_before = self._traffic.calls

        listing = self._search_page(search, time_filter, after)
        posts = _listing_children(listing, "t3")
        new_posts, reached_settled, oldest_seen = _unseen_posts(posts, settled, pending, oldest_seen)

        self._require_budget(sum(1 for post in new_posts if _has_comments(post)))
        comment_queries = _comment_queries(query.terms)
        items: list[dict[str, Any]] = []
        for post in new_posts:
            items.append(_post_item(post))
            if _has_comments(post):
                items.extend(self._matching_comments(post, comment_queries))
        pending = pending.including(
            [
                (fullname, created)
                for post in new_posts
                if (fullname := _fullname(post)) is not None and (created := _created_utc(post)) is not None
            ]
        )

        next_after = listing.get("after")
        finished = reached_settled or not posts or not isinstance(next_after, str) or next_after == after
        gaps: tuple[CoverageGap, ...] = ()
        if finished:
            next_cursor = pending.as_cursor()
            search_cut_short = len(posts) >= PAGE_SIZE or (after is not None and not posts)
            if (
                not reached_settled
                and search_cut_short
                and settled.newest is not None
                and oldest_seen is not None
            ):
                gaps = _gap(settled.newest, oldest_seen)
        else:
            next_cursor = {
                **settled.as_cursor(),
                "poll": {
                    **pending.as_cursor(),
                    "after": next_after,
                    "time_filter": time_filter,
                    "oldest_seen": oldest_seen,
                },
            }
        data_calls = 1 + sum(1 for post in new_posts if _has_comments(post))
        return FetchResult(
            items=items,
            next_cursor=next_cursor,
            has_more=not finished,
            api_calls=self._traffic.calls - calls_before,
            # Reddit prices commercial access per API call, so every data call counts; token calls do not.
            billable_reads=data_calls,
            coverage_gaps=gaps,
        )

    def normalize(self, raw: Mapping[str, Any]) -> MentionData:
        kind = raw.get("kind")
        if kind == "t3":
            return _normalize_post(raw)
        if kind == "t1":
            return _normalize_comment(raw)
        raise NormalizationError(f"field 'kind' must be 't3' (post) or 't1' (comment), got {kind!r:.40}")

    def check_connection(self, query: SourceQuery) -> str:
        """The cheapest calls that prove the settings: signing in (the token call every request starts
        with), the account when one is set, and each configured subreddit's about page; a one-result search
        when there is neither."""
        checked = []
        try:
            if _optional_setting(self.config, "username"):
                me = self._reddit.request(method="GET", path=API_PATH["me"])
                checked.append(f"signed in as u/{me.get('name') if isinstance(me, dict) else '?'}")
            for name in self.subreddits[:CHECK_SUBREDDITS]:
                self._reddit.request(method="GET", path=API_PATH["subreddit_about"].format(subreddit=name))
                checked.append(f"r/{name} is readable")
            if not checked:
                self._reddit.request(
                    method="GET",
                    path=API_PATH["search"].format(subreddit="all"),
                    # Any word proves the credentials; one result keeps the answer small.
                    params={"q": "hospital", "limit": 1, "sort": "new"},
                )
                checked.append("search answered")
        except (prawcore.PrawcoreException, praw.exceptions.PRAWException) as error:
            raise self._translate(error) from error
        return f"Reddit accepted the app: {', '.join(checked)}. Nothing stored."

    def _time_filter(self, settled: _Marker) -> str:
        """The smallest search window that still reaches back to posts the cursor already settled."""
        boundary = settled.boundary()
        if boundary is None:
            return self.first_poll_window
        span = _now() - boundary + TIME_FILTER_MARGIN_SECONDS
        return next((name for name, seconds in TIME_FILTERS if span <= seconds), "all")

    def _search_page(self, search: str, time_filter: str, after: str | None) -> dict[str, Any]:
        self._require_budget(1)
        scope = "+".join(self.subreddits) or "all"
        params: dict[str, str | int] = {
            "q": search,
            "sort": "new",
            "t": time_filter,
            "syntax": "lucene",
            "limit": PAGE_SIZE,
        }
        if self.subreddits:
            params["restrict_sr"] = "true"
        if after:
            params["after"] = after
        try:
            answer = self._reddit.request(
                method="GET", path=API_PATH["search"].format(subreddit=scope), params=params
            )
        except (prawcore.PrawcoreException, praw.exceptions.PRAWException) as error:
            raise self._translate(error) from error
        if not isinstance(answer, dict) or not isinstance(answer.get("data"), dict):
            raise TransientConnectorError("Reddit sent a search answer that is not a listing")
        return answer["data"]

    def _matching_comments(self, post: Mapping[str, Any], queries: Sequence[Query]) -> list[dict[str, Any]]:
        """The post's comments that name a term. Like praw's `replace_more(limit=0)`, the "load more" stubs of
        very long threads are dropped rather than fetched one call each."""
        post_id = post.get("id")
        if not isinstance(post_id, str) or not post_id:
            return []
        try:
            answer = self._reddit.request(
                method="GET",
                path=API_PATH["submission"].format(id=post_id),
                params={"limit": COMMENTS_PER_POST, "sort": "new"},
            )
        except (prawcore.NotFound, prawcore.Forbidden) as error:
            # The post was deleted or its subreddit closed since the search: its comments are out of reach.
            logger.info("skipping comments of reddit post %s: %s", post_id, error)
            return []
        except (prawcore.PrawcoreException, praw.exceptions.PRAWException) as error:
            raise self._translate(error) from error
        if not isinstance(answer, list) or len(answer) < 2 or not isinstance(answer[1], dict):
            raise TransientConnectorError(
                f"Reddit sent a comment thread for {post_id} that is not two listings"
            )
        thread = answer[1].get("data")
        return [
            _comment_item(comment, post)
            for comment in _walk_comments(thread if isinstance(thread, dict) else {})
            if isinstance(comment.get("body"), str)
            and any(query.matches(comment["body"]) for query in queries)
        ]

    def _require_budget(self, calls: int) -> None:
        """Stop before calls Reddit's rate-limit window cannot cover; prawcore would sleep until the reset."""
        remaining = self._traffic.remaining
        if calls and remaining is not None and remaining < calls:
            raise TransientConnectorError(
                f"Reddit's rate limit has {remaining:.0f} calls left in this window; the page needs {calls}",
                retry_after=self._traffic.seconds_until_reset(),
            )

    def _translate(self, error: Exception) -> ConnectorError:
        where = _subreddit_list(self.subreddits)
        if isinstance(error, prawcore.TooManyRequests):
            return TransientConnectorError(
                "Reddit's rate limit is used up (429 Too Many Requests)",
                retry_after=_retry_after(error.response.headers),
            )
        if isinstance(error, prawcore.OAuthException):
            return ConnectorError(
                f"Reddit refused to sign in: {error}", permanent=True, how_to_fix=CREDENTIALS_FIX
            )
        if isinstance(error, prawcore.Redirect | prawcore.NotFound):
            return ConnectorError(
                f"Reddit has no searchable subreddit {where} (it answered {error})",
                permanent=True,
                how_to_fix="Check the spelling of each subreddit at https://www.reddit.com/r/<name> and fix "
                "or remove it on the source's settings; banned subreddits cannot be searched.",
            )
        if isinstance(error, prawcore.Forbidden | prawcore.InsufficientScope | prawcore.InvalidToken):
            reason = _reddit_reason(error.response)
            if self.subreddits and reason in {"private", "quarantined", "gold_only", "banned"}:
                return ConnectorError(
                    f"Reddit will not let the app search {where}: the subreddit is {reason}",
                    permanent=True,
                    how_to_fix="Remove the private or quarantined subreddit from the source's settings.",
                )
            return ConnectorError(
                f"Reddit refused the request ({error.response.status_code} {reason})".strip(),
                permanent=True,
                how_to_fix=CREDENTIALS_FIX,
            )
        if isinstance(error, prawcore.ServerError | prawcore.RequestException):
            return TransientConnectorError(f"Reddit could not answer: {error}")
        if isinstance(error, prawcore.ResponseException):
            status = error.response.status_code
            if status >= 500:
                return TransientConnectorError(f"Reddit answered {status}")
            if status in (401, 403):
                # The token endpoint answers these with a plain ResponseException.
                return ConnectorError(
                    f"Reddit refused the app ({status} {_reddit_reason(error.response)})".strip(),
                    permanent=True,
                    how_to_fix=CREDENTIALS_FIX,
                )
            return ConnectorError(
                f"Reddit rejected the search ({status} {_reddit_reason(error.response)})".strip(),
                permanent=True,
                how_to_fix="Check the source's subreddits and the hospital's tracked terms.",
            )
        return ConnectorError(
            f"Reddit rejected the search: {error}",
            permanent=True,
            how_to_fix="Check the source's subreddits and the hospital's tracked terms.",
        )

    # Public replies (triage/services/replies.py): posted as the script app's developer account, so they need
    # the `username` and `password` that searching does without.

    def send_reply(self, *, parent_external_id: str, text: str) -> SentReply:
        """Post `text` as the hospital's account in reply to a post (t3_...) or comment (t1_...), through
        POST /api/comment. Reddit takes no idempotency key, so a caller that may be retrying an interrupted
        attempt calls find_existing_reply first. Raises ConnectorError.
        """
        kind, thing_id = _reply_parent(parent_external_id)
        self._require_account()
        thing = self._reddit.comment(id=thing_id) if kind == "t1" else self._reddit.submission(id=thing_id)
        try:
            comment = thing.reply(text)
        except (prawcore.PrawcoreException, praw.exceptions.PRAWException) as error:
            raise self._reply_error(error, "post the reply") from error
        if comment is None:
            # Reddit created the comment but did not return it (quarantined subreddits do this); praw's
            # advice is to read it back from the account's comment history.
            existing = self.find_existing_reply(parent_external_id=parent_external_id, text=text)
            if existing is None:
                raise TransientConnectorError("Reddit accepted the reply but did not say where it is")
            return existing
        data = vars(comment)
        return SentReply(platform_reply_id=f"t1_{data['id']}", url=_comment_url(data))

    def find_existing_reply(self, *, parent_external_id: str, text: str) -> SentReply | None:
        """The account's reply to `parent_external_id` with this text, if it already posted one: read from
        the account's newest comments (GET /user/<username>/comments), which list a comment at once.
        Raises ConnectorError.
        """
        _reply_parent(parent_external_id)
        username = self._require_account()
        wanted = _comparable_body(text)
        try:
            answer = self._reddit.request(
                method="GET",
                path=API_PATH["user"].format(user=username) + "comments/",
                params={"limit": REPLY_LOOKUP_LIMIT, "sort": "new"},
            )
        except (prawcore.PrawcoreException, praw.exceptions.PRAWException) as error:
            raise self._reply_error(error, "look for an earlier reply") from error
        listing = answer.get("data") if isinstance(answer, dict) else None
        for comment in _listing_children(listing if isinstance(listing, dict) else {}, "t1"):
            body = comment.get("body")
            if (
                comment.get("parent_id") == parent_external_id
                and isinstance(body, str)
                and _comparable_body(body) == wanted
                and isinstance(comment.get("id"), str)
            ):
                return SentReply(platform_reply_id=f"t1_{comment['id']}", url=_comment_url(comment))
        return None

    def _require_account(self) -> str:
        username = _optional_setting(self.config, "username")
        if not username or not _optional_setting(self.config, "password"):
            raise ConnectorError(
                "The Reddit source cannot post replies: it signs in without an account",
                permanent=True,
                how_to_fix=REPLY_CREDENTIALS_FIX,
            )
        return username

    def _reply_error(self, error: Exception, action: str) -> ConnectorError:
        if isinstance(error, praw.exceptions.RedditAPIException):
            for item in error.items:
                if item.error_type == "RATELIMIT":
                    return TransientConnectorError(
                        f"Reddit asked the account to slow down: {item.message}",
                        retry_after=_ratelimit_seconds(item.message),
                    )
            summary = "; ".join(f"{item.error_type}: {item.message}" for item in error.items)
            return ConnectorError(
                f"Reddit would not {action}: {summary}", permanent=True, how_to_fix=REPLY_REFUSED_FIX
            )
        if isinstance(error, prawcore.TooManyRequests):
            return TransientConnectorError(
                "Reddit's rate limit is used up (429 Too Many Requests)",
                retry_after=_retry_after(error.response.headers),
            )
        if isinstance(error, prawcore.OAuthException):
            return ConnectorError(
                f"Reddit refused to sign in as the account: {error}",
                permanent=True,
                how_to_fix=REPLY_CREDENTIALS_FIX,
            )
        if isinstance(error, prawcore.Forbidden | prawcore.InsufficientScope | prawcore.InvalidToken):
            reason = _reddit_reason(error.response)
            return ConnectorError(
                f"Reddit would not {action} ({error.response.status_code} {reason})".strip(),
                permanent=True,
                how_to_fix=REPLY_REFUSED_FIX,
            )
        if isinstance(error, prawcore.NotFound):
            return ConnectorError(
                f"Reddit would not {action}: the post or comment is gone (404)",
                permanent=True,
                how_to_fix=REPLY_REFUSED_FIX,
            )
        if isinstance(error, prawcore.ServerError | prawcore.RequestException):
            return TransientConnectorError(f"Reddit could not {action}: {error}")
        if isinstance(error, prawcore.ResponseException) and error.response.status_code >= 500:
            return TransientConnectorError(f"Reddit answered {error.response.status_code}")
        return ConnectorError(
            f"Reddit would not {action}: {error}", permanent=True, how_to_fix=REPLY_REFUSED_FIX
        )


def _required_setting(config: Mapping[str, Any], key: str) -> str:
    value = _optional_setting(config, key)
    if not value:
        raise ConnectorError(
            f"Reddit source is missing '{key}'",
            permanent=True,
            how_to_fix="Create a 'script' app at https://www.reddit.com/prefs/apps, then paste its client id "
            "(the string under the app's name) and secret on the source's settings.",
        )
    return value


def _optional_setting(config: Mapping[str, Any], key: str) -> str:
    value = config.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ConnectorError(
            f"Reddit source setting '{key}' must be text", permanent=True, how_to_fix=f"Re-enter '{key}'."
        )
    return value.strip()


def _subreddits(value: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ConnectorError(
            "Reddit source setting 'subreddits' must be a list of names",
            permanent=True,
            how_to_fix='Enter subreddits as a list, e.g. ["Springfield", "RiversideGeneral"].',
        )
    names = []
    for entry in value:
        name = entry.strip().removeprefix("/").removeprefix("r/") if isinstance(entry, str) else entry
        if not isinstance(name, str) or not SUBREDDIT_NAME.match(name):
            raise ConnectorError(
                f"{entry!r:.40} is not a subreddit name",
                permanent=True,
                how_to_fix="Subreddit names are 3 to 21 letters, digits or underscores: reddit.com/r/<name>.",
            )
        if name.lower() == "all":
            return ()
        names.append(name)
    return tuple(dict.fromkeys(names))


def _user_agent(config: Mapping[str, Any], username: str) -> str:
    custom = _optional_setting(config, "user_agent")
    if custom:
        return custom
    contact = _optional_setting(config, "contact") or (f"/u/{username}" if username else "")
    if not contact:
        raise ConnectorError(
            "Reddit source needs a contact for its user agent",
            permanent=True,
            how_to_fix="Reddit blocks anonymous user agents: set 'contact' (e.g. '/u/your_account' or an "
            "email address) or a full 'user_agent' on the source's settings.",
        )
    return USER_AGENT.format(contact=contact)


def _subreddit_list(subreddits: Sequence[str]) -> str:
    if not subreddits:
        return "r/all"
    names = ", ".join(f"r/{name}" for name in subreddits)
    return names if len(subreddits) == 1 else f"(one of {names})"


def _quoted(term: str) -> str:
    """One tracked term's query in Reddit search syntax, grouped in parentheses unless it is a single
    phrase so it can be OR'ed with others; "" when the query cannot be read (it is then not searched)."""
    query = fields.read_query(term)
    if query is None:
        return ""
    translated = to_reddit(query)
    return translated if isinstance(query.root, Phrase) else f"({translated})"


def _search_string(terms: Sequence[str]) -> str:
    return " OR ".join(quoted for term in terms if (quoted := _quoted(term)))


def _comment_queries(terms: Sequence[str]) -> list[Query]:
    """What a comment must match to be kept: a term's query without its NOT clauses, so a comment the
    exclusions rule out is still stored as excluded, as a post would be; the term matcher decides."""
    queries = (fields.read_query(term) for term in terms)
    return [loose for query in queries if query and (loose := query.without_negations())]


def _retry_after(headers: Mapping[str, str]) -> float:
    for name in ("x-ratelimit-reset", "retry-after"):
        try:
            return max(1.0, float(headers[name]))
        except (KeyError, TypeError, ValueError):
            continue
    return DEFAULT_RETRY_AFTER


def _reddit_reason(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    return str(body.get("reason") or body.get("message") or body.get("error") or "")


def _unseen_posts(
    posts: Sequence[dict[str, Any]], settled: _Marker, pending: _Marker, oldest_seen: float | None
) -> tuple[list[dict[str, Any]], bool, float | None]:
    """The posts (newest first) not stored yet, whether the page reached posts settled by earlier polls, and
    the oldest creation time the poll has now seen."""
    boundary = settled.boundary()
    unseen: list[dict[str, Any]] = []
    for post in posts:
        created = _created_utc(post)
        if created is not None:
            oldest_seen = created if oldest_seen is None else min(oldest_seen, created)
            if boundary is not None and created < boundary:
                return unseen, True, oldest_seen
        fullname = _fullname(post)
        if fullname is not None and (settled.has(fullname) or pending.has(fullname)):
            continue
        unseen.append(post)
    return unseen, False, oldest_seen


def _listing_children(listing: Mapping[str, Any], kind: str) -> list[dict[str, Any]]:
    children = listing.get("children")
    if not isinstance(children, list):
        return []
    return [
        child["data"]
        for child in children
        if isinstance(child, dict) and child.get("kind") == kind and isinstance(child.get("data"), dict)
    ]


def _walk_comments(listing: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for comment in _listing_children(listing, "t1"):
        yield comment
        replies = comment.get("replies")
        if isinstance(replies, dict) and isinstance(replies.get("data"), dict):
            yield from _walk_comments(replies["data"])


def _created_utc(item: Mapping[str, Any]) -> float | None:
    created = item.get("created_utc")
    if isinstance(created, bool) or not isinstance(created, int | float):
        return None
    return float(created)


def _fullname(item: Mapping[str, Any]) -> str | None:
    name = item.get("name")
    return name if isinstance(name, str) and name else None


def _has_comments(post: Mapping[str, Any]) -> bool:
    count = post.get("num_comments")
    # Unknown counts are fetched: better one extra call than a missed complaint.
    return not (isinstance(count, int) and not isinstance(count, bool) and count <= 0)


def _gap(settled_newest: float, oldest_seen: float) -> tuple[CoverageGap, ...]:
    if oldest_seen <= settled_newest:
        return ()
    return (
        CoverageGap(
            start=datetime.fromtimestamp(settled_newest, tz=UTC),
            end=datetime.fromtimestamp(oldest_seen, tz=UTC),
            reason="Reddit's search stopped returning results before reaching posts already collected (it "
            "returns at most a few hundred results per search); posts from this period may be missing.",
        ),
    )


def _post_item(post: Mapping[str, Any]) -> dict[str, Any]:
    return {"kind": "t3", **{key: post[key] for key in POST_FIELDS if key in post}}


def _comment_item(comment: Mapping[str, Any], post: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "kind": "t1",
        **{key: comment[key] for key in COMMENT_FIELDS if key in comment},
        "link_title": post.get("title"),
        "link_permalink": post.get("permalink"),
    }


def _normalize_post(raw: Mapping[str, Any]) -> MentionData:
    fullname = _prefixed_name(raw, "t3_")
    title = fields.required_str(raw, "title")
    selftext = fields.optional_str(raw, "selftext")
    return MentionData(
        platform="reddit",
        external_id=fullname,
        # Link posts have no body; the title is what was said.
        text=selftext or title,
        title=title,
        posted_at=fields.timestamp(raw, "created_utc"),
        url=_permalink_url(raw),
        author_handle=_author(raw),
        likes=_score(raw),
        replies=_count(raw, "num_comments"),
        shares=_count(raw, "num_crossposts"),
        raw=raw,
        extra={
            "kind": "post",
            "subreddit": fields.optional_str(raw, "subreddit"),
            "over_18": raw.get("over_18") is True,
            "link_url": "" if raw.get("is_self") is True else fields.optional_str(raw, "url"),
        },
    )


def _normalize_comment(raw: Mapping[str, Any]) -> MentionData:
    fullname = _prefixed_name(raw, "t1_")
    link_title = fields.optional_str(raw, "link_title")
    return MentionData(
        platform="reddit",
        external_id=fullname,
        text=fields.required_str(raw, "body"),
        title=f"Re: {link_title}" if link_title else "",
        posted_at=fields.timestamp(raw, "created_utc"),
        url=_permalink_url(raw),
        author_handle=_author(raw),
        likes=_score(raw),
        raw=raw,
        extra={
            "kind": "comment",
            "subreddit": fields.optional_str(raw, "subreddit"),
            "link_id": fields.optional_str(raw, "link_id"),
            "parent_id": fields.optional_str(raw, "parent_id"),
        },
    )


def _prefixed_name(raw: Mapping[str, Any], prefix: str) -> str:
    name = raw.get("name")
    if not isinstance(name, str) or not name.startswith(prefix) or len(name) == len(prefix):
        raise NormalizationError(
            f"field 'name' must be a Reddit fullname starting {prefix!r}, got {name!r:.40}"
        )
    return name


def _permalink_url(raw: Mapping[str, Any]) -> str:
    permalink = fields.optional_str(raw, "permalink")
    if not permalink:
        return ""
    return permalink if permalink.startswith("http") else f"{REDDIT_URL}{permalink}"


def _author(raw: Mapping[str, Any]) -> str:
    author = fields.optional_str(raw, "author")
    # Reddit shows deleted accounts as "[deleted]"; there is no one to name.
    return "" if author == "[deleted]" else author


def _whole_number(raw: Mapping[str, Any], key: str) -> int:
    value = raw.get(key)
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise NormalizationError(f"field '{key}' must be a whole number, got {type(value).__name__}")
    try:
        number = int(value) if isinstance(value, int) else int(float(value))
    except (ValueError, OverflowError):
        raise NormalizationError(f"field '{key}' must be a whole number, got {value!r:.40}") from None
    return max(-2_147_483_648, min(number, 2_147_483_647))


def _score(raw: Mapping[str, Any]) -> int:
    # Downvoted posts score below zero; likes count upvotes, so they floor at zero.
    return max(_whole_number(raw, "score"), 0)


def _count(raw: Mapping[str, Any], key: str) -> int:
    number = _whole_number(raw, key)
    if number < 0:
        raise NormalizationError(f"field '{key}' must not be negative, got {number}")
    return number


# Replies.
REPLY_LOOKUP_LIMIT = 100
REPLY_CREDENTIALS_FIX = (
    "Posting a reply needs the Reddit account the hospital posts as: set 'username' and 'password' on the "
    "source's settings to an account listed as a developer of the 'script' app at "
    "https://www.reddit.com/prefs/apps (accounts with two-factor sign-in cannot use a script app's password "
    "grant), and check the app's client id and secret."
)
REPLY_REFUSED_FIX = (
    "Reddit refused the reply: the thread may be locked, archived (over six months old) or deleted, or the "
    "account may be banned from the subreddit or blocked by the author. Open the thread on Reddit; reply "
    "there yourself if you can, then mark the item as handled elsewhere."
)
_RATELIMIT_WAIT = re.compile(r"([0-9]{1,4}) (milliseconds?|seconds?|minutes?)")


def _reply_parent(parent_external_id: str) -> tuple[str, str]:
    kind, _, thing_id = str(parent_external_id).partition("_")
    if kind not in ("t1", "t3") or not re.fullmatch(r"[a-z0-9]{1,16}", thing_id):
        raise ConnectorError(
            f"{parent_external_id!r:.40} is not a Reddit post or comment, so there is nothing to reply to",
            permanent=True,
            how_to_fix="Reply on Reddit yourself and mark the item as handled elsewhere.",
        )
    return kind, thing_id


def _comment_url(comment: Mapping[str, Any]) -> str:
    permalink = comment.get("permalink")
    if isinstance(permalink, str) and permalink:
        return permalink if permalink.startswith("http") else f"{REDDIT_URL}{permalink}"
    post_id = str(comment.get("link_id") or "").removeprefix("t3_")
    return f"{REDDIT_URL}/comments/{post_id}/_/{comment['id']}/"


def _comparable_body(text: str) -> str:
    # Reddit keeps the Markdown as sent, give or take surrounding and repeated whitespace.
    return " ".join(text.split())


def _ratelimit_seconds(message: str | None) -> float:
    found = _RATELIMIT_WAIT.search(message or "")
    if not found:
        return DEFAULT_RETRY_AFTER
    amount, unit = int(found.group(1)), found.group(2)
    seconds = amount * 60 if unit.startswith("minute") else 0 if unit.startswith("milli") else amount
    return max(1.0, float(seconds))
