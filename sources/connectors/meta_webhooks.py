"""Meta webhooks (Instagram): checking that a notification is Meta's, and reading the @mentions out of it.

Meta verifies a callback URL once with a GET carrying `hub.mode=subscribe`, `hub.verify_token` (the string
typed into the app dashboard) and `hub.challenge`, which must be echoed. Every notification is then a POST
whose `X-Hub-Signature-256` header is `sha256=` and the HMAC-SHA256 of the raw body keyed with the app
secret. An Instagram `mentions` notification only names what was mentioned:

    {"object": "instagram", "entry": [{"id": "<ig-user-id>", "time": 1520383571, "changes": [
        {"field": "mentions", "value": {"media_id": "17918195224117851", "comment_id": "17894227972186120"}}
    ]}]}

`comment_id` is there when the account was @mentioned in a comment; without it, in the media's caption.
The connector then reads the item itself (InstagramConnector.fetch_mention). Nothing here touches the
database or the network.
"""

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SIGNATURE_HEADER = "X-Hub-Signature-256"
SIGNATURE_PREFIX = "sha256="
# Meta sends a number; anything else is refused rather than echoed into a response.
CHALLENGE = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
NUMERIC_ID = re.compile(r"^[0-9]{1,30}$")


@dataclass(frozen=True, slots=True)
class MentionRef:
    """One @mention Meta announced: the media, and the comment when the mention is in a comment."""

    account_id: str
    media_id: str
    comment_id: str = ""

    @property
    def external_id(self) -> str:
        return f"comment:{self.comment_id}" if self.comment_id else f"media:{self.media_id}"


def signature_matches(*, body: bytes, header: str, app_secret: str) -> bool:
    """Whether `header` is the signature of `body` with this app secret, compared in constant time."""
    if not app_secret or not header.startswith(SIGNATURE_PREFIX):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len(SIGNATURE_PREFIX) :].strip().lower())


def verify_token_matches(*, given: str, tokens: Iterable[str]) -> bool:
    """Whether the verify token Meta sent is one of the sources' tokens. Every token is compared, in
    constant time, so the answer's timing says nothing about which one came close."""
    found = False
    for token in tokens:
        if token and hmac.compare_digest(token.encode(), given.encode()):
            found = True
    return found


def challenge_valid(challenge: str) -> bool:
    return bool(CHALLENGE.match(challenge))


def notified_accounts(payload: Any) -> set[str]:
    """The Instagram account ids a notification is about (its entries' ids)."""
    return {
        str(entry["id"])
        for entry in _instagram_entries(payload)
        if NUMERIC_ID.match(str(entry.get("id") or ""))
    }


def mention_refs(payload: Any, *, account_id: str) -> list[MentionRef]:
    """The @mentions of one account in a notification, in order, each once. Other fields (comments,
    story insights) and malformed changes are skipped: polling hears comments on the account's own media."""
    refs: list[MentionRef] = []
    for entry in _instagram_entries(payload):
        if str(entry.get("id") or "") != account_id:
            continue
        for change in _list(entry.get("changes")):
            if not isinstance(change, Mapping) or change.get("field") != "mentions":
                continue
            value = change.get("value")
            value = value if isinstance(value, Mapping) else {}
            media_id, comment_id = str(value.get("media_id") or ""), str(value.get("comment_id") or "")
            if not NUMERIC_ID.match(media_id) or (comment_id and not NUMERIC_ID.match(comment_id)):
                continue
            ref = MentionRef(account_id=account_id, media_id=media_id, comment_id=comment_id)
            if ref not in refs:
                refs.append(ref)
    return refs


def _instagram_entries(payload: Any) -> list[Mapping[str, Any]]:
    """The entries of an Instagram notification. Meta's examples for Instagram Login wrap the notification
    in a list, those for Facebook Login do not: both are read."""
    notifications = payload if isinstance(payload, list) else [payload]
    return [
        entry
        for notification in notifications
        if isinstance(notification, Mapping) and notification.get("object") == "instagram"
        for entry in _list(notification.get("entry"))
        if isinstance(entry, Mapping)
    ]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
