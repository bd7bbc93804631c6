"""Google Business Profile reviews of the hospital's own verified locations (the v4 reviews API).

Config keys (the source's `config`):
- `client_id`, `client_secret` (required): an OAuth client of the Google Cloud project that Google approved
  for the Business Profile APIs.
- `refresh_token` (required): issued when an owner or manager of the locations authorized that client for the
  `https://www.googleapis.com/auth/business.manage` scope.
- `account_id` (required): the Business Profile account, e.g. "accounts/112233445566778899000" or the number.
- `location_ids` (required): the locations to read, e.g. ["locations/1234567890123456789"] or the numbers.
- `hospital_key` (required): the key of the tracked hospital these locations belong to, e.g.
  "hospital:riverside". Every review of these locations is about that hospital, so the query's terms are not
  searched; `plan_queries` gives one query per location for that hospital and none for the others.

Reviews are listed newest update first. The cursor is `{"newest_update_time": <RFC 3339>, "ids_at_newest":
[<review name>, ...]}`; a poll pages back until it meets a review updated before that time. While it pages,
the cursor also holds `"poll"` (the next page token and the marker the poll will leave), so a crash resumes at
the next page and the marker only advances once the poll's last page is stored.

Items are the review objects as Google sends them, plus `location_name` (accounts/…/locations/…) and
`hospital_name` (a name the hospital's terms look for on its own, used for the mention's title so the term
matcher files the review under its hospital even when the text never names it).
"""

import email.utils
import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import google.auth.exceptions
import google.auth.transport.requests
import requests
from google.oauth2.credentials import Credentials

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

logger = logging.getLogger(__name__)

API_ROOT = "https://mybusiness.googleapis.com/v4"
TOKEN_URI = "https://oauth2.googleapis.com/token"
SCOPE = "https://www.googleapis.com/auth/business.manage"
PAGE_SIZE = 50  # The documented maximum for reviews.list.
TIMEOUT_SECONDS = 30
DEFAULT_RETRY_AFTER = 60.0
LOCATION_SEPARATOR = "#loc:"
STAR_RATINGS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
RATING_ONLY_TEXT = "(rating only, no comment)"
RESOURCE_ID = re.compile(r"^[A-Za-z0-9_-]+$")

REAUTHORIZE_FIX = (
    "Authorize HospitalListen again as an owner or manager of the locations (for example in the OAuth 2.0 "
    "Playground with your own client id and secret, scope https://www.googleapis.com/auth/business.manage) "
    "and paste the new refresh token on the source's settings. Refresh tokens stop working when access is "
    "revoked at https://myaccount.google.com/permissions, when the password changes, after six months "
    "unused, and after 7 days while the OAuth consent screen is in 'Testing' (publish it 'In production')."
)
CLIENT_FIX = (
    "Check the OAuth client id and secret in Google Cloud Console → APIs & Services → Credentials, then "
    "paste them on the source's settings; the refresh token must have been issued to that same client."
)
ACCESS_FIX = (
    "Make sure the Google account that authorized HospitalListen is an owner or manager of the location in "
    "Business Profile, that the location is verified, and that the Cloud project was approved for the "
    "Business Profile APIs (the GBP API access form) with the 'Google My Business API' enabled under "
    "APIs & Services."
)


class _SingleAttemptTokenRequest(google.auth.transport.requests.Request):
    """google-auth retries a token refresh that failed with 5xx or 429 up to three times, sleeping between
    tries. A fetch must neither sleep nor retry (the Celery task backs off), so this transport ends the
    refresh at the first such answer with a transient error, which google-auth lets through."""

    def __call__(self, url: str, method: str = "GET", body: Any = None, headers: Any = None, **kwargs: Any):
        kwargs["timeout"] = kwargs.get("timeout") or TIMEOUT_SECONDS
        response = super().__call__(url, method=method, body=body, headers=headers, **kwargs)
        if response.status == 429 or response.status >= 500:
            raise TransientConnectorError(
                f"Google's token endpoint answered {response.status}",
                retry_after=_retry_after(response.headers) if response.status == 429 else None,
            )
        return response


@dataclass
class _Marker:
    """The newest review update stored so far and the reviews updated at exactly that time."""

    newest: datetime | None = None
    newest_text: str = ""
    ids: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, cursor: Mapping[str, Any]) -> "_Marker":
        text = cursor.get("newest_update_time")
        if not text:
            return cls()
        parsed = _parse_time(text)
        ids = cursor.get("ids_at_newest") or []
        if parsed is None or not isinstance(ids, list):
            raise ConnectorError(
                f"The stored Google reviews cursor is damaged: {dict(cursor)!r:.200}",
                permanent=True,
                how_to_fix="Delete the source's stored cursor so the next poll starts afresh.",
            )
        return cls(newest=parsed, newest_text=str(text), ids={str(name) for name in ids})

    def holds(self, updated: datetime, name: str) -> bool:
        return self.newest is not None and updated == self.newest and name in self.ids

    def including(self, reviews: Sequence[tuple[str, datetime, str]]) -> "_Marker":
        marker = _Marker(newest=self.newest, newest_text=self.newest_text, ids=set(self.ids))
        for name, updated, updated_text in reviews:
            if marker.newest is None or updated > marker.newest:
                marker.newest, marker.newest_text, marker.ids = updated, updated_text, {name}
            elif updated == marker.newest:
                marker.ids.add(name)
        return marker

    def as_cursor(self) -> dict[str, Any]:
        if self.newest is None:
            return {}
        return {"newest_update_time": self.newest_text, "ids_at_newest": sorted(self.ids)}


class GoogleReviewsConnector(Connector):
    kind = "google_reviews"

    def __init__(self, config: Mapping[str, Any]):
        super().__init__(config)
        self.account_id = _resource_id(_required_setting(config, "account_id"), "accounts/", "account_id")
        self.location_ids = _location_ids(config.get("location_ids"))
        self.hospital_key = _required_setting(config, "hospital_key")
        self._credentials = Credentials(
            token=None,
            refresh_token=_required_setting(config, "refresh_token"),
            client_id=_required_setting(config, "client_id"),
            client_secret=_required_setting(config, "client_secret"),
            token_uri=TOKEN_URI,
            scopes=[SCOPE],
        )
        self._session = google.auth.transport.requests.AuthorizedSession(
            self._credentials,
            auth_request=_SingleAttemptTokenRequest(requests.Session()),
            # One refresh when Google rejects a token; more would only repeat a refused refresh.
            max_refresh_attempts=1,
        )

    def plan_queries(self, query: SourceQuery) -> list[SourceQuery]:
        """One query per location, for the configured hospital only: the same locations listed once per
        tracked hospital would be read many times over."""
        if query.key != self.hospital_key:
            return []
        return [
            SourceQuery(key=f"{query.key}{LOCATION_SEPARATOR}{location_id}", terms=query.terms)
            for location_id in self.location_ids
        ]

    def fetch(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        location_id = self._location_of(query)
        location_name = f"accounts/{self.account_id}/locations/{location_id}"
        settled = _Marker.read(cursor)
        poll = cursor.get("poll")
        if isinstance(poll, Mapping):
            pending, page_token = _Marker.read(poll), poll.get("page_token")
        else:
            pending, page_token = settled, None

        params: dict[str, str | int] = {"pageSize": PAGE_SIZE, "orderBy": "updateTime desc"}
        if page_token:
            params["pageToken"] = page_token
        token_before = self._credentials.token
        response = self._get(f"{API_ROOT}/{location_name}/reviews", params)
        api_calls = 1 if self._credentials.token == token_before else 2
        if response.status_code == 400 and page_token:
            # A page token from an interrupted poll can expire. Start the poll again from the newest review:
            # the reviews its stored pages already gave come again and the unique constraint absorbs them.
            logger.warning(
                "google reviews: page token for %s was refused; restarting the poll", location_name
            )
            return FetchResult(items=[], next_cursor=settled.as_cursor(), has_more=True, api_calls=api_calls)
        if response.status_code != 200:
            raise _http_error(response, location_name)
        body = _json_body(response)
        reviews = body.get("reviews") or []
        if not isinstance(reviews, list):
            raise TransientConnectorError("Google sent a reviews list that is not a list")

        hospital_name = review_hospital_name(query.terms)
        items: list[dict[str, Any]] = []
        placed: list[tuple[str, datetime, str]] = []
        reached_settled = False
        for review in reviews:
            if not isinstance(review, dict):
                continue
            name, updated_text = review.get("name"), review.get("updateTime")
            updated = _parse_time(updated_text)
            if updated is not None and settled.newest is not None and updated < settled.newest:
                reached_settled = True
                break
            if isinstance(name, str) and updated is not None:
                if settled.holds(updated, name) or pending.holds(updated, name):
                    continue
                placed.append((name, updated, str(updated_text)))
            items.append({**review, "location_name": location_name, "hospital_name": hospital_name})
        pending = pending.including(placed)

        next_page_token = body.get("nextPageToken")
        finished = (
            reached_settled or not reviews or not isinstance(next_page_token, str) or not next_page_token
        )
        if finished:
            next_cursor = pending.as_cursor()
        else:
            next_cursor = {
                **settled.as_cursor(),
                "poll": {**pending.as_cursor(), "page_token": next_page_token},
            }
        # The Business Profile APIs have no per-call price; quota is the only limit.
        return FetchResult(items=items, next_cursor=next_cursor, has_more=not finished, api_calls=api_calls)

    def normalize(self, raw: Mapping[str, Any]) -> MentionData:
        name = fields.required_str(raw, "name")
        if "/reviews/" not in name:
            raise NormalizationError(
                f"field 'name' must be a review name (accounts/…/reviews/…), got {name!r:.60}"
            )
        rating = _star_rating(raw)
        comment = fields.optional_str(raw, "comment")
        if not comment and rating is None:
            raise NormalizationError("review has neither a 'comment' nor a 'starRating'")
        reviewer = _object(raw, "reviewer")
        anonymous = reviewer.get("isAnonymous") is True
        reply = _object(raw, "reviewReply")
        hospital_name = fields.optional_str(raw, "hospital_name")
        return MentionData(
            platform="google_reviews",
            external_id=name,
            text=comment or RATING_ONLY_TEXT,
            title=f"Google review of {hospital_name}" if hospital_name else "Google review",
            posted_at=fields.timestamp(raw, "createTime"),
            # The API gives no link to a single review; Maps shows them only inside the place's page.
            url="",
            author_name="" if anonymous else fields.optional_str(reviewer, "displayName"),
            rating=rating,
            raw=raw,
            extra={
                "location": fields.optional_str(raw, "location_name"),
                "updated_at": fields.optional_str(raw, "updateTime"),
                "reviewer_is_anonymous": anonymous,
                "reply": fields.optional_str(reply, "comment"),
                "replied_at": fields.optional_str(reply, "updateTime"),
            },
        )

    def _location_of(self, query: SourceQuery) -> str:
        _, separator, location_id = query.key.rpartition(LOCATION_SEPARATOR)
        if not separator or location_id not in self.location_ids:
            raise ConnectorError(
                f"The query {query.key!r} names none of this source's Business Profile locations",
                permanent=True,
                how_to_fix="Fetch the queries GoogleReviewsConnector.plan_queries returns, one per location.",
            )
        return location_id

    def _get(self, url: str, params: Mapping[str, str | int]) -> requests.Response:
        try:
            return self._session.get(url, params=params, timeout=TIMEOUT_SECONDS)
        except google.auth.exceptions.RefreshError as error:
            raise _refresh_error(error) from error
        except google.auth.exceptions.TransportError as error:
            raise TransientConnectorError(f"Could not reach Google's token endpoint: {error}") from error
        except requests.RequestException as error:
            raise TransientConnectorError(f"Could not reach the Business Profile API: {error}") from error


def review_hospital_name(terms: tuple[str, ...]) -> str:
    """The name to title a review with: the first term whose query matches its own name on its own (a
    plain name, not one that needs co-terms), so the term matcher files the review under the hospital."""
    names = []
    for query in filter(None, map(fields.read_query, terms)):
        for phrase in query.positive_phrases():
            if query.matches(phrase):
                return phrase
            names.append(phrase)
    return names[0] if names else ""


def _required_setting(config: Mapping[str, Any], key: str) -> str:
    value = config.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConnectorError(
            f"Google reviews source is missing '{key}'",
            permanent=True,
            how_to_fix=f"Fill in '{key}' on the source's settings; docs/sources/google_reviews.md says where "
            "each value comes from.",
        )
    return value.strip()


def _resource_id(value: str, prefix: str, key: str) -> str:
    resource_id = value.strip().strip("/").removeprefix(prefix)
    if not RESOURCE_ID.match(resource_id):
        raise ConnectorError(
            f"Google reviews source setting '{key}' is not an id: {value!r:.60}",
            permanent=True,
            how_to_fix=f"Enter the id as '{prefix}<number>' or just the number.",
        )
    return resource_id


def _location_ids(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise ConnectorError(
            "Google reviews source needs 'location_ids', a list of locations",
            permanent=True,
            how_to_fix='Enter the locations as a list, e.g. ["locations/1234567890123456789"].',
        )
    ids = []
    for entry in value:
        if not isinstance(entry, str):
            raise ConnectorError(
                f"Location {entry!r:.40} is not text",
                permanent=True,
                how_to_fix="Enter each location as text.",
            )
        ids.append(_resource_id(entry.split("/locations/")[-1], "locations/", "location_ids"))
    return tuple(dict.fromkeys(ids))


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _retry_after(headers: Mapping[str, str]) -> float:
    value = headers.get("retry-after") or headers.get("Retry-After")
    if not value:
        return DEFAULT_RETRY_AFTER
    try:
        return max(1.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER
    return max(1.0, moment.timestamp() - time.time())


def _json_body(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise TransientConnectorError("Google sent a reviews answer that is not JSON") from None
    if not isinstance(body, dict):
        raise TransientConnectorError("Google sent a reviews answer that is not an object")
    return body


def _google_error(response: requests.Response) -> tuple[str, str]:
    """Google's error status (e.g. PERMISSION_DENIED) and message from an error body."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return "", response.reason or ""
    if not isinstance(error, dict):
        return "", response.reason or ""
    return str(error.get("status") or ""), str(error.get("message") or response.reason or "")


def _http_error(response: requests.Response, location_name: str) -> ConnectorError:
    status = response.status_code
    code, message = _google_error(response)
    said = f"{status} {code}: {message}".strip()
    if status == 429:
        return TransientConnectorError(
            f"The Business Profile API quota is used up ({said})", retry_after=_retry_after(response.headers)
        )
    if status >= 500:
        return TransientConnectorError(f"The Business Profile API is having trouble ({said})")
    if status == 401:
        return ConnectorError(
            f"Google did not accept the access token ({said})", permanent=True, how_to_fix=REAUTHORIZE_FIX
        )
    if status == 403:
        return ConnectorError(
            f"Google refused access to the reviews of {location_name} ({said})",
            permanent=True,
            how_to_fix=ACCESS_FIX,
        )
    if status == 404:
        return ConnectorError(
            f"Google has no location {location_name} ({said})",
            permanent=True,
            how_to_fix="Check account_id and location_ids: list them with the Account Management API "
            "(accounts.list) and the Business Information API (accounts.locations.list).",
        )
    return ConnectorError(
        f"Google rejected the reviews request for {location_name} ({said})",
        permanent=True,
        how_to_fix="Check account_id and location_ids on the source's settings.",
    )


def _refresh_error(error: google.auth.exceptions.RefreshError) -> ConnectorError:
    details = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], dict) else {}
    reason = str(details.get("error") or "")
    if reason in {"invalid_client", "unauthorized_client"}:
        return ConnectorError(
            f"Google refused the OAuth client: {error}", permanent=True, how_to_fix=CLIENT_FIX
        )
    return ConnectorError(
        f"Google would not refresh the access token: {error}", permanent=True, how_to_fix=REAUTHORIZE_FIX
    )


def _star_rating(raw: Mapping[str, Any]) -> int | None:
    value = raw.get("starRating")
    if value in (None, "", "STAR_RATING_UNSPECIFIED"):
        return None
    if not isinstance(value, str) or value not in STAR_RATINGS:
        raise NormalizationError(f"field 'starRating' must be ONE to FIVE, got {value!r:.40}")
    return STAR_RATINGS[value]


def _object(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise NormalizationError(f"field '{key}' must be an object, got {type(value).__name__}")
    return value
