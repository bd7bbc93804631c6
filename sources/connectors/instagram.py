"""Instagram professional account: comments on the hospital's own media, media it is tagged in, and a few
tracked hashtags, through the Instagram Graph API (Facebook Login for Business).

Instagram offers apps no keyword search, and @mentions in other people's captions and comments reach apps
only as webhook notifications (`mentions` field): sources/connectors/meta_webhooks.py reads them and
`fetch_mention` reads each mentioned caption or comment (GET /{ig-user-id}?fields=mentioned_media… or
mentioned_comment…). The first poll records the missing keyword search once as an "unsupported" gap.

Config keys (the source's `config`):
- `ig_user_id` (required): the Instagram professional account's id, as
  GET /{page-id}?fields=instagram_business_account gives it.
- `access_token` (required, secret): a Page access token (or system user token) of the Facebook Page the
  account is connected to, with instagram_basic, instagram_manage_comments, pages_read_engagement and
  pages_show_list; hashtags also need the Instagram Public Content Access feature (docs/sources/instagram.md).
- `app_secret` (optional, secret): adds appsecret_proof to every call, and checks the signature of the
  webhook notifications Meta sends (required for @mentions).
- `webhook_verify_token` (optional, secret): the string typed into the app dashboard's webhook setup,
  which Meta sends back once when it verifies the callback URL.
- `hospital_key` (required): the tracked hospital the account belongs to; queries are planned for it only.
- `hashtags` (optional): hashtags to follow, without "#", e.g. ["riversidegeneral"].
- `hashtag_weekly_limit` (optional, default and at most 30): Meta lets one account query 30 unique hashtags
  in a rolling 7 days, across every app; set it lower to leave room for other tools on the same account.
- `window_days` (optional, default 28): comments are read on media published in this many days.

Queries: `…#instagram:<id>:comments` (the account's media newest first with their comments and replies),
`…#instagram:<id>:tags` (media tagging the account, newest first) and, with hashtags, `…#instagram:<id>:
hashtags`. Cursors are those of the Facebook connector (`ListingPoll`); the hashtags cursor also keeps
`ledger` ({hashtag: when its 7-day count began}) and `hashtag_ids`, so the weekly limit is never exceeded,
and a hashtag over the limit waits (reported as a gap) until a slot frees up.
"""

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

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
from sources.connectors.facebook import (
    GraphClient,
    GraphFixes,
    ListingPoll,
    comparable_text,
    data_list,
    paging_after,
    parse_time,
    required_setting,
    utc_now,
    window_days,
)
from sources.connectors.google_reviews import review_hospital_name
from sources.connectors.meta_webhooks import MentionRef

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
HASHTAG_PAGE_SIZE = 50
COMMENTS_PER_MEDIA = 50
HASHTAG_PAGES_PER_POLL = 3
HASHTAG_WEEKLY_LIMIT = 30
HASHTAG_PERIOD = timedelta(days=7)
# recent_media lists only media published in the last 24 hours.
HASHTAG_REACH = timedelta(hours=24)
HASHTAG = re.compile(r"^[^\W][\w]{0,99}$")
NUMERIC_ID = re.compile(r"^[0-9]{1,30}$")
EDGES = ("comments", "tags", "hashtags")
GUIDE = "docs/sources/instagram.md"

MEDIA_FIELDS = (
    "id,caption,permalink,timestamp,username,like_count,comments_count,media_type,"
    f"comments.limit({COMMENTS_PER_MEDIA})"
    "{id,text,timestamp,username,like_count,replies{id,text,timestamp,username,like_count}}"
)
TAGGED_FIELDS = "id,caption,permalink,timestamp,username,like_count,comments_count,media_type"
HASHTAG_MEDIA_FIELDS = "id,caption,permalink,timestamp,like_count,comments_count,media_type"
MENTIONED_MEDIA_FIELDS = "id,caption,media_type,timestamp,permalink,username,like_count,comments_count"
# mentioned_comment documents id, text, timestamp, like_count and media only: no author.
MENTIONED_COMMENT_FIELDS = "id,text,timestamp,like_count,media{id,permalink}"

UNSUPPORTED_DETAIL = (
    "Instagram offers apps no keyword search: this source hears comments on the account's own media, media "
    "that tag the account, the tracked hashtags (last 24 hours each poll, 30 hashtags a week) and, once "
    "the webhook is set up, @mentions of the account in other people's captions and comments."
)
HASHTAG_WINDOW_DETAIL = "Instagram's hashtag search lists only media from the last 24 hours"
TOKEN_FIX = (
    "The access token no longer works (expired, revoked, or its owner lost the Page role). Make a "
    "non-expiring system user token in Meta Business Suite → Business settings → System users with the "
    "Facebook Page and the Instagram account as assets, and the permissions instagram_basic, "
    "instagram_manage_comments, pages_read_engagement and pages_show_list; paste it as access_token."
)
PERMISSION_FIX = (
    "The token lacks a permission: instagram_basic and pages_read_engagement to read, "
    "instagram_manage_comments for comments and replies, and the Instagram Public Content Access feature "
    "(App Review) for hashtags. Generate the token again with them; the account must be a Business or "
    "Creator account connected to the Page."
)
NOT_FOUND_FIX = (
    "Check ig_user_id: it is the id GET /{page-id}?fields=instagram_business_account returns, not the "
    "@username, and the token must belong to the Page connected to that account."
)
REPLY_FIX = (
    "Instagram refused the reply: the comment may be deleted or hidden, comments may be turned off on the "
    "post, or the token lacks instagram_manage_comments. Reply in the Instagram app, then mark the item as "
    "handled elsewhere."
)
MENTION_REPLY_FIX = (
    "Instagram refused the reply to the @mention: the post or comment may be deleted, hidden or made "
    "private, comments may be turned off on the post, or the token lacks instagram_manage_comments. Reply "
    "in the Instagram app, then mark the item as handled elsewhere."
)
MENTION_LOOK_FIX = (
    "Instagram would not list the comments under the @mention, so whether an earlier attempt posted this "
    "reply is unknown; nothing more was posted. Open the post in the Instagram app: if the reply is there, "
    "mark the item as handled elsewhere with its link; if not, reply there."
)
# The look for an earlier attempt's reply reads this many comments, as for replies on the account's media.
REPLY_LOOK_LIMIT = 100
OWN_REPLY_FIELDS = "id,text,username"
MENTION_GONE_FIX = (
    "Nothing to do: the post or comment was deleted, made private, or its comments were turned off before "
    "it could be read. Instagram gives apps no other way to read it."
)
INSTAGRAM_FIXES = GraphFixes(
    product="Instagram", token=TOKEN_FIX, permission=PERMISSION_FIX, not_found=NOT_FOUND_FIX
)


class MentionUnavailable(ConnectorError):
    """A mentioned caption or comment Instagram no longer lets us read. The source itself is fine."""

    permanent = True


class InstagramConnector(Connector):
    kind = "instagram"

    def __init__(self, config: Mapping[str, Any]):
        super().__init__(config)
        self.ig_user_id = required_setting(config, "ig_user_id", "Instagram", GUIDE)
        if not NUMERIC_ID.match(self.ig_user_id):
            raise ConnectorError(
                f"Instagram source setting 'ig_user_id' is not a numeric id: {self.ig_user_id!r:.40}",
                permanent=True,
                how_to_fix=NOT_FOUND_FIX,
            )
        self.hospital_key = required_setting(config, "hospital_key", "Instagram", GUIDE)
        self.window = timedelta(days=window_days(config, "Instagram"))
        self.hashtags = _hashtags(config.get("hashtags"))
        self.hashtag_limit = _hashtag_limit(config.get("hashtag_weekly_limit", HASHTAG_WEEKLY_LIMIT))
        if len(self.hashtags) > self.hashtag_limit:
            raise ConnectorError(
                f"The Instagram source follows {len(self.hashtags)} hashtags, over its weekly limit of "
                f"{self.hashtag_limit}",
                permanent=True,
                how_to_fix=f"Follow at most {self.hashtag_limit} hashtags: Meta counts every unique hashtag "
                "an account queries in 7 days.",
            )
        self.client = GraphClient(
            token=required_setting(config, "access_token", "Instagram", GUIDE),
            app_secret=str(config.get("app_secret") or "").strip(),
            fixes=INSTAGRAM_FIXES,
        )

    def plan_queries(self, query: SourceQuery) -> list[SourceQuery]:
        if query.key != self.hospital_key:
            return []
        edges = EDGES if self.hashtags else EDGES[:2]
        return [
            SourceQuery(key=f"{query.key}#instagram:{self.ig_user_id}:{edge}", terms=query.terms)
            for edge in edges
        ]

    def fetch(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        edge = query.key.rpartition(":")[2]
        if edge not in EDGES or f"#instagram:{self.ig_user_id}:" not in query.key:
            raise ConnectorError(
                f"The query {query.key!r} is not one of this Instagram source's",
                permanent=True,
                how_to_fix="Fetch the queries InstagramConnector.plan_queries returns.",
            )
        now = utc_now()
        poll = ListingPoll.read(cursor, now, "Instagram")
        calls_before = self.client.calls
        context = {"account_id": self.ig_user_id, "hospital_name": review_hospital_name(query.terms)}
        self.client.require_headroom()
        gaps: tuple[CoverageGap, ...] = ()
        if edge == "hashtags":
            return self._hashtag_page(poll, cursor, now, context)
        if edge == "comments":
            items, after = self._media_page(poll, context)
            if not cursor:
                gaps = (CoverageGap(start=now, end=None, reason=UNSUPPORTED_DETAIL, kind="unsupported"),)
        else:
            items, after = self._tagged_page(poll, context)
        return FetchResult(
            items=items,
            next_cursor=poll.next_cursor(finished=after is None, after=after),
            has_more=after is not None,
            api_calls=self.client.calls - calls_before,
            coverage_gaps=gaps,
        )

    def _media_page(
        self, poll: ListingPoll, context: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of the account's media, newest first, with the comments and replies on each."""
        window_start = poll.started_at - self.window
        params: dict[str, Any] = {"fields": MEDIA_FIELDS, "limit": PAGE_SIZE}
        if poll.after:
            params["after"] = poll.after
        body = self.client.get(f"{self.ig_user_id}/media", params)
        items: list[dict[str, Any]] = []
        past_window = False
        for media in data_list(body, "Instagram"):
            if not isinstance(media, dict):
                continue
            published = parse_time(media.get("timestamp"))
            if published is not None and published < window_start:
                past_window = True
                break
            media_context = {
                **context,
                "kind": "comment",
                "media_id": media.get("id"),
                "media_permalink": media.get("permalink"),
                "media_caption": str(media.get("caption") or "")[:280],
            }
            items.extend(self._new_comments(media, poll, window_start, media_context))
        return items, None if past_window else paging_after(body)

    def _new_comments(
        self, media: Mapping[str, Any], poll: ListingPoll, window_start: datetime, context: dict[str, Any]
    ) -> list[dict[str, Any]]:
        listing = media.get("comments") if isinstance(media.get("comments"), Mapping) else {}
        found: list[dict[str, Any]] = []
        while True:
            for comment in data_list(listing, "Instagram"):
                if not isinstance(comment, dict):
                    continue
                if poll.take(comment.get("id"), parse_time(comment.get("timestamp")), window_start):
                    found.append({**{k: v for k, v in comment.items() if k != "replies"}, **context})
                replies = comment.get("replies") if isinstance(comment.get("replies"), Mapping) else {}
                for reply in data_list(replies, "Instagram"):
                    if isinstance(reply, dict) and poll.take(
                        reply.get("id"), parse_time(reply.get("timestamp")), window_start
                    ):
                        found.append({**reply, **context, "parent_id": comment.get("id")})
            after = paging_after(listing)
            media_id = media.get("id")
            # Comments are not listed strictly by time, so every page of a media with more than one is read.
            if after is None or not isinstance(media_id, str):
                return found
            self.client.require_headroom()
            listing = self.client.get(
                f"{media_id}/comments",
                {
                    "fields": "id,text,timestamp,username,like_count,replies{id,text,timestamp,username,"
                    "like_count}",
                    "limit": COMMENTS_PER_MEDIA,
                    "after": after,
                },
            )

    def _tagged_page(
        self, poll: ListingPoll, context: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], str | None]:
        params: dict[str, Any] = {"fields": TAGGED_FIELDS, "limit": PAGE_SIZE}
        if poll.after:
            params["after"] = poll.after
        body = self.client.get(f"{self.ig_user_id}/tags", params)
        first_poll_start = poll.started_at - self.window
        items: list[dict[str, Any]] = []
        for media in data_list(body, "Instagram"):
            if not isinstance(media, dict):
                continue
            published = parse_time(media.get("timestamp"))
            if published is not None and published < poll.threshold(first_poll_start):
                return items, None  # Newest first: the rest was settled by earlier polls.
            if poll.take(media.get("id"), published, first_poll_start):
                items.append({**media, **context, "kind": "media", "found_by": "tag"})
        return items, paging_after(body)

    def _hashtag_page(
        self, poll: ListingPoll, cursor: Mapping[str, Any], now: datetime, context: dict[str, Any]
    ) -> FetchResult:
        """One page of one hashtag's recent media. The poll walks the hashtags in order (`index` in the
        poll state); a hashtag is only queried when the weekly ledger has room for it."""
        calls_before = self.client.calls
        ledger = {
            tag: at
            for tag, at in dict(cursor.get("ledger") or {}).items()
            if (parse_time(at) or now) > now - HASHTAG_PERIOD
        }
        hashtag_ids = dict(cursor.get("hashtag_ids") or {})
        deferred = dict(cursor.get("deferred") or {})
        index = int(poll.extra.get("index") or 0)
        pages = int(poll.extra.get("pages") or 0)
        first_poll_start = poll.started_at - HASHTAG_REACH
        gaps: list[CoverageGap] = []
        if index == 0 and pages == 0 and poll.polled_at and poll.polled_at < now - HASHTAG_REACH:
            gaps.append(
                CoverageGap(start=poll.polled_at, end=now - HASHTAG_REACH, reason=HASHTAG_WINDOW_DETAIL)
            )
        items: list[dict[str, Any]] = []
        after: str | None = None
        tag = self.hashtags[index] if index < len(self.hashtags) else None
        if tag is not None and tag not in ledger and len(ledger) >= self.hashtag_limit:
            frees_at = min(parse_time(at) or now for at in ledger.values()) + HASHTAG_PERIOD
            if deferred.get(tag) != frees_at.isoformat():
                deferred[tag] = frees_at.isoformat()
                gaps.append(
                    CoverageGap(
                        start=now,
                        end=frees_at,
                        reason=f"#{tag} waits for Instagram's limit of {self.hashtag_limit} hashtags a week",
                        kind="rate_limit",
                    )
                )
        elif tag is not None:
            deferred.pop(tag, None)
            # The 7-day count starts at the first query and is not restarted by later ones.
            ledger.setdefault(tag, now.isoformat())
            if tag not in hashtag_ids:
                found = self.client.get("ig_hashtag_search", {"user_id": self.ig_user_id, "q": tag})
                ids = [entry.get("id") for entry in data_list(found, "Instagram") if isinstance(entry, dict)]
                if not ids or not isinstance(ids[0], str):
                    raise ConnectorError(
                        f"Instagram has no hashtag #{tag}",
                        permanent=True,
                        how_to_fix="Check the spelling of the hashtag on the source's settings (without #).",
                    )
                hashtag_ids[tag] = ids[0]
            params: dict[str, Any] = {
                "user_id": self.ig_user_id,
                "fields": HASHTAG_MEDIA_FIELDS,
                "limit": HASHTAG_PAGE_SIZE,
            }
            if poll.after:
                params["after"] = poll.after
            body = self.client.get(f"{hashtag_ids[tag]}/recent_media", params)
            reached_old = False
            for media in data_list(body, "Instagram"):
                if not isinstance(media, dict):
                    continue
                published = parse_time(media.get("timestamp"))
                if published is not None and published < poll.threshold(first_poll_start):
                    reached_old = True
                    continue
                if poll.take(media.get("id"), published, first_poll_start):
                    items.append({**media, **context, "kind": "media", "found_by": f"#{tag}"})
            if not reached_old and pages + 1 < HASHTAG_PAGES_PER_POLL:
                after = paging_after(body)
        if after is not None:
            next_index, next_pages = index, pages + 1
        else:
            next_index, next_pages = index + 1, 0
        finished = next_index >= len(self.hashtags)
        state = {"ledger": ledger, "hashtag_ids": hashtag_ids, "deferred": deferred}
        next_cursor = poll.next_cursor(finished=finished, after=after, index=next_index, pages=next_pages)
        return FetchResult(
            items=items,
            next_cursor={**next_cursor, **state},
            has_more=not finished,
            api_calls=self.client.calls - calls_before,
            coverage_gaps=tuple(gaps),
        )

    def fetch_mention(self, ref: MentionRef, *, hospital_name: str) -> dict[str, Any]:
        """The caption or comment a webhook said mentions the account, as a raw item for `normalize` (one
        call). Raises MentionUnavailable when it is gone, ConnectorError otherwise."""
        if ref.account_id != self.ig_user_id:
            raise ConnectorError(
                f"The mention is for Instagram account {ref.account_id}, not this source's",
                permanent=True,
                how_to_fix="Notifications are routed by account id; this one reached the wrong source.",
            )
        self.client.require_headroom()
        edge, key, selector = (
            ("mentioned_comment", "comment_id", MENTIONED_COMMENT_FIELDS)
            if ref.comment_id
            else ("mentioned_media", "media_id", MENTIONED_MEDIA_FIELDS)
        )
        target = ref.comment_id or ref.media_id
        try:
            body = self.client.get(self.ig_user_id, {"fields": f"{edge}.{key}({target}){{{selector}}}"})
        except ConnectorError as error:
            # The client's catch-all for unknown errors is the not-found fix: for a single mentioned item
            # that means the item, not the account, is out of reach.
            if error.permanent and error.how_to_fix == NOT_FOUND_FIX:
                raise MentionUnavailable(str(error), how_to_fix=MENTION_GONE_FIX) from error
            raise
        item = body.get(edge)
        if not isinstance(item, dict) or str(item.get("id") or "") != target:
            raise MentionUnavailable(
                f"Instagram returned no {edge.replace('_', ' ')} {target}", how_to_fix=MENTION_GONE_FIX
            )
        context = {"account_id": self.ig_user_id, "hospital_name": hospital_name, "found_by": "mention"}
        if not ref.comment_id:
            return {**item, **context, "kind": "media"}
        media = item.get("media") if isinstance(item.get("media"), dict) else {}
        return {
            **{k: v for k, v in item.items() if k != "media"},
            **context,
            "kind": "comment",
            "media_id": media.get("id") or ref.media_id,
            "media_permalink": media.get("permalink"),
        }

    def check_connection(self, query: SourceQuery) -> str:
        """Reads the account's username through the token (one call), then one comment-bearing media page
        of size one, which needs the comment permissions."""
        account = self.client.get(self.ig_user_id, {"fields": "id,username"})
        self.client.get(f"{self.ig_user_id}/media", {"fields": "id,comments_count", "limit": 1})
        return (
            f"Instagram answered for @{account.get('username') or self.ig_user_id}: its media and comments "
            f"are readable; {len(self.hashtags)} hashtag(s) followed. Nothing stored."
        )

    def normalize(self, raw: Mapping[str, Any]) -> MentionData:
        kind = raw.get("kind")
        if kind == "comment":
            return _normalize_comment(raw)
        if kind == "media":
            return _normalize_media(raw)
        raise NormalizationError(f"field 'kind' must be comment or media, got {kind!r:.40}")

    # Public replies (triage/services/replies.py), as the account: POST /{ig-comment-id}/replies under a
    # comment on its own media; POST /{ig-user-id}/mentions under a caption or comment of someone else's
    # media that @mentions it, the only way Instagram lets apps answer those.

    def reply_parent(self, *, external_id: str, raw: Mapping[str, Any]) -> str:
        """`mention:<media-id>` for a caption @mention, `mention:<media-id>:<comment-id>` for a comment
        @mention (fetch_mention stores them with `found_by` "mention"); anything polled keeps its external
        id. Raises ConnectorError when the mention was of another account than this source's."""
        if raw.get("found_by") != "mention":
            return external_id
        account_id = str(raw.get("account_id") or "")
        if account_id and account_id != self.ig_user_id:
            raise ConnectorError(
                f"This @mention was of Instagram account {account_id:.30}, not of this source's account "
                f"{self.ig_user_id}; only the account that was mentioned can answer it.",
                permanent=True,
                how_to_fix="Reply in the Instagram app as the account that was mentioned, then mark the item "
                "as handled elsewhere.",
            )
        kind, _, item_id = external_id.partition(":")
        if kind == "media":
            return f"mention:{item_id}"
        if kind == "comment":
            return f"mention:{raw.get('media_id') or ''}:{item_id}"
        return external_id

    def send_reply(self, *, parent_external_id: str, text: str) -> SentReply:
        """Reply as the account to a comment on its media, or to an @mention (see reply_parent). Instagram
        takes no idempotency key, so a retry calls find_existing_reply first. Raises ConnectorError."""
        parent = _reply_parent(parent_external_id)
        data = {"message": text}
        if parent.mentioned:
            path, refused_fix = f"{self.ig_user_id}/mentions", MENTION_REPLY_FIX
            data["media_id"] = parent.media_id
            if parent.comment_id:
                data["comment_id"] = parent.comment_id
        else:
            path, refused_fix = f"{parent.comment_id}/replies", REPLY_FIX
        self.client.require_headroom()
        try:
            answer = self.client.post(path, data)
        except ConnectorError as error:
            if error.permanent and error.how_to_fix == NOT_FOUND_FIX:
                raise ConnectorError(str(error), permanent=True, how_to_fix=refused_fix) from error
            raise
        reply_id = answer.get("id")
        if not isinstance(reply_id, str) or not NUMERIC_ID.match(reply_id):
            raise TransientConnectorError(f"Instagram answered the reply without an id: {answer!r:.200}")
        # Instagram has no web address for a single comment; the reply is found under the post.
        return SentReply(platform_reply_id=reply_id, url="")

    def find_existing_reply(self, *, parent_external_id: str, text: str) -> SentReply | None:
        """The account's reply with this text under the comment, or under the @mention, if an earlier
        attempt posted it. Raises ConnectorError."""
        parent = _reply_parent(parent_external_id)
        if parent.mentioned:
            return self._find_mention_reply(parent, text)
        account = self.client.get(self.ig_user_id, {"fields": "username"})
        answer = self.client.get(
            f"{parent.comment_id}/replies", {"fields": OWN_REPLY_FIELDS, "limit": REPLY_LOOK_LIMIT}
        )
        return _own_reply(data_list(answer, "Instagram"), username=account.get("username"), text=text)

    def _find_mention_reply(self, parent: "_ReplyParent", text: str) -> SentReply | None:
        """Someone else's media can only be read through the mention: the replies under a mentioned comment
        (mentioned_comment's replies) or the comments on a mentioned caption's media (mentioned_media's
        comments, where a reply to a caption lands). One call, with the account's username."""
        listing = f"limit({REPLY_LOOK_LIMIT}){{{OWN_REPLY_FIELDS}}}"
        if parent.comment_id:
            edge, expansion = "mentioned_comment", f"comment_id({parent.comment_id}){{replies.{listing}}}"
        else:
            edge, expansion = "mentioned_media", f"media_id({parent.media_id}){{comments.{listing}}}"
        try:
            body = self.client.get(self.ig_user_id, {"fields": f"username,{edge}.{expansion}"})
        except ConnectorError as error:
            # The client's catch-all is the not-found fix, which would blame ig_user_id for a mention that
            # is out of reach.
            if error.permanent and error.how_to_fix == NOT_FOUND_FIX:
                raise ConnectorError(str(error), permanent=True, how_to_fix=MENTION_LOOK_FIX) from error
            raise
        item = body.get(edge)
        if not isinstance(item, Mapping):
            # Without the mention there is no telling whether the reply is there: never post on a guess.
            raise ConnectorError(
                f"Instagram returned no {edge.replace('_', ' ')} to look under", how_to_fix=MENTION_LOOK_FIX
            )
        # The Graph API leaves an empty edge out of the answer: no comments at all.
        comments = item.get("replies" if parent.comment_id else "comments")
        listed = data_list(comments, "Instagram") if isinstance(comments, Mapping) else []
        return _own_reply(listed, username=body.get("username"), text=text)


@dataclass(frozen=True, slots=True)
class _ReplyParent:
    """What a reply answers: a comment on the account's own media, or an @mention in someone else's caption
    (media id only) or comment (media and comment ids)."""

    comment_id: str = ""
    media_id: str = ""
    mentioned: bool = False


def _own_reply(listed: Sequence[Any], *, username: Any, text: str) -> SentReply | None:
    """The account's comment with this text among `listed`, compared as the platform may have trimmed it."""
    wanted = comparable_text(text)
    for comment in listed:
        if (
            isinstance(comment, dict)
            and username
            and comment.get("username") == username
            and isinstance(comment.get("text"), str)
            and comparable_text(comment["text"]) == wanted
            and isinstance(comment.get("id"), str)
        ):
            return SentReply(platform_reply_id=comment["id"], url="")
    return None


def _normalize_comment(raw: Mapping[str, Any]) -> MentionData:
    comment_id = _numeric_id(raw)
    hospital_name = fields.optional_str(raw, "hospital_name")
    parent_id = fields.optional_str(raw, "parent_id")
    found_by = fields.optional_str(raw, "found_by")
    title = "Instagram comment"
    if hospital_name:
        title = (
            f"Instagram comment mentioning {hospital_name}"
            if found_by == "mention"
            else f"Comment on {hospital_name}'s Instagram"
        )
    return MentionData(
        platform="instagram",
        external_id=f"comment:{comment_id}",
        text=fields.required_str(raw, "text"),
        title=title,
        posted_at=fields.timestamp(raw, "timestamp"),
        url=fields.optional_str(raw, "media_permalink"),
        author_handle=fields.optional_str(raw, "username"),
        likes=fields.count(raw, "like_count"),
        raw=raw,
        extra={
            "kind": "comment",
            "media_id": fields.optional_str(raw, "media_id"),
            "parent_id": parent_id,
            "is_reply": bool(parent_id),
            "media_excerpt": fields.optional_str(raw, "media_caption"),
            "found_by": found_by or "own_media",
        },
    )


def _normalize_media(raw: Mapping[str, Any]) -> MentionData:
    media_id = _numeric_id(raw)
    hospital_name = fields.optional_str(raw, "hospital_name")
    found_by = fields.optional_str(raw, "found_by")
    title = "Instagram post"
    if hospital_name:
        title = {
            "tag": f"Instagram post tagging {hospital_name}",
            "mention": f"Instagram post mentioning {hospital_name}",
        }.get(found_by, f"Instagram post with {found_by} ({hospital_name})")
    return MentionData(
        platform="instagram",
        external_id=f"media:{media_id}",
        text=fields.optional_str(raw, "caption") or "(post without a caption)",
        title=title,
        posted_at=fields.timestamp(raw, "timestamp"),
        url=fields.optional_str(raw, "permalink"),
        # Media found through a hashtag comes without its author; Meta does not return it.
        author_handle=fields.optional_str(raw, "username"),
        likes=fields.count(raw, "like_count"),
        replies=fields.count(raw, "comments_count"),
        raw=raw,
        extra={"kind": "media", "found_by": found_by, "media_type": fields.optional_str(raw, "media_type")},
    )


def _numeric_id(raw: Mapping[str, Any]) -> str:
    value = fields.required_str(raw, "id")
    if not NUMERIC_ID.match(value):
        raise NormalizationError(f"field 'id' is not an Instagram id, got {value!r:.40}")
    return value


def _reply_parent(parent_external_id: str) -> _ReplyParent:
    kind, _, rest = str(parent_external_id).partition(":")
    if kind == "mention":
        media_id, _, comment_id = rest.partition(":")
        if NUMERIC_ID.match(media_id) and (not comment_id or NUMERIC_ID.match(comment_id)):
            return _ReplyParent(comment_id=comment_id, media_id=media_id, mentioned=True)
        raise ConnectorError(
            f"{parent_external_id!r:.60} is not an Instagram @mention with a media id, so there is nothing "
            "to reply to.",
            permanent=True,
            how_to_fix="Reply in the Instagram app and mark the item as handled elsewhere.",
        )
    return _ReplyParent(comment_id=_reply_comment(kind, rest, parent_external_id))


def _reply_comment(kind: str, comment_id: str, parent_external_id: str) -> str:
    if kind == "media":
        raise ConnectorError(
            "Instagram does not let apps comment on posts found through tags or hashtags.",
            permanent=True,
            how_to_fix="Reply in the Instagram app, then mark the item as handled elsewhere.",
        )
    if kind != "comment" or not NUMERIC_ID.match(comment_id):
        raise ConnectorError(
            f"{parent_external_id!r:.40} is not an Instagram comment, so there is nothing to reply to.",
            permanent=True,
            how_to_fix="Reply in the Instagram app and mark the item as handled elsewhere.",
        )
    return comment_id


def _hashtags(value: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ConnectorError(
            "Instagram source setting 'hashtags' must be a list",
            permanent=True,
            how_to_fix='Enter hashtags as a list without "#", e.g. ["riversidegeneral"].',
        )
    tags = []
    for entry in value:
        tag = entry.strip().lstrip("#").lower() if isinstance(entry, str) else None
        if not tag or not HASHTAG.match(tag):
            raise ConnectorError(
                f"{entry!r:.40} is not a hashtag",
                permanent=True,
                how_to_fix="A hashtag is letters, digits and underscores, without spaces or emoji.",
            )
        tags.append(tag)
    return tuple(dict.fromkeys(tags))


def _hashtag_limit(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= HASHTAG_WEEKLY_LIMIT:
        raise ConnectorError(
            f"Instagram source setting 'hashtag_weekly_limit' must be 0 to 30, got {value!r:.20}",
            permanent=True,
            how_to_fix="Set hashtag_weekly_limit to at most 30 (Meta's limit), or remove it.",
        )
    return value
