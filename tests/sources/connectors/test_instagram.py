"""InstagramConnector against recorded Instagram Graph API exchanges (recordings/instagram/)."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import responses
from responses import matchers

from sources.connectors import instagram
from sources.connectors.base import ConnectorError, NormalizationError, SourceQuery, TransientConnectorError
from sources.connectors.instagram import InstagramConnector

RECORDINGS = Path(__file__).parent / "recordings" / "instagram"
IGU = "17841400008460056"
NOW = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
CONFIG = {
    "ig_user_id": IGU,
    "access_token": "EAAGm0PX4ZCpsBA-ig-token",
    "hospital_key": "hospital:riverside",
    "hashtags": ["#RiversideGeneral"],
}
HOSPITAL = SourceQuery(key="hospital:riverside", terms=('"Riverside General Hospital"',))
COMMENTS = SourceQuery(key=f"hospital:riverside#instagram:{IGU}:comments", terms=HOSPITAL.terms)
TAGS = SourceQuery(key=f"hospital:riverside#instagram:{IGU}:tags", terms=HOSPITAL.terms)
HASHTAGS = SourceQuery(key=f"hospital:riverside#instagram:{IGU}:hashtags", terms=HOSPITAL.terms)


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
    monkeypatch.setattr(instagram, "utc_now", lambda: NOW)


@pytest.fixture
def http():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def connector():
    return InstagramConnector(CONFIG)


def test_it_plans_comments_tags_and_hashtags_for_the_accounts_hospital(connector):
    assert [q.key for q in connector.plan_queries(HOSPITAL)] == [COMMENTS.key, TAGS.key, HASHTAGS.key]
    assert connector.plan_queries(SourceQuery(key="hospital:mercy", terms=())) == []


def test_it_reads_comments_and_replies_page_by_page_until_the_window(http, connector):
    replay(http, "media_page1.json")
    first = connector.fetch(COMMENTS, {})
    assert [item["id"] for item in first.items] == [
        "17900000000000011",
        "17900000000000012",
        "17900000000000010",
    ]
    assert first.items[1]["parent_id"] == "17900000000000011"
    assert first.has_more and [gap.kind for gap in first.coverage_gaps] == ["unsupported"]

    replay(http, "media_page2.json", after="bWVkaWEx")
    second = connector.fetch(COMMENTS, first.next_cursor)
    assert second.items == [], "media older than the window is not read"
    assert not second.has_more and second.next_cursor["polled_at"] == NOW.isoformat()
    assert second.coverage_gaps == ()

    replay(http, "media_page1.json")
    third = connector.fetch(COMMENTS, second.next_cursor)
    assert third.items == [], "nothing is returned twice"


def test_it_normalizes_comments_and_rejects_one_without_text(http, connector):
    replay(http, "media_page1.json")
    items = connector.fetch(COMMENTS, {}).items
    comment = connector.normalize(items[0])
    assert comment.platform == "instagram" and comment.external_id == "comment:17900000000000011"
    assert comment.url == "https://www.instagram.com/p/C7aaaaaaaa2/" and comment.author_handle == "jamie.r"
    assert comment.title == "Comment on Riverside General Hospital's Instagram"
    assert connector.normalize(items[1]).extra["is_reply"]
    with pytest.raises(NormalizationError, match="missing required field 'text'"):
        connector.normalize(items[2])


def test_it_reads_media_tagging_the_account(http, connector):
    replay(http, "tags.json")
    result = connector.fetch(TAGS, {})
    mention = connector.normalize(result.items[0])
    assert mention.external_id == "media:18040000000000001" and mention.author_handle == "morgan.t"
    assert not result.has_more


def test_an_empty_account_finishes_the_poll(http, connector):
    replay(http, "media_empty.json")
    result = connector.fetch(COMMENTS, {"polled_at": "2026-05-14T11:00:00+00:00", "recent_ids": {}})
    assert result.items == [] and not result.has_more and result.coverage_gaps == ()


def test_a_hashtag_is_searched_once_then_its_recent_media_read(http, connector):
    replay(http, "hashtag_search.json", q="riversidegeneral", user_id=IGU)
    replay(http, "hashtag_recent.json", user_id=IGU)
    result = connector.fetch(HASHTAGS, {})
    assert [item["id"] for item in result.items] == ["18050000000000001"]
    assert result.next_cursor["ledger"] == {"riversidegeneral": NOW.isoformat()}
    assert result.next_cursor["hashtag_ids"] == {"riversidegeneral": "17843853986012965"}
    assert not result.has_more
    mention = connector.normalize(result.items[0])
    assert mention.title == "Instagram post with #riversidegeneral (Riverside General Hospital)"

    replay(http, "hashtag_recent.json")
    again = connector.fetch(HASHTAGS, result.next_cursor)
    assert again.items == [] and again.next_cursor["ledger"] == result.next_cursor["ledger"]
    assert len(http.calls) == 3, "the hashtag id is kept: no second search"


def test_a_hashtag_over_the_weekly_limit_waits_and_is_reported_once(http):
    connector = InstagramConnector({**CONFIG, "hashtag_weekly_limit": 2})
    recent = (NOW - timedelta(days=2)).isoformat()
    cursor = {"ledger": {"other1": recent, "other2": (NOW - timedelta(days=6)).isoformat()}}
    result = connector.fetch(HASHTAGS, cursor)
    assert len(http.calls) == 0 and result.items == []
    (gap,) = result.coverage_gaps
    assert gap.kind == "rate_limit" and gap.end == NOW + timedelta(days=1)
    assert "riversidegeneral" not in result.next_cursor["ledger"]
    assert connector.fetch(HASHTAGS, result.next_cursor).coverage_gaps == ()


def test_too_many_hashtags_for_the_weekly_limit_is_refused():
    with pytest.raises(ConnectorError, match="over its weekly limit"):
        InstagramConnector({**CONFIG, "hashtags": [f"tag{n}" for n in range(31)], "hashtag_weekly_limit": 30})


def test_an_expired_token_is_permanent(http, connector):
    replay(http, "expired_token.json")
    with pytest.raises(ConnectorError) as raised:
        connector.fetch(COMMENTS, {})
    assert raised.value.permanent and "System users" in raised.value.how_to_fix


def test_a_missing_permission_is_permanent_and_names_it(http, connector):
    replay(http, "missing_permission.json")
    with pytest.raises(ConnectorError) as raised:
        connector.fetch(TAGS, {})
    assert raised.value.permanent and "instagram_basic" in raised.value.how_to_fix


def test_a_rate_limit_is_transient_with_the_regain_time(http, connector):
    replay(http, "rate_limited.json")
    with pytest.raises(TransientConnectorError) as raised:
        connector.fetch(COMMENTS, {})
    assert raised.value.retry_after == 25 * 60


def test_the_connection_check_reads_the_account(http, connector):
    replay(http, "account.json")
    replay(http, "media_empty.json", limit="1")
    assert "@riversidegeneral" in connector.check_connection(HOSPITAL)
