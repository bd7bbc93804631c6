"""YouTubeConnector against recorded YouTube Data API exchanges (recordings/youtube/), through
google-api-python-client served by a requests session, so `responses` replays them at the HTTP layer."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests
import responses
from responses import matchers

from mentions.models import Mention, RejectedPayload
from sources.connectors import youtube
from sources.connectors.base import ConnectorError, SourceQuery, TransientConnectorError
from sources.connectors.youtube import YouTubeConnector
from sources.models import CoverageGap, Source, SyncRun
from sources.services import costs
from sources.services.sync import source_sync
from tests.factories import HospitalFactory, SourceFactory, TrackedTermFactory

RECORDINGS = Path(__file__).parent / "recordings" / "youtube"
NOW = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
CHANNEL = "UCx7Rv2QmL9pK3sT5wY8zA1b"
TOKEN_FORM = json.loads((RECORDINGS / "token.json").read_text())["request"]["form"]
CONFIG = {
    "client_id": TOKEN_FORM["client_id"],
    "client_secret": TOKEN_FORM["client_secret"],
    "refresh_token": TOKEN_FORM["refresh_token"],
    "channel_id": CHANNEL,
    "hospital_key": "hospital:riverside",
}
TERMS = ('"Riverside General"', '"RGH"')
HOSPITAL = SourceQuery(key="hospital:riverside", terms=TERMS)
CHANNEL_QUERY = SourceQuery(key="hospital:riverside#channel", terms=TERMS)
SEARCH_QUERY = SourceQuery(key="hospital:riverside#search", terms=TERMS)
A, A_REPLY = "UgzK3vN8pQ2rT5wY7bA4AaABAg", "UgzK3vN8pQ2rT5wY7bA4AaABAg.A1xYz9qW3eR"
B, C, D = "UgwT8mP2sD5fG1hJ4kL7AaABAg", "Ugy9bN4mQ7wE2rT6yU1iAaABAg", "UgxP5oI8uY2tR6eW9qA3AaABAg"
V1, V2, V3 = "dQ4wR8tY2uI", "Kp3nM7vB1xZ", "Lq9sT2wE5rA"


def form_matcher(expected: dict[str, str]):
    """Matches a urlencoded body; google-auth sends bytes, which responses' form matcher misreads."""

    def match(request: requests.PreparedRequest) -> tuple[bool, str]:
        body = request.body.decode() if isinstance(request.body, bytes) else request.body or ""
        sent = dict(parse_qsl(body))
        return sent == expected, f"form {sent} is not {expected}"

    return match


def replay(http: responses.RequestsMock, name: str) -> None:
    """Serve one recorded exchange only to a request with the recorded method, URL, query and form."""
    exchange = json.loads((RECORDINGS / name).read_text())
    request, response = exchange["request"], exchange["response"]
    match = []
    if "params" in request:
        match.append(matchers.query_param_matcher(request["params"]))
    if "form" in request:
        match.append(form_matcher(request["form"]))
    http.add(
        request["method"],
        request["url"],
        status=response["status"],
        headers=response.get("headers", {}),
        json=response["json"],
        match=match,
    )


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] if isinstance(item["id"], str) else item["id"]["videoId"] for item in items]


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(youtube, "utc_now", lambda: NOW)


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


# Planning


def test_plan_queries_gives_the_channel_and_a_search_for_the_channels_hospital():
    assert YouTubeConnector(CONFIG).plan_queries(HOSPITAL) == [CHANNEL_QUERY, SEARCH_QUERY]


def test_plan_queries_gives_only_a_search_for_other_hospitals_and_nothing_with_search_off():
    other = SourceQuery(key="hospital:mercy", terms=('"Mercy Valley"',))
    assert YouTubeConnector(CONFIG).plan_queries(other) == [
        SourceQuery(key="hospital:mercy#search", terms=other.terms)
    ]
    assert YouTubeConnector({**CONFIG, "search": False}).plan_queries(other) == []


def test_missing_credentials_are_a_permanent_error_that_names_the_setting():
    with pytest.raises(ConnectorError) as raised:
        YouTubeConnector({**CONFIG, "refresh_token": ""})
    assert raised.value.permanent and "refresh_token" in str(raised.value)


# The channel's comment threads


def test_the_channel_is_read_page_by_page_with_replies_as_mentions_of_their_thread(http):
    replay(http, "token.json")
    replay(http, "channel_threads_page1.json")
    connector = YouTubeConnector(CONFIG)
    first = connector.fetch(CHANNEL_QUERY, {})

    assert ids(first.items) == [A, A_REPLY, B]
    assert first.has_more and first.api_calls == 2, "the token fetch counts as a call"
    assert first.quota_units == 1
    assert first.next_cursor == {
        "poll": {
            "page_token": "QURTSl9pMHpYNUJqTm9kN2dDeE5yVGtMbUxOUXNw",
            "newest": "2026-05-14T09:12:45+00:00",
        }
    }, "the marker moves only when the poll's last page is stored"

    replay(http, "channel_threads_page2.json")
    second = connector.fetch(CHANNEL_QUERY, first.next_cursor)
    assert ids(second.items) == [C]
    assert not second.has_more and second.api_calls == 1
    assert second.next_cursor == {"newest": "2026-05-14T09:12:45+00:00"}

    reply = connector.normalize(first.items[1])
    assert reply.platform == "youtube" and reply.external_id == A_REPLY
    assert reply.extra["parent_id"] == A and reply.extra["is_reply"] is True
    assert reply.title == "YouTube comment on Riverside General's channel"
    assert reply.url == f"https://www.youtube.com/watch?v=Rg7hH2kL0pQ&lc={A_REPLY}"
    top = connector.normalize(first.items[0])
    assert top.text.startswith("Waited 9 hours in the RGH emergency room")
    assert (top.author_handle, top.likes, top.replies) == ("@dana.w", 4, 1)
    assert top.posted_at == datetime(2026, 5, 14, 9, 12, 45, tzinfo=UTC)


def test_a_later_poll_stops_at_threads_already_stored(http):
    replay(http, "token.json")
    replay(http, "channel_threads_later.json")
    result = YouTubeConnector(CONFIG).fetch(CHANNEL_QUERY, {"newest": "2026-05-14T09:12:45+00:00"})

    # The newest thread is new; the next one is the marker's own (the unique constraint absorbs it); the
    # one after is older, so the poll ends there without following the next page.
    assert ids(result.items) == [D, A, A_REPLY]
    assert not result.has_more
    assert result.next_cursor == {"newest": "2026-05-14T11:30:00+00:00"}


def test_an_empty_channel_keeps_the_cursor(http):
    replay(http, "token.json")
    replay(http, "channel_threads_empty.json")
    result = YouTubeConnector(CONFIG).fetch(CHANNEL_QUERY, {"newest": "2026-05-14T09:12:45+00:00"})
    assert result.items == [] and not result.has_more
    assert result.next_cursor == {"newest": "2026-05-14T09:12:45+00:00"}


# Keyword search and the found videos' threads


def test_a_search_reads_its_pages_then_each_found_videos_threads_skipping_disabled_comments(http):
    replay(http, "token.json")
    replay(http, "search_page1.json")
    connector = YouTubeConnector(CONFIG)
    page1 = connector.fetch(SEARCH_QUERY, {})
    assert ids(page1.items) == [V1, V2] and page1.has_more
    assert page1.quota_units == 100
    assert "searched_at" not in page1.next_cursor, "a search counts as done only after its last page"

    replay(http, "search_page2.json")
    page2 = connector.fetch(SEARCH_QUERY, page1.next_cursor)
    assert ids(page2.items) == [V3]
    assert page2.next_cursor["searched_at"] == NOW.isoformat()
    assert page2.next_cursor["queue"] == [V1, V2, V3] and page2.has_more

    replay(http, f"video_threads_{V1}.json")
    threads1 = connector.fetch(SEARCH_QUERY, page2.next_cursor)
    assert len(threads1.items) == 2 and threads1.quota_units == 1
    comment = connector.normalize(threads1.items[0])
    assert comment.title == "My 14 hour ER visit at Riverside General", "the video's title files it"
    assert comment.url.startswith(f"https://www.youtube.com/watch?v={V1}&lc=")

    replay(http, f"video_threads_{V2}_disabled.json")
    skipped = connector.fetch(SEARCH_QUERY, threads1.next_cursor)
    assert skipped.items == [] and skipped.has_more
    assert V2 not in skipped.next_cursor["videos"], "a video without comments is not read again"

    replay(http, f"video_threads_{V3}.json")
    last = connector.fetch(SEARCH_QUERY, skipped.next_cursor)
    assert len(last.items) == 1 and not last.has_more and last.next_cursor["queue"] == []

    video = connector.normalize(page1.items[0])
    assert video.external_id == f"video:{V1}" and video.author_name == "Valley Health Vlogs"
    assert video.url == f"https://www.youtube.com/watch?v={V1}"


def test_a_search_that_is_not_due_makes_no_call_and_spends_no_quota(http):
    cursor = {"searched_at": (NOW - timedelta(minutes=30)).isoformat(), "videos": {}, "queue": []}
    result = YouTubeConnector(CONFIG).fetch(SEARCH_QUERY, cursor)
    assert result.items == [] and result.api_calls == 0 and result.quota_units == 0
    assert result.next_cursor == cursor


def test_the_search_query_asks_for_any_of_the_hospitals_phrases():
    assert youtube.search_text(TERMS) == '"RGH"|"Riverside General"'


# Errors


def test_quota_exceeded_is_transient_until_midnight_pacific(http):
    replay(http, "token.json")
    replay(http, "search_quota_exceeded.json")
    with pytest.raises(TransientConnectorError) as raised:
        YouTubeConnector(CONFIG).fetch(SEARCH_QUERY, {})
    error = raised.value
    assert "quotaExceeded" in str(error) and "midnight Pacific" in error.how_to_fix
    # 12:00 UTC on May 14 is 05:00 PDT: the quota resets at 07:00 UTC on May 15.
    assert error.retry_after == (datetime(2026, 5, 15, 7, 0, tzinfo=UTC) - NOW).total_seconds()


def test_an_expired_refresh_token_is_permanent_with_how_to_reauthorize(http):
    replay(http, "token_invalid_grant.json")
    with pytest.raises(ConnectorError) as raised:
        YouTubeConnector(CONFIG).fetch(CHANNEL_QUERY, {})
    assert raised.value.permanent
    assert "invalid_grant" in str(raised.value) and "refresh token" in raised.value.how_to_fix


@pytest.mark.parametrize(
    ("recording", "permanent", "said", "fix"),
    [
        ("channel_threads_unauthorized.json", True, "401 authError", "Authorize HospitalListen again"),
        ("channel_threads_forbidden.json", True, "insufficientPermissions", "youtube.force-ssl"),
        ("channel_threads_rate_limited.json", False, "rateLimitExceeded", ""),
        ("channel_threads_server_error.json", False, "backendError", ""),
    ],
)
def test_errors_are_sorted_into_permanent_and_transient(http, recording, permanent, said, fix):
    replay(http, "token.json")
    replay(http, recording)
    with pytest.raises(ConnectorError) as raised:
        YouTubeConnector(CONFIG).fetch(CHANNEL_QUERY, {})
    assert raised.value.permanent is permanent
    assert said in str(raised.value) and fix in raised.value.how_to_fix
    if recording == "channel_threads_rate_limited.json":
        assert raised.value.retry_after == youtube.DEFAULT_RETRY_AFTER


def test_check_connection_names_the_authorized_channel_for_one_unit(http):
    replay(http, "token.json")
    replay(http, "channels_mine.json")
    said = YouTubeConnector(CONFIG).check_connection(HOSPITAL)
    assert "Riverside General Hospital" in said and "1 quota unit" in said


# Through the sync service: storage, duplicates, malformed items and the daily quota


@pytest.fixture
def riverside(db):
    hospital = HospitalFactory(slug="riverside", name="Riverside General", is_own=True)
    TrackedTermFactory(hospital=hospital, text="Riverside General", query='"Riverside General"')
    return hospital


@pytest.fixture
def source(riverside):
    return SourceFactory(name="YouTube", kind=Source.Kind.YOUTUBE, config={**CONFIG, "search": False})


def test_a_malformed_comment_is_kept_as_rejected_and_the_rest_stored_once(http, source):
    replay(http, "token.json")
    replay(http, "channel_threads_malformed.json")
    run = source_sync(source_id=source.pk)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert (run.items_fetched, run.mentions_new, run.rejected) == (4, 3, 1)
    assert RejectedPayload.objects.filter(source=source).count() == 1
    assert "textDisplay" in RejectedPayload.objects.get(source=source).error

    replay(http, "token.json")
    replay(http, "channel_threads_malformed.json")
    source_sync(source_id=source.pk)
    assert Mention.objects.filter(source=source).count() == 3, "a repeated page stores nothing twice"
    assert costs.source_quota_state(source).used == 2


def test_polling_stops_before_the_daily_quota_runs_out(http, source, monkeypatch):
    monkeypatch.setattr(costs, "timezone", _FrozenTimezone)
    costs.quota_units_record(source=source, units=9_500, now=NOW)
    run = source_sync(source_id=source.pk)

    assert run.status == SyncRun.Status.BUDGET_STOPPED and not http.calls
    assert "9,500 of its 10,000 daily quota units" in run.error
    source.refresh_from_db()
    assert "polling resumes when the quota resets" in source.how_to_fix
    assert CoverageGap.objects.get(source=source).reason == CoverageGap.Reason.BUDGET


def test_the_quota_resets_at_midnight_pacific_and_slows_polling_from_80_percent(source):
    costs.quota_units_record(source=source, units=8_000, now=NOW)
    assert costs.source_quota_state(source, NOW).slow_down
    assert not costs.source_quota_state(source, NOW).exhausted
    # 06:59 UTC is still May 14 in California; 07:00 UTC is a new quota day.
    assert costs.source_quota_state(source, datetime(2026, 5, 15, 6, 59, tzinfo=UTC)).used == 8_000
    assert costs.source_quota_state(source, datetime(2026, 5, 15, 7, 0, tzinfo=UTC)).used == 0
    from sources.services.sync import source_poll_interval

    assert source_poll_interval(source, NOW) == timedelta(minutes=source.poll_interval_minutes * 4)


class _FrozenTimezone:
    """django.utils.timezone with now() fixed, for the quota day."""

    @staticmethod
    def now() -> datetime:
        return NOW


def test_an_expired_refresh_token_marks_the_source_broken_with_googles_message(http, source):
    replay(http, "token_invalid_grant.json")
    run = source_sync(source_id=source.pk)
    source.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED and source.status == Source.Status.BROKEN
    assert "Token has been expired or revoked" in source.last_error
    assert "paste the new refresh token" in source.how_to_fix
