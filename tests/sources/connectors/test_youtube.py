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
from django.urls import reverse
from django.utils import timezone as django_timezone
from responses import matchers

from administration import roles
from mentions.models import Mention, RejectedPayload
from sources.connectors import youtube
from sources.connectors.base import (
    ConnectorError,
    DailyQuotaExceeded,
    SourceQuery,
    TransientConnectorError,
)
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
    assert connector.quota_units_used == 1, "one list call; Google's token endpoint costs no units"
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
    assert connector.quota_units_used == 100
    assert "searched_at" not in page1.next_cursor, "a search counts as done only after its last page"

    replay(http, "search_page2.json")
    page2 = connector.fetch(SEARCH_QUERY, page1.next_cursor)
    assert ids(page2.items) == [V3]
    assert page2.next_cursor["searched_at"] == NOW.isoformat()
    assert page2.next_cursor["queue"] == [V1, V2, V3] and page2.has_more

    replay(http, f"video_threads_{V1}.json")
    threads1 = connector.fetch(SEARCH_QUERY, page2.next_cursor)
    assert len(threads1.items) == 2 and connector.quota_units_used == 100 + 100 + 1
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
    connector = YouTubeConnector(CONFIG)
    assert connector.next_fetch_quota_units(SEARCH_QUERY, cursor) == 0
    result = connector.fetch(SEARCH_QUERY, cursor)
    assert result.items == [] and result.api_calls == 0 and connector.quota_units_used == 0
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
    assert isinstance(error, DailyQuotaExceeded), "the cost governor stops polling on it until the reset"
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


# The daily quota: every call's units, the reply reserve, YouTube's own quotaExceeded, the Pacific day


class _Clock:
    """django.utils.timezone with now() fixed at `at` (movable), for the quota day."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at

    def __getattr__(self, name: str):
        return getattr(django_timezone, name)


@pytest.fixture
def clock(monkeypatch):
    frozen = _Clock(NOW)
    monkeypatch.setattr(costs, "timezone", frozen)
    return frozen


def test_each_call_counts_its_own_quota_cost_errors_included(http):
    connector = YouTubeConnector(CONFIG)
    replay(http, "token.json")
    replay(http, "channels_mine.json")
    connector.check_connection(HOSPITAL)
    assert connector.quota_units_used == 1, "channels.list"

    assert connector.next_fetch_quota_units(CHANNEL_QUERY, {}) == 1
    replay(http, "channel_threads_rate_limited.json")
    with pytest.raises(TransientConnectorError):
        connector.fetch(CHANNEL_QUERY, {})
    assert connector.quota_units_used == 2, "YouTube charges a call it answered with an error"

    assert connector.next_fetch_quota_units(SEARCH_QUERY, {}) == 100
    replay(http, "search_page1.json")
    page1 = connector.fetch(SEARCH_QUERY, {})
    assert connector.quota_units_used == 102
    assert connector.next_fetch_quota_units(SEARCH_QUERY, page1.next_cursor) == 100, "the search's next page"
    assert YouTubeConnector.reply_quota_units(look_first=False) == 50, "comments.insert"
    assert YouTubeConnector.reply_quota_units(look_first=True) == 53, "plus up to 3 comments.list pages"


def test_a_poll_keeps_the_reply_reserve_reading_the_channel_but_not_a_search_that_would_reach_it(
    http, riverside, clock
):
    source = SourceFactory(name="YouTube", kind=Source.Kind.YOUTUBE, config=CONFIG)
    # 10,000 - 500 kept for replies - 9,450 used: polling may use 50 more units today.
    costs.quota_units_record(source=source, units=9_450)
    for name in ("token.json", "channel_threads_page1.json", "channel_threads_page2.json"):
        replay(http, name)
    run = source_sync(source_id=source.pk)

    assert run.items_fetched == 4, "the channel's two 1-unit pages fit"
    assert not [call for call in http.calls if "/search" in call.request.url], "a 100-unit search does not"
    assert costs.source_quota_state(source).used == 9_452
    assert run.status == SyncRun.Status.BUDGET_STOPPED
    assert "keeps the last 500 for replies" in run.error and "(100 units)" in run.error
    gap = CoverageGap.objects.get(source=source, end__isnull=True)
    assert gap.reason == CoverageGap.Reason.BUDGET, "recorded like every other budget stop"


def test_quotaexceeded_from_youtube_counts_the_day_as_spent_and_polling_waits_for_the_reset(
    http, riverside, clock
):
    TrackedTermFactory(hospital=riverside, text="RGH", query='"RGH"')
    source = SourceFactory(name="YouTube", kind=Source.Kind.YOUTUBE, config={**CONFIG, "channel_id": ""})
    replay(http, "token.json")
    replay(http, "search_quota_exceeded.json")
    run = source_sync(source_id=source.pk)

    assert run.status == SyncRun.Status.BUDGET_STOPPED and "quotaExceeded" in run.error
    source.refresh_from_db()
    assert source.status != Source.Status.BROKEN and "midnight Pacific" in source.how_to_fix
    assert costs.source_quota_state(source).remaining == 0
    assert CoverageGap.objects.get(source=source).reason == CoverageGap.Reason.BUDGET

    calls = len(http.calls)
    again = source_sync(source_id=source.pk)
    assert again.status == SyncRun.Status.BUDGET_STOPPED and len(http.calls) == calls, "nothing asked"
    # 07:00 UTC on May 15 is midnight in California: a new quota day.
    clock.at = datetime(2026, 5, 15, 7, 0, tzinfo=UTC)
    assert costs.source_quota_state(source).used == 0


def test_sources_on_one_google_cloud_project_share_its_daily_quota(db):
    first = SourceFactory(name="YouTube A", kind=Source.Kind.YOUTUBE, config=CONFIG)
    project = CONFIG["client_id"].split("-")[0]
    same_project = SourceFactory(
        name="YouTube B",
        kind=Source.Kind.YOUTUBE,
        config={**CONFIG, "client_id": f"{project}-b7c9d1e3f5.apps.googleusercontent.com"},
    )
    other_project = SourceFactory(
        name="YouTube C",
        kind=Source.Kind.YOUTUBE,
        config={**CONFIG, "client_id": "99887766554-a1b2c3.apps.googleusercontent.com"},
    )
    costs.quota_units_record(source=first, units=300, now=NOW)
    costs.quota_units_record(source=same_project, units=50, now=NOW)
    assert costs.source_quota_state(first, NOW).used == 350
    assert costs.source_quota_state(same_project, NOW).used == 350
    assert costs.source_quota_state(other_project, NOW).used == 0


def test_the_source_page_shows_todays_units_used_and_left(client, user_with_role, riverside, clock):
    source = SourceFactory(
        name="YouTube", kind=Source.Kind.YOUTUBE, config={**CONFIG, "reply_reserve_units": 1_000}
    )
    costs.quota_units_record(source=source, units=1_234)
    client.force_login(user_with_role(roles.ADMIN, username="ada"))
    page = client.get(reverse("sources:source_detail", args=[source.pk])).content.decode()
    assert "1,234 of 10,000 units used" in page
    assert "8,766 left (7,766 for polling, up to 1,000 kept for replies)" in page


# Terms limited to a language or region


def search_sent_to_youtube(http: responses.RequestsMock, query: SourceQuery) -> dict[str, str]:
    """Run one search page for `query` and return the query parameters search.list was sent."""
    replay(http, "token.json")
    page = json.loads((RECORDINGS / "search_page1.json").read_text())
    http.add("GET", page["request"]["url"], json=page["response"]["json"], status=200)
    YouTubeConnector(CONFIG).fetch(query, {})
    (search_call,) = [call for call in http.calls if "/youtube/v3/search" in call.request.url]
    return dict(parse_qsl(search_call.request.url.partition("?")[2]))


def test_a_search_for_limited_terms_sends_relevance_language_and_region_code(http):
    spanish = SourceQuery(
        key="hospital:riverside#lang:es,region:MX", terms=TERMS, language="es", region="MX"
    )
    parts = YouTubeConnector(CONFIG).plan_queries(spanish)
    (search,) = [part for part in parts if part.key.endswith("#search")]
    assert (search.key, search.language, search.region) == (
        "hospital:riverside#lang:es,region:MX#search", "es", "MX"
    )
    params = search_sent_to_youtube(http, search)
    assert (params["relevanceLanguage"], params["regionCode"]) == ("es", "MX")


def test_a_search_for_unrestricted_terms_sends_neither(http):
    params = search_sent_to_youtube(http, SEARCH_QUERY)
    assert "relevanceLanguage" not in params and "regionCode" not in params


def test_the_channel_is_planned_once_under_its_hospitals_key_whatever_the_language_groups():
    connector = YouTubeConnector(CONFIG)
    spanish = SourceQuery(key="hospital:riverside#lang:es", terms=('"Hospital Ribera"',), language="es")
    assert [part.key for part in connector.plan_queries(spanish)] == [
        "hospital:riverside#channel",
        "hospital:riverside#lang:es#search",
    ]
    assert connector.plan_queries(spanish)[0].language == ""
    assert [part.key for part in connector.plan_queries(HOSPITAL)] == [SEARCH_QUERY.key]
