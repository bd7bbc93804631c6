"""Connection checks: each connector's cheapest real call, against recorded exchanges (no network)."""

import json
from pathlib import Path

import pytest
import responses
from responses import matchers

from sources.connectors.base import ConnectorError, SourceQuery, TransientConnectorError
from sources.connectors.brave import BraveSearchConnector
from sources.connectors.reddit import RedditConnector
from sources.connectors.x import XConnector

RECORDINGS = Path(__file__).parent / "recordings"
QUERY = SourceQuery(key="hospital:riverside", terms=("Riverside General Hospital",))
X_SEARCH = "https://api.twitter.com/2/tweets/search/recent"
BRAVE_WEB = "https://api.search.brave.com/res/v1/web/search"
REDDIT_TOKEN = "https://www.reddit.com/api/v1/access_token"
REDDIT_CONFIG = {
    "client_id": "p-jcoLKBynTLew",
    "client_secret": "gko_LXELoV07ZBNUXrvWZfzE3aI",
    "contact": "/u/x",
}


def recorded(platform: str, name: str) -> dict:
    return json.loads((RECORDINGS / platform / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


# --- X: one search of 10 posts ---------------------------------------------------------------------


def test_x_check_is_one_search_of_ten_posts(api):
    api.get(
        X_SEARCH,
        json={"data": [{"id": "1", "text": "Riverside General Hospital"}], "meta": {"result_count": 1}},
        match=[matchers.query_param_matcher({"max_results": "10"}, strict_match=False)],
    )
    message = XConnector({"bearer_token": "AAAA-test-token"}).check_connection(QUERY)
    assert "1 recent post(s) found" in message
    assert len(api.calls) == 1


def test_x_check_with_a_revoked_token_is_permanent_with_how_to_fix(api):
    answer = recorded("x", "unauthorized")["response"]
    api.get(X_SEARCH, json=answer["body"], status=401, content_type="application/problem+json")
    with pytest.raises(ConnectorError) as raised:
        XConnector({"bearer_token": "revoked"}).check_connection(QUERY)
    assert raised.value.permanent
    assert "bearer token" in raised.value.how_to_fix.lower()


def test_x_check_when_rate_limited_is_transient(api):
    answer = recorded("x", "rate_limited")["response"]
    headers = {key: value for key, value in answer["headers"].items() if key != "content-type"}
    api.get(X_SEARCH, json=answer["body"], status=429, headers=headers)
    with pytest.raises(TransientConnectorError) as raised:
        XConnector({"bearer_token": "AAAA-test-token"}).check_connection(QUERY)
    assert raised.value.retry_after is not None


# --- Reddit: the token call, the account and each subreddit's about page ------------------------------


def _reddit_token(api, name: str = "token") -> None:
    exchange = recorded("reddit", name)
    api.post(REDDIT_TOKEN, json=exchange["response"]["json"], status=exchange["response"]["status"])


def test_reddit_check_signs_in_and_reads_the_account_and_subreddits(api):
    _reddit_token(api, "token_password")
    api.get("https://oauth.reddit.com/api/v1/me", json={"name": "riverside_comms", "id": "abc"})
    api.get(
        "https://oauth.reddit.com/r/Springfield/about/",
        json={"kind": "t5", "data": {"display_name": "Springfield", "subscribers": 40213}},
    )
    connector = RedditConnector(
        {
            **REDDIT_CONFIG,
            "username": "riverside_comms",
            "password": "hunter2-but-longer",
            "subreddits": ["Springfield"],
        }
    )
    message = connector.check_connection(QUERY)
    assert "signed in as u/riverside_comms" in message
    assert "r/Springfield is readable" in message


def test_reddit_check_without_account_or_subreddits_searches_for_one_result(api):
    _reddit_token(api)
    api.get(
        "https://oauth.reddit.com/r/all/search/",
        json={"kind": "Listing", "data": {"children": [], "after": None}},
        match=[matchers.query_param_matcher({"limit": "1"}, strict_match=False)],
    )
    assert "search answered" in RedditConnector(REDDIT_CONFIG).check_connection(QUERY)


def test_reddit_check_with_a_wrong_secret_is_permanent_with_how_to_fix(api):
    _reddit_token(api, "token_invalid_client")
    with pytest.raises(ConnectorError) as raised:
        RedditConnector({**REDDIT_CONFIG, "subreddits": ["Springfield"]}).check_connection(QUERY)
    assert raised.value.permanent
    assert "prefs/apps" in raised.value.how_to_fix


def test_reddit_check_when_rate_limited_is_transient_with_the_reset(api):
    _reddit_token(api)
    answer = recorded("reddit", "search_rate_limited")["response"]
    api.get(
        "https://oauth.reddit.com/r/Springfield/about/",
        json=answer["json"],
        status=429,
        headers=answer["headers"],
    )
    with pytest.raises(TransientConnectorError) as raised:
        RedditConnector({**REDDIT_CONFIG, "subreddits": ["Springfield"]}).check_connection(QUERY)
    assert raised.value.retry_after == 287


# --- Brave: one request for one result -----------------------------------------------------------------


def test_brave_check_is_one_request_for_one_result(api):
    body = recorded("brave", "web_empty")["response"]["json"]
    api.get(
        BRAVE_WEB,
        json=body,
        match=[
            matchers.query_param_matcher({"count": "1"}, strict_match=False),
            matchers.header_matcher({"X-Subscription-Token": "BSA-test-key"}),
        ],
    )
    message = BraveSearchConnector({"api_key": "BSA-test-key"}).check_connection(QUERY)
    assert "Brave Search answered" in message
    assert len(api.calls) == 1


def test_brave_check_with_an_invalid_key_is_permanent_with_how_to_fix(api):
    answer = recorded("brave", "invalid_token")["response"]
    api.get(BRAVE_WEB, json=answer["json"], status=answer["status"])
    with pytest.raises(ConnectorError) as raised:
        BraveSearchConnector({"api_key": "BSA-wrong"}).check_connection(QUERY)
    assert raised.value.permanent
    assert "API key" in raised.value.how_to_fix


def test_brave_check_when_rate_limited_is_transient(api):
    answer = recorded("brave", "rate_limited")["response"]
    headers = {key: value for key, value in answer["headers"].items() if key != "Content-Type"}
    api.get(BRAVE_WEB, json=answer["json"], status=429, headers=headers)
    with pytest.raises(TransientConnectorError) as raised:
        BraveSearchConnector({"api_key": "BSA-test-key"}).check_connection(QUERY)
    assert raised.value.retry_after is not None
