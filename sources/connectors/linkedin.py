"""LinkedIn organization page (Community Management API, versioned REST with plain `requests`): comments on
the organization's own recent posts, and replies to them as the organization.

LinkedIn has no public keyword search: what people post elsewhere on LinkedIn cannot be heard. The connector
says so once, as an open "not offered by the platform" coverage gap on its query.

Config keys (the source's `config`; `access_token` is kept encrypted):
- `access_token` (required): a 3-legged OAuth token of a page administrator for an app approved for the
  Community Management API, with `r_organization_social` (reading) and `w_organization_social` (replies).
  Tokens last 60 days.
- `organization_id` (required): the page's organization, "urn:li:organization:<n>" or the number.
- `hospital_key` (required): the tracked hospital the page belongs to, e.g. "hospital:riverside". Every
  comment on its posts is about that hospital; other hospitals get no query.
- `recent_posts` (optional, default 10): how many of the newest posts have their comments read each poll.
- `author_names` (optional, default true): look up commenters' names (members through /rest/people,
  organizations through /rest/organizationsLookup), one batched call each per page with new comments.
  Without the permission the URN stays the author and a note is reported once (an "unsupported" coverage
  gap); the lookup is tried again a week later. Set false to store URNs only.
- `api_version` (optional, default below): the LinkedIn-Version header, YYYYMM. LinkedIn retires each version
  about a year after release; a retired one answers 426 and the source says to raise it.

Cursor of the one query "<hospital>#linkedin": `{"seen": {post urn: newest comment time in ms}, "posts": [post
urns still to read this poll], "start": comment offset within the first of them, "gap_reported": true}`, plus
when in use `"threads": {comment urn: {"post", "replies": replies read, "newest": ms}}`, `"replies_due"`
(comments whose replies are still to read this poll), `"reply_start"`, `"post_newest"`/`"reply_newest"`
(the newest time on the pages read so far), `"threads_queued"` and `"names"` (when a name lookup was refused).
Each fetch makes one call (plus the name lookups): the post list when `posts` is empty, else one page of one
post's comments, or one page of one comment's replies. Comments are read whole (LinkedIn documents no order)
and only those newer than the post's marker are passed on; the marker moves when the post's last page is
read. A comment whose `commentsSummary.totalFirstLevelComments` grew has its replies read from
/rest/socialActions/{comment urn}/comments (at most MAX_REPLY_THREADS_PER_POLL comments a poll), with a
marker per comment the same way.

Items are LinkedIn comment objects plus `post_urn`, `hospital_name` and, when looked up, `actor_name`.
Replies keep LinkedIn's `parentComment`, the thread's parent.
"""

import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

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

API_ROOT = "https://api.linkedin.com/rest"
DEFAULT_API_VERSION = "202510"
TIMEOUT_SECONDS = 30
COMMENT_PAGE_SIZE = 100
DEFAULT_RECENT_POSTS = 10
DEFAULT_RETRY_AFTER = 60.0
QUERY_SUFFIX = "#linkedin"
REPLY_LOOKUP_PAGES = 3
# Comments whose replies ("comments on comments") one poll reads: one call each, more wait for the next poll.
MAX_REPLY_THREADS_PER_POLL = 10
# After LinkedIn refuses a name lookup, it is not asked again for a week.
NAMES_RETRY_AFTER = timedelta(days=7)
NAMES_GAP_SUFFIX = "#names"
NAMES_NOTE = (
    "LinkedIn does not let this app look up commenters' names (member profiles need a permission LinkedIn "
    "grants few apps; organizations need rw_organization_admin), so comments show the author's LinkedIn id "
    "(urn:li:person:…) instead. Comments are still collected."
)
NO_SEARCH_GAP = (
    "LinkedIn offers no keyword search to apps: only comments on the organization's own posts are heard. "
    "Posts and comments elsewhere on LinkedIn that name the hospital are not."
)

_ORGANIZATION = re.compile(r"(?:urn:li:organization:)?([0-9]{1,20})")
_ORGANIZATION_URN = re.compile(r"urn:li:organization:([0-9]{1,20})")
_PERSON = re.compile(r"urn:li:person:([A-Za-z0-9_-]{1,64})")
_COMMENT_URN = re.compile(r"urn:li:comment:\((urn:li:[A-Za-z]+:[0-9]+),([0-9]+)\)")
_VERSION = re.compile(r"[0-9]{6}(\.[0-9]{2})?")

TOKEN_FIX = (
    "Generate a new access token: sign in as an administrator of the LinkedIn page, authorize the app (its "
    "Community Management API product must be approved) with the scopes r_organization_social and "
    "w_organization_social, and paste the token on the source's settings. LinkedIn tokens last 60 days."
)
ACCESS_FIX = (
    "The token's member must be an administrator of the page, and the app needs the Community Management "
    "API product (LinkedIn Developer Portal → your app → Products) and the scope r_organization_social for "
    "reading, w_organization_social for replies. Authorize again and paste the new token."
)
VERSION_FIX = (
    "LinkedIn retired the API version this source asks for. Set api_version on the source's settings to a "
    "current one (YYYYMM; see LinkedIn's Marketing API versioning page)."
)


def utc_now() -> datetime:
    return datetime.now(tz=UTC)


def _error_body(response: requests.Response) -> tuple[str, str]:
    try:
        body = response.json()
    except ValueError:
        return "", response.reason or ""
    if not isinstance(body, Mapping):
        return "", response.reason or ""
    return str(body.get("code") or ""), str(body.get("message") or response.reason or "")


def _http_error(response: requests.Response, action: str) -> ConnectorError:
    status = response.status_code
    code, message = _error_body(response)
    said = f"LinkedIn would not {action} ({status} {code}: {message})".replace(" : ", ": ")
    if status == 429:
        header = response.headers.get("retry-after")
        if header and header.isdigit():
            wait = max(float(header), 1.0)
        elif "DAY" in message.upper():
            # Daily limits start again at midnight UTC.
            now = utc_now()
            wait = (datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC) - now).seconds
        else:
            wait = DEFAULT_RETRY_AFTER
        return TransientConnectorError(said, retry_after=max(float(wait), 1.0))
    if status >= 500:
        return TransientConnectorError(said)
    if status == 401:
        return ConnectorError(said, how_to_fix=TOKEN_FIX)
    if status == 403:
        return ConnectorError(said, how_to_fix=ACCESS_FIX)
    if status == 426:
        return ConnectorError(said, how_to_fix=VERSION_FIX)
    return ConnectorError(said, how_to_fix="LinkedIn rejected the request; see the message.")


def _setting(config: Mapping[str, Any], key: str) -> str:
    value = config.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConnectorError(
            f"LinkedIn source is missing '{key}'",
            how_to_fix=f"Fill in '{key}' on the source's settings; docs/sources/linkedin.md says where each "
            "value comes from.",
        )
    return value.strip()


def _millis(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _comment_time(comment: Mapping[str, Any]) -> int | None:
    created = comment.get("created")
    return _millis(created.get("time")) if isinstance(created, Mapping) else None


def comment_url(comment_urn: str) -> str:
    """A link that opens the post scrolled to the comment."""
    match = _COMMENT_URN.fullmatch(comment_urn)
    if not match:
        return ""
    return f"https://www.linkedin.com/feed/update/{match.group(1)}/?commentUrn={quote(comment_urn, safe='')}"


class LinkedInConnector(Connector):
    kind = "linkedin"

    def __init__(self, config: Mapping[str, Any]):
        super().__init__(config)
        organization = _ORGANIZATION.fullmatch(_setting(config, "organization_id"))
        if not organization:
            raise ConnectorError(
                f"LinkedIn source setting 'organization_id' is not an organization: "
                f"{config.get('organization_id')!r:.40}",
                how_to_fix='Enter the page\'s organization as "urn:li:organization:<number>" or the number '
                "(Page admin view → the number in the address).",
            )
        self.organization_urn = f"urn:li:organization:{organization.group(1)}"
        self.hospital_key = _setting(config, "hospital_key")
        recent = config.get("recent_posts", DEFAULT_RECENT_POSTS)
        if isinstance(recent, bool) or not isinstance(recent, int) or not 1 <= recent <= 100:
            raise ConnectorError(
                f"LinkedIn source setting 'recent_posts' must be 1 to 100, got {recent!r:.20}",
                how_to_fix=f"Set recent_posts to a number such as {DEFAULT_RECENT_POSTS}, or remove it.",
            )
        self.recent_posts = recent
        self.author_names = config.get("author_names", True) is not False
        version = str(config.get("api_version") or DEFAULT_API_VERSION)
        if not _VERSION.fullmatch(version):
            raise ConnectorError(
                f"LinkedIn source setting 'api_version' is not YYYYMM: {version!r:.20}",
                how_to_fix=VERSION_FIX,
            )
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {_setting(config, 'access_token')}",
                "LinkedIn-Version": version,
                "X-Restli-Protocol-Version": "2.0.0",
            }
        )

    def plan_queries(self, query: SourceQuery) -> list[SourceQuery]:
        """One query, for the page's hospital only: the same page read once per tracked hospital would be
        read many times over."""
        if query.key != self.hospital_key:
            return []
        return [SourceQuery(key=f"{query.key}{QUERY_SUFFIX}", terms=query.terms)]

    def check_connection(self, query: SourceQuery) -> str:
        """The page's newest post: proves the token, the page role and the API product in one call."""
        posts = self._posts(count=1)
        return f"LinkedIn answered: the page's newest post was read ({len(posts)} found), nothing stored."

    def fetch(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        if not query.key.endswith(QUERY_SUFFIX):
            raise ConnectorError(
                f"The query {query.key!r} is not a LinkedIn page query",
                how_to_fix="Fetch the queries LinkedInConnector.plan_queries returns.",
            )
        state = _PageState(cursor)
        gaps: list[CoverageGap] = []
        if not cursor.get("gap_reported"):
            gaps.append(CoverageGap(start=utc_now(), end=None, reason=NO_SEARCH_GAP, kind="unsupported"))
        if state.replies_due and not state.start:  # A post being paged through is finished first.
            result = self._fetch_replies(query, state)
        elif state.posts:
            result = self._fetch_comments(query, state)
        else:
            urns = [post["id"] for post in self._posts(count=self.recent_posts)]
            state.start_poll(urns)
            return FetchResult(
                items=[], next_cursor=state.as_cursor(), has_more=bool(urns), coverage_gaps=tuple(gaps)
            )
        items, calls = result
        if items and self.author_names:
            names_calls, names_gap = self._name_actors(items, state)
            calls += names_calls
            gaps.extend(names_gap)
        return FetchResult(
            items=items,
            next_cursor=state.as_cursor(),
            has_more=bool(state.posts or state.replies_due),
            api_calls=calls,
            coverage_gaps=tuple(gaps),
        )

    def _fetch_comments(self, query: SourceQuery, state: "_PageState") -> tuple[list[dict[str, Any]], int]:
        """One page of the first post's comments: the new ones as items, and the comments whose replies
        grew queued for reading (within the per-poll bound)."""
        post, start = state.posts[0], state.start
        response = self._get(
            f"{API_ROOT}/socialActions/{quote(post, safe='')}/comments",
            {"start": start, "count": COMMENT_PAGE_SIZE},
            "read the post's comments",
            missing_ok=True,
        )
        if response is None:  # The post was deleted: nothing to read there.
            state.post_done(post, newest=None)
            return [], 1
        elements = [element for element in response.get("elements") or [] if isinstance(element, dict)]
        marker = state.seen.get(post, 0)
        hospital_name = review_hospital_name(query.terms)
        items, newest = [], marker
        for comment in elements:
            # Replies can come under old comments too, so every comment's reply count is looked at.
            state.queue_replies_if_grown(comment, post)
            created = _comment_time(comment)
            if created is not None and created <= marker:
                continue
            if comment.get("actor") == self.organization_urn:
                continue  # The hospital's own comments are it speaking, not a mention.
            newest = max(newest, created or 0)
            items.append({**comment, "post_urn": post, "hospital_name": hospital_name})
        paging = response.get("paging") if isinstance(response.get("paging"), Mapping) else {}
        total = paging.get("total") if isinstance(paging.get("total"), int) else 0
        if elements and start + len(elements) < total:
            # The post's marker moves only once its last page is read.
            state.start = start + len(elements)
            state.post_newest = max(state.post_newest, newest)
        else:
            state.post_done(post, newest=max(newest, state.post_newest) or None)
        return items, 1

    def _fetch_replies(self, query: SourceQuery, state: "_PageState") -> tuple[list[dict[str, Any]], int]:
        """One page of the replies to the first queued comment ("comments on comments"): those newer than
        the thread's marker, the organization's own left out."""
        parent = state.replies_due[0]
        thread = state.threads.get(parent) or {}
        response = self._get(
            f"{API_ROOT}/socialActions/{quote(parent, safe='')}/comments",
            {"start": state.reply_start, "count": COMMENT_PAGE_SIZE},
            "read the replies to a comment",
            missing_ok=True,
        )
        if response is None:  # The comment was deleted, and its replies with it.
            state.thread_done(parent, newest=None, deleted=True)
            return [], 1
        elements = [element for element in response.get("elements") or [] if isinstance(element, dict)]
        marker = _millis(thread.get("newest")) or 0
        hospital_name = review_hospital_name(query.terms)
        items, newest = [], marker
        for reply in elements:
            created = _comment_time(reply)
            if created is not None and created <= marker:
                continue
            if reply.get("actor") == self.organization_urn:
                continue
            newest = max(newest, created or 0)
            # LinkedIn names the parent on every reply; kept as sent, so the thread can be shown.
            items.append(
                {
                    **reply,
                    "parentComment": reply.get("parentComment") or parent,
                    "post_urn": thread.get("post"),
                    "hospital_name": hospital_name,
                }
            )
        paging = response.get("paging") if isinstance(response.get("paging"), Mapping) else {}
        total = paging.get("total") if isinstance(paging.get("total"), int) else 0
        if elements and state.reply_start + len(elements) < total:
            state.reply_start += len(elements)
            state.reply_newest = max(state.reply_newest, newest)
        else:
            state.thread_done(parent, newest=max(newest, state.reply_newest) or None)
        return items, 1

    def _name_actors(self, items: list[dict[str, Any]], state: "_PageState") -> tuple[int, list[CoverageGap]]:
        """Add `actor_name` to the items whose author LinkedIn lets this app look up: members through
        /rest/people, organizations through /rest/organizationsLookup, one batched call each. Without the
        permission the URN stays the author, a note is reported once, and the lookup rests a week. Never
        fails the page: a name is a convenience. Returns the calls made and the note, if any."""
        calls, gaps, names = 0, [], {}
        now = utc_now()
        for kind, pattern, lookup in (
            ("people", _PERSON, self._people_names),
            ("organizations", _ORGANIZATION_URN, self._organization_names),
        ):
            ids = sorted(
                {m.group(1) for item in items if (m := pattern.fullmatch(str(item.get("actor") or "")))}
            )
            if not ids or state.names_resting(kind, now):
                continue
            calls += 1
            try:
                names.update(lookup(ids))
            except _NamesDenied as denied:
                state.names_denied(kind, now)
                if not state.names_note_reported:
                    state.names_note_reported = True
                    gaps.append(
                        CoverageGap(
                            start=now,
                            end=None,
                            reason=f"{NAMES_NOTE} ({denied})",
                            kind="unsupported",
                            key_suffix=NAMES_GAP_SUFFIX,
                        )
                    )
            except ConnectorError as error:
                logger.info("linkedin: %s names not looked up this time: %s", kind, error)
        for item in items:
            name = names.get(str(item.get("actor") or ""))
            if name:
                item["actor_name"] = name
        return calls, gaps

    def _people_names(self, ids: list[str]) -> dict[str, str]:
        keys = ",".join(f"(id:{person_id})" for person_id in ids)
        results = self._batch_get(f"{API_ROOT}/people?ids=List({keys})", "look up members' names")
        names = {}
        for key, person in results.items():
            person_id = str(person.get("id") or key.removeprefix("(id:").removesuffix(")"))
            name = " ".join(
                part
                for part in (person.get("localizedFirstName"), person.get("localizedLastName"))
                if isinstance(part, str) and part.strip()
            )
            if name:
                names[f"urn:li:person:{person_id}"] = name
        return names

    def _organization_names(self, ids: list[str]) -> dict[str, str]:
        results = self._batch_get(
            f"{API_ROOT}/organizationsLookup?ids=List({','.join(ids)})", "look up organizations' names"
        )
        return {
            f"urn:li:organization:{organization.get('id') or key}": organization["localizedName"]
            for key, organization in results.items()
            if isinstance(organization.get("localizedName"), str) and organization["localizedName"].strip()
        }

    def _batch_get(self, url: str, action: str) -> dict[str, dict[str, Any]]:
        """A Rest.li batch get (the ids in the URL as LinkedIn writes them): the `results` map, without the
        entries LinkedIn could not give. Raises _NamesDenied on 403, ConnectorError otherwise."""
        try:
            response = self.session.get(url, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as error:
            raise TransientConnectorError(f"Could not reach LinkedIn to {action}: {error}") from error
        if response.status_code == 403:
            code, message = _error_body(response)
            raise _NamesDenied(f"403 {code}: {message}".replace(" : ", ": "))
        if response.status_code != 200:
            raise _http_error(response, action)
        try:
            body = response.json()
        except ValueError:
            raise TransientConnectorError(f"LinkedIn answered '{action}' with something not JSON") from None
        results = body.get("results") if isinstance(body, Mapping) else None
        if not isinstance(results, Mapping):
            return {}
        return {str(key): value for key, value in results.items() if isinstance(value, Mapping)}

    def _posts(self, *, count: int) -> list[dict[str, Any]]:
        response = self._get(
            f"{API_ROOT}/posts",
            {"author": self.organization_urn, "q": "author", "count": count, "sortBy": "LAST_MODIFIED"},
            "list the page's posts",
        )
        assert response is not None
        return [
            post
            for post in response.get("elements") or []
            if isinstance(post, dict) and isinstance(post.get("id"), str)
        ]

    def _get(
        self, url: str, params: Mapping[str, Any], action: str, *, missing_ok: bool = False
    ) -> dict[str, Any] | None:
        try:
            response = self.session.get(url, params=params, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as error:
            raise TransientConnectorError(f"Could not reach LinkedIn to {action}: {error}") from error
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code != 200:
            raise _http_error(response, action)
        try:
            body = response.json()
        except ValueError:
            raise TransientConnectorError(f"LinkedIn answered '{action}' with something not JSON") from None
        if not isinstance(body, dict):
            raise TransientConnectorError(f"LinkedIn answered '{action}' with something not an object")
        return body

    def normalize(self, raw: Mapping[str, Any]) -> MentionData:
        urn = fields.required_str(raw, "commentUrn")
        if not _COMMENT_URN.fullmatch(urn):
            raise NormalizationError(f"field 'commentUrn' is not a LinkedIn comment URN: {urn!r:.60}")
        message = raw.get("message")
        if not isinstance(message, Mapping):
            raise NormalizationError("field 'message' must be an object with the comment's text")
        created = _comment_time(raw)
        if created is None:
            raise NormalizationError("field 'created.time' must be a time in milliseconds")
        likes = raw.get("likesSummary") if isinstance(raw.get("likesSummary"), Mapping) else {}
        replies = raw.get("commentsSummary") if isinstance(raw.get("commentsSummary"), Mapping) else {}
        hospital_name = fields.optional_str(raw, "hospital_name")
        return MentionData(
            platform="linkedin",
            external_id=urn,
            text=fields.required_str(message, "text"),
            title=f"LinkedIn comment on {hospital_name}'s post" if hospital_name else "LinkedIn comment",
            posted_at=datetime.fromtimestamp(created / 1000, tz=UTC),
            url=comment_url(urn),
            # The URN identifies the author; the name is there when LinkedIn let the app look it up.
            author_handle=fields.optional_str(raw, "actor"),
            author_name=fields.optional_str(raw, "actor_name"),
            likes=fields.count(likes, "totalLikes"),
            replies=fields.count(replies, "totalFirstLevelComments"),
            raw=raw,
            extra={
                "post_urn": fields.optional_str(raw, "post_urn"),
                "object": fields.optional_str(raw, "object"),
                # A reply names its thread's parent comment.
                "parent_id": fields.optional_str(raw, "parentComment"),
                "is_reply": bool(raw.get("parentComment")),
            },
        )

    # Replies (triage/services/replies.py), as the organization.

    def reply_parent(self, *, external_id: str, raw: Mapping[str, Any]) -> str:
        """A reply to a reply goes under its thread's top-level comment, as LinkedIn threads are one level
        deep: the `parentComment` a stored reply keeps."""
        parent = raw.get("parentComment") if isinstance(raw, Mapping) else None
        return parent if isinstance(parent, str) and _COMMENT_URN.fullmatch(parent) else external_id

    def send_reply(self, *, parent_external_id: str, text: str) -> SentReply:
        """Post `text` as the organization in reply to the comment `parent_external_id`. LinkedIn takes no
        idempotency key; a retry calls find_existing_reply first. Raises ConnectorError."""
        activity = _reply_parent(parent_external_id)
        body = {
            "actor": self.organization_urn,
            "object": activity,
            "parentComment": parent_external_id,
            "message": {"text": text},
        }
        url = f"{API_ROOT}/socialActions/{quote(parent_external_id, safe='')}/comments"
        try:
            response = self.session.post(url, json=body, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as error:
            # The reply may or may not have gone out; the retry looks before posting again.
            raise TransientConnectorError(f"Could not reach LinkedIn to post the reply: {error}") from error
        if response.status_code not in (200, 201):
            raise _http_error(response, "post the reply")
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        reply_urn = (answer.get("commentUrn") if isinstance(answer, Mapping) else None) or ""
        if not reply_urn:
            reply_id = response.headers.get("x-restli-id") or (answer.get("id") if answer else None)
            if reply_id:
                reply_urn = f"urn:li:comment:({activity},{reply_id})"
        if not _COMMENT_URN.fullmatch(str(reply_urn)):
            raise TransientConnectorError(
                f"LinkedIn answered the reply without a comment id: {answer!r:.200}"
            )
        return SentReply(platform_reply_id=reply_urn, url=comment_url(reply_urn))

    def find_existing_reply(self, *, parent_external_id: str, text: str) -> SentReply | None:
        """The organization's earlier reply with this text under the same comment, if there is one."""
        _reply_parent(parent_external_id)
        wanted = " ".join(text.split())
        url = f"{API_ROOT}/socialActions/{quote(parent_external_id, safe='')}/comments"
        start = 0
        for _ in range(REPLY_LOOKUP_PAGES):
            response = self._get(
                url, {"start": start, "count": COMMENT_PAGE_SIZE}, "look for an earlier reply"
            )
            assert response is not None
            elements = [element for element in response.get("elements") or [] if isinstance(element, dict)]
            for comment in elements:
                message = comment.get("message") if isinstance(comment.get("message"), Mapping) else {}
                said = " ".join(str(message.get("text") or "").split())
                urn = comment.get("commentUrn")
                if comment.get("actor") == self.organization_urn and said == wanted and isinstance(urn, str):
                    return SentReply(platform_reply_id=urn, url=comment_url(urn))
            paging = response.get("paging") if isinstance(response.get("paging"), Mapping) else {}
            start += len(elements)
            if not elements or start >= (paging.get("total") or 0):
                return None
        return None


def _reply_parent(comment_urn: str) -> str:
    """The post (activity) a comment belongs to; refuses anything that is not a comment URN."""
    match = _COMMENT_URN.fullmatch(comment_urn) if isinstance(comment_urn, str) else None
    if not match:
        raise ConnectorError(
            f"{comment_urn!r:.60} is not a LinkedIn comment, so there is nothing to reply to.",
            how_to_fix="Reply on LinkedIn yourself and mark the item as handled elsewhere.",
        )
    return match.group(1)


class _NamesDenied(Exception):
    """LinkedIn refused a name lookup (403): the app lacks the permission."""


class _PageState:
    """The page query's cursor while a fetch works on it."""

    def __init__(self, cursor: Mapping[str, Any]):
        seen = cursor.get("seen") if isinstance(cursor.get("seen"), Mapping) else {}
        self.seen: dict[str, int] = {urn: ms for urn, ms in seen.items() if _millis(ms) is not None}
        self.posts = [urn for urn in cursor.get("posts") or [] if isinstance(urn, str)]
        self.start = _millis(cursor.get("start")) or 0
        self.post_newest = _millis(cursor.get("post_newest")) or 0
        threads = cursor.get("threads") if isinstance(cursor.get("threads"), Mapping) else {}
        self.threads = {urn: dict(thread) for urn, thread in threads.items() if isinstance(thread, Mapping)}
        self.replies_due = [urn for urn in cursor.get("replies_due") or [] if isinstance(urn, str)]
        self.reply_start = _millis(cursor.get("reply_start")) or 0
        self.reply_newest = _millis(cursor.get("reply_newest")) or 0
        self.threads_queued = _millis(cursor.get("threads_queued")) or 0
        names = cursor.get("names") if isinstance(cursor.get("names"), Mapping) else {}
        self.names = dict(names)

    def start_poll(self, post_urns: list[str]) -> None:
        # Markers of posts (and their comments' threads) that dropped out of the recent ones are dropped.
        self.seen = {urn: self.seen[urn] for urn in post_urns if urn in self.seen}
        self.threads = {urn: t for urn, t in self.threads.items() if t.get("post") in post_urns}
        self.posts, self.start, self.post_newest, self.threads_queued = post_urns, 0, 0, 0

    def post_done(self, post: str, *, newest: int | None) -> None:
        if newest:
            self.seen[post] = newest
        else:
            self.seen.pop(post, None)
        self.posts, self.start, self.post_newest = self.posts[1:], 0, 0

    def queue_replies_if_grown(self, comment: Mapping[str, Any], post: str) -> None:
        """Queue the comment's replies for reading when LinkedIn counts more than were read, at most
        MAX_REPLY_THREADS_PER_POLL a poll (the rest are still grown at the next poll)."""
        urn = comment.get("commentUrn")
        summary = (
            comment.get("commentsSummary") if isinstance(comment.get("commentsSummary"), Mapping) else {}
        )
        count = _millis(summary.get("totalFirstLevelComments")) or 0
        if not isinstance(urn, str) or not _COMMENT_URN.fullmatch(urn) or urn in self.replies_due:
            return
        thread = self.threads.get(urn, {})
        if (
            count <= (_millis(thread.get("replies")) or 0)
            or self.threads_queued >= MAX_REPLY_THREADS_PER_POLL
        ):
            return
        self.threads[urn] = {**thread, "post": post, "wanted": count}
        self.replies_due.append(urn)
        self.threads_queued += 1

    def thread_done(self, comment_urn: str, *, newest: int | None, deleted: bool = False) -> None:
        self.replies_due = [urn for urn in self.replies_due if urn != comment_urn]
        self.reply_start, self.reply_newest = 0, 0
        if deleted:
            self.threads.pop(comment_urn, None)
            return
        thread = self.threads.setdefault(comment_urn, {})
        thread["replies"] = thread.pop("wanted", thread.get("replies", 0))
        if newest:
            thread["newest"] = newest

    def names_resting(self, kind: str, now: datetime) -> bool:
        denied = self.names.get(f"{kind}_denied_at")
        try:
            return isinstance(denied, str) and now - datetime.fromisoformat(denied) < NAMES_RETRY_AFTER
        except ValueError:
            return False

    def names_denied(self, kind: str, now: datetime) -> None:
        self.names[f"{kind}_denied_at"] = now.isoformat()

    @property
    def names_note_reported(self) -> bool:
        return bool(self.names.get("note_reported"))

    @names_note_reported.setter
    def names_note_reported(self, value: bool) -> None:
        self.names["note_reported"] = value

    def as_cursor(self) -> dict[str, Any]:
        cursor: dict[str, Any] = {
            "seen": self.seen,
            "gap_reported": True,
            "posts": self.posts,
            "start": self.start,
        }
        optional = {
            "post_newest": self.post_newest,
            "threads": self.threads,
            "replies_due": self.replies_due,
            "reply_start": self.reply_start,
            "reply_newest": self.reply_newest,
            "threads_queued": self.threads_queued,
            "names": self.names,
        }
        cursor.update({key: value for key, value in optional.items() if value})
        return cursor
