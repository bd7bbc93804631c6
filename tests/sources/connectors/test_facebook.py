"""FacebookPageConnector against recorded Graph API exchanges (recordings/facebook/)."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import responses
from responses import matchers

from sources.connectors import facebook
from sources.connectors.base import ConnectorError, NormalizationError, SourceQuery, TransientConnectorError
from sources.connectors.facebook import FacebookPageConnector

RECORDINGS = Path(__file__).parent / "recordings" / "facebook"
PAGE = "104857600123456"
NOW = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
CONFIG = {
    "page_id": PAGE,
    "page_access_token": "EAAGm0PX4ZCpsBA-page-token",
    "hospital_key": "hospital:riverside",
}
HOSPITAL = SourceQuery(key="hospital:riverside", terms=('"Riverside General Hospital"', '"RGH"'))
FEED = SourceQuery(key=f"hospital:riverside#facebook:{PAGE}:feed", terms=HOSPITAL.terms)
RATINGS = SourceQuery(key=f"hospital:riverside#facebook:{PAGE}:ratings", terms=HOSPITAL.terms)


def replay(http: responses.RequestsMock, name: str, **params: Any) -> None:
    exchange = json.loads((RECORDINGS / name).read_text())
    request, response = exchange["request"], exchange["response"]
    match = [matchers.query_param_matcher(params, strict_match=False)] if params else []
    http.add(
        request["method"],
        request["url"],
        status=response["status"],
        json=response["json"],
        headers=response.get("headers", {}),
        match=match,
    )


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(facebook, "utc_now", lambda: NOW)


@pytest.fixture
def http():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def connector():
    return FacebookPageConnector(CONFIG)


def test_it_plans_the_feed_and_ratings_for_the_pages_hospital_only(connector):
    assert [q.key for q in connector.plan_queries(HOSPITAL)] == [FEED.key, RATINGS.key]
    assert connector.plan_queries(SourceQuery(key="hospital:mercy", terms=("Mercy",))) == []


def test_it_reads_pages_of_the_feed_keeping_visitor_posts_and_comments(http, connector):
    replay(http, "feed_page1.json")
    first = connector.fetch(FEED, {})
    request = http.calls[0].request
    assert "access_token=EAAGm0PX4ZCpsBA-page-token" in request.url
    assert f"since={int(NOW.timestamp()) - 28 * 86400}" in request.url
    kinds = [(item["kind"], item["id"]) for item in first.items]
    assert ("post", f"{PAGE}_900000000000001") in kinds, "a visitor post is a mention"
    assert ("post", f"{PAGE}_900000000000002") not in kinds, "the Page's own post is not"
    assert [i for k, i in kinds if k == "comment"] == [
        "900000000000002_5550003",
        "900000000000002_5550002",
        "900000000000002_5550001",
    ]
    assert first.has_more and first.next_cursor["poll"]["after"] == "QVFIUnBvc3Qx"
    assert "polled_at" not in first.next_cursor, "the marker moves only when the poll's last page is stored"
    # The first poll says once what Facebook does not offer.
    assert [(gap.kind, gap.end) for gap in first.coverage_gaps] == [("unsupported", None)]

    replay(http, "feed_page2.json", after="QVFIUnBvc3Qx")
    second = connector.fetch(FEED, first.next_cursor)
    assert [item["id"] for item in second.items] == [f"{PAGE}_899999999999999", "899999999999999_5540001"]
    assert not second.has_more and second.coverage_gaps == ()
    assert second.next_cursor["polled_at"] == NOW.isoformat()
    assert "poll" not in second.next_cursor


def test_a_later_poll_returns_only_new_comments(http, connector, monkeypatch):
    replay(http, "feed_later_poll.json")
    cursor = {
        "polled_at": "2026-05-14T12:00:00+00:00",
        "recent_ids": {"900000000000002_5550003": "2026-05-14T09:30:00+00:00"},
    }
    later = datetime(2026, 5, 14, 14, 0, tzinfo=UTC)
    monkeypatch.setattr(facebook, "utc_now", lambda: later)
    result = connector.fetch(FEED, cursor)
    assert [item["id"] for item in result.items] == ["900000000000002_5550004"]
    assert result.coverage_gaps == (), "the unsupported gap is reported once, not on every poll"
    assert result.next_cursor["polled_at"] == later.isoformat()


def test_a_replayed_page_returns_nothing_twice(http, connector):
    replay(http, "feed_page2.json")
    replay(http, "feed_page2.json")
    first = connector.fetch(FEED, {})
    again = connector.fetch(FEED, first.next_cursor)
    assert first.items and again.items == []


def test_an_empty_feed_finishes_the_poll(http, connector):
    replay(http, "feed_empty.json")
    result = connector.fetch(FEED, {"polled_at": "2026-05-14T11:00:00+00:00", "recent_ids": {}})
    assert result.items == [] and not result.has_more
    assert result.next_cursor == {"polled_at": NOW.isoformat(), "recent_ids": {}}


def test_it_normalizes_comments_posts_and_recommendations(http, connector):
    replay(http, "feed_page1.json")
    replay(http, "ratings.json")
    items = connector.fetch(FEED, {}).items
    comment = connector.normalize(next(i for i in items if i["id"] == "900000000000002_5550003"))
    assert comment.platform == "facebook" and comment.external_id == "comment:900000000000002_5550003"
    assert comment.title == "Comment on Riverside General Hospital's Facebook Page"
    assert comment.author_name == "Dana Whitfield" and comment.likes == 7 and comment.replies == 1
    assert comment.posted_at == datetime(2026, 5, 14, 9, 30, tzinfo=UTC)
    reply = connector.normalize(next(i for i in items if i["id"] == "900000000000002_5550002"))
    assert reply.extra["parent_id"] == "900000000000002_5550003" and reply.extra["is_reply"]
    post = connector.normalize(next(i for i in items if i["kind"] == "post"))
    assert post.external_id == f"post:{PAGE}_900000000000001" and post.likes == 3 and post.shares == 1

    ratings = connector.fetch(RATINGS, {}).items
    negative = connector.normalize(ratings[0])
    assert (
        negative.external_id == "rating:1133557799" and negative.text == "Front desk lost my referral twice."
    )
    assert negative.extra["recommendation_type"] == "negative"
    assert connector.normalize(ratings[1]).text == "(recommends the Page, without a comment)"


def test_a_malformed_item_is_rejected_and_the_rest_of_the_page_kept(http, connector):
    replay(http, "feed_page1.json")
    replay(http, "ratings.json")
    items = connector.fetch(FEED, {}).items + connector.fetch(RATINGS, {}).items
    normalized, rejected = [], []
    for item in items:
        try:
            normalized.append(connector.normalize(item))
        except NormalizationError as error:
            rejected.append(str(error))
    assert rejected == [
        "missing required field 'created_time'",
        "field 'recommendation_type' must be positive or negative, got 'glowing'",
    ]
    assert len(normalized) == len(items) - 2


def test_an_expired_token_is_permanent_with_how_to_get_a_page_token(http, connector):
    replay(http, "feed_expired_token.json")
    with pytest.raises(ConnectorError) as raised:
        connector.fetch(FEED, {})
    assert raised.value.permanent
    assert "190/463" in str(raised.value) and "Session has expired" in str(raised.value)
    assert "System users" in raised.value.how_to_fix and "pages_read_engagement" in raised.value.how_to_fix


def test_a_missing_permission_is_permanent_and_names_the_permission(http, connector):
    replay(http, "feed_missing_permission.json")
    with pytest.raises(ConnectorError) as raised:
        connector.fetch(FEED, {})
    assert raised.value.permanent and "(#10)" in str(raised.value)
    assert "pages_read_user_content" in raised.value.how_to_fix


def test_a_rate_limit_is_transient_with_metas_regain_time(http, connector):
    replay(http, "feed_rate_limited.json")
    with pytest.raises(TransientConnectorError) as raised:
        connector.fetch(FEED, {})
    assert not raised.value.permanent and raised.value.retry_after == 17 * 60


def test_it_pauses_before_meta_throttles_the_token(http, connector):
    connector.client.usage_percent = 96
    with pytest.raises(TransientConnectorError):
        connector.fetch(FEED, {})
    assert len(http.calls) == 0


def test_the_connection_check_reads_the_page_and_one_recommendation(http, connector):
    replay(http, "page.json")
    replay(http, "ratings.json", limit="1")
    assert "Riverside General Hospital" in connector.check_connection(HOSPITAL)


def test_the_app_secret_adds_an_appsecret_proof(http):
    replay(http, "page.json")
    replay(http, "ratings.json")
    FacebookPageConnector({**CONFIG, "app_secret": "shh"}).check_connection(HOSPITAL)
    assert "appsecret_proof=" in http.calls[0].request.url


def test_missing_settings_say_what_to_fill_in():
    with pytest.raises(ConnectorError) as raised:
        FacebookPageConnector({**CONFIG, "page_access_token": ""})
    assert raised.value.permanent and "page_access_token" in str(raised.value)
