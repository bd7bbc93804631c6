"""RedditConnector against recorded Reddit API exchanges (tests/sources/connectors/recordings/reddit/)."""

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from responses import matchers

from sources.connectors import reddit
from sources.connectors.base import (
    ConnectorError,
    MentionData,
    NormalizationError,
    SourceQuery,
    TransientConnectorError,
)
from sources.connectors.reddit import RedditConnector

RECORDINGS = Path(__file__).parent / "recordings" / "reddit"
# The recordings were made at 2026-05-06 10:00 UTC; post times are relative to it.
NOW = datetime(2026, 5, 6, 10, 0, tzinfo=UTC).timestamp()
QUERY = SourceQuery(
    key="hospital:riverside", terms=('"Riverside General Hospital"', '"RGH"', '"St. Brigid\'s"')
)
CONFIG = {
    "client_id": "p-jcoLKBynTLew",
    "client_secret": "gko_LXELoV07ZBNUXrvWZfzE3aI",
    "contact": "/u/riverside_comms",
}
# The marker a complete first poll (search_page1 + search_page2) leaves behind.
SETTLED_AFTER_FIRST_POLL = {
    "newest_created_utc": NOW - 300,
    "recent_ids": {"t3_1kq1z3m": NOW - 420, "t3_1kq2x7a": NOW - 300},
}


def recording(name: str) -> dict[str, Any]:
    return json.loads((RECORDINGS / name).read_text())


def replay(
    http: responses.RequestsMock,
    name: str,
    *,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Registers one recorded exchange; the request must match the recorded method, URL, query and form."""
    exchange = recording(name)
    request, response = exchange["request"], exchange["response"]
    match = []
    if "params" in request:
        match.append(matchers.query_param_matcher({**request["params"], **(params or {})}))
    if "form" in request:
        match.append(matchers.urlencoded_params_matcher(request["form"]))
    body = {"json": response["json"]} if "json" in response else {"body": response.get("text", "")}
    http.add(
        request["method"],
        request["url"],
        status=response["status"],
        headers={**response.get("headers", {}), **(headers or {})},
        content_type=response.get("content_type", "application/json"),
        match=match,
        **body,
    )


def names(items: list[dict[str, Any]]) -> list[str]:
    return [item["name"] for item in items]


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Pins the connector's clock to the time of the recordings; returns a setter for later polls."""

    def set_now(moment: float) -> None:
        monkeypatch.setattr(reddit, "_now", lambda: moment)

    set_now(NOW)
    return set_now


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def first_page(http: responses.RequestsMock) -> tuple[RedditConnector, Any]:
    replay(http, "token.json")
    replay(http, "search_page1.json")
    replay(http, "comments_1kq2x7a.json")
    replay(http, "comments_1kq1z3m.json")
    connector = RedditConnector(CONFIG)
    return connector, connector.fetch(QUERY, {})


def test_first_fetch_returns_new_posts_with_their_matching_comments(http):
    _, result = first_page(http)

    # The post with no comments (t3_1kpy0de) costs no comment call.
    assert names(result.items) == ["t3_1kq2x7a", "t1_mt0a1b2", "t1_mt0b3kk", "t3_1kq1z3m", "t3_1kpy0de"]
    assert [item["kind"] for item in result.items] == ["t3", "t1", "t1", "t3", "t3"]
    assert result.has_more is True
    assert result.api_calls == 4
    assert result.billable_reads == 3
    assert result.coverage_gaps == ()
    user_agent = http.calls[1].request.headers["User-Agent"]
    assert user_agent.startswith("python:hospitallisten:0.1 (social listening by /u/riverside_comms)")


def test_first_fetch_keeps_only_comments_that_name_a_term_as_a_whole_word(http):
    _, result = first_page(http)

    comments = [item for item in result.items if item["kind"] == "t1"]
    # "Argh, that sounds awful" is left out: "RGH" inside "Argh" is not the nickname.
    assert [comment["body"][:30] for comment in comments] == [
        "Same at Riverside General Hosp",
        "the rgh triage nurse was kind ",
    ]
    assert comments[1]["parent_id"] == "t1_mt0a9zz"
    assert comments[1]["link_id"] == "t3_1kq2x7a"
    assert comments[1]["link_title"] == "Anyone else wait 6 hours in the Riverside General ER last night?"


def test_mid_poll_cursor_resumes_at_the_next_page_without_advancing_the_marker(http):
    _, result = first_page(http)

    assert "newest_created_utc" not in result.next_cursor
    assert result.next_cursor["poll"]["after"] == "t3_1kpy0de"
    assert result.next_cursor["poll"]["time_filter"] == "week"
    assert result.next_cursor["poll"]["newest_created_utc"] == NOW - 300


def test_later_page_finishes_the_poll_and_advances_the_marker(http):
    _, page1 = first_page(http)
    replay(http, "token.json")
    replay(http, "search_page2.json")
    replay(http, "comments_1kp6m2c.json")

    # A fresh connector, as after a worker restart: the stored cursor alone carries the poll on.
    page2 = RedditConnector(CONFIG).fetch(QUERY, json.loads(json.dumps(page1.next_cursor)))

    assert names(page2.items) == ["t3_1kp6m2c", "t1_mszz8k1", "t3_1kog9s1"]
    assert page2.has_more is False
    assert page2.next_cursor == SETTLED_AFTER_FIRST_POLL
    assert page2.coverage_gaps == ()


def test_replaying_the_same_pages_with_the_returned_cursors_never_yields_an_item_twice(http):
    connector, page1 = first_page(http)
    replay(http, "search_page2.json")
    replay(http, "comments_1kp6m2c.json")
    page2 = connector.fetch(QUERY, page1.next_cursor)
    # The next poll asks for the last hour only and is given the same first page again.
    replay(http, "search_page1.json", params={"t": "hour"})

    replayed = connector.fetch(QUERY, page2.next_cursor)

    assert replayed.items == []
    assert replayed.has_more is False
    assert replayed.next_cursor == page2.next_cursor
    everything = names(page1.items + page2.items + replayed.items)
    assert len(everything) == len(set(everything)) == 8


def test_later_poll_yields_new_posts_including_same_second_and_late_indexed_ones(http, clock):
    clock(NOW + 900)
    replay(http, "token.json")
    replay(http, "search_later_poll.json")

    result = RedditConnector(CONFIG).fetch(QUERY, SETTLED_AFTER_FIRST_POLL)

    # t3_1kq2x7c was created in the same second as the newest stored post; t3_1kq1q8r is older than it but
    # only now indexed. The stored posts are skipped and the older t3_1kpy0de ends the poll.
    assert names(result.items) == ["t3_1kq3a0f", "t3_1kq2x7c", "t3_1kq1q8r"]
    assert result.has_more is False
    assert result.next_cursor == {
        "newest_created_utc": NOW + 600,
        "recent_ids": {"t3_1kq2x7a": NOW - 300, "t3_1kq2x7c": NOW - 300, "t3_1kq3a0f": NOW + 600},
    }


def test_empty_result_keeps_the_cursor(http, clock):
    settled = {"newest_created_utc": NOW - 3 * 86_400, "recent_ids": {"t3_1ko0aaa": NOW - 3 * 86_400}}
    replay(http, "token.json")
    replay(http, "search_empty.json")

    result = RedditConnector(CONFIG).fetch(QUERY, settled)

    assert result.items == []
    assert result.has_more is False
    assert result.next_cursor == settled
    assert result.coverage_gaps == ()


def test_first_poll_with_no_results_stores_an_empty_cursor(http):
    replay(http, "token.json")
    replay(http, "search_empty.json")

    result = RedditConnector(CONFIG).fetch(QUERY, {})

    assert (result.items, result.next_cursor, result.has_more) == ([], {}, False)


@pytest.mark.parametrize(
    ("seconds_since_newest", "time_filter"),
    [
        (1_200, "hour"),
        (3 * 3_600, "day"),
        (3 * 86_400, "week"),
        (20 * 86_400, "month"),
        (200 * 86_400, "year"),
    ],
)
def test_search_window_is_the_smallest_that_reaches_the_cursor(http, seconds_since_newest, time_filter):
    replay(http, "token.json")
    replay(http, "search_empty.json", params={"t": time_filter})

    RedditConnector(CONFIG).fetch(QUERY, {"newest_created_utc": NOW - seconds_since_newest, "recent_ids": {}})


def test_first_poll_window_comes_from_the_config(http):
    replay(http, "token.json")
    replay(http, "search_empty.json", params={"t": "month"})

    RedditConnector({**CONFIG, "first_poll_window": "month"}).fetch(QUERY, {})


def test_search_cut_short_before_the_cursor_reports_a_coverage_gap(http):
    settled = {"newest_created_utc": NOW - 2 * 86_400, "recent_ids": {"t3_1kl0000": NOW - 2 * 86_400}}
    replay(http, "token.json")
    replay(http, "search_page1.json")
    replay(http, "comments_1kq2x7a.json")
    replay(http, "comments_1kq1z3m.json")
    replay(http, "search_page2_cut_short.json")
    connector = RedditConnector(CONFIG)

    page1 = connector.fetch(QUERY, settled)
    page2 = connector.fetch(QUERY, page1.next_cursor)

    assert page1.coverage_gaps == ()
    assert page2.has_more is False
    assert [(gap.start.timestamp(), gap.end.timestamp()) for gap in page2.coverage_gaps] == [
        (NOW - 2 * 86_400, NOW - 5_400)
    ]
    assert "may be missing" in page2.coverage_gaps[0].reason
    assert page2.next_cursor == SETTLED_AFTER_FIRST_POLL


def test_rate_limit_raises_a_transient_error_with_the_reset_time_and_leaves_the_cursor(http):
    replay(http, "token.json")
    replay(http, "search_rate_limited.json")
    cursor = {"poll": {"after": None, "time_filter": "week"}}
    cursor_before = copy.deepcopy(cursor)

    with pytest.raises(TransientConnectorError) as raised:
        RedditConnector(CONFIG).fetch(QUERY, cursor)

    assert raised.value.permanent is False
    assert raised.value.retry_after == 287
    assert cursor == cursor_before


def test_fetch_stops_before_spending_calls_the_rate_limit_window_does_not_have(http):
    replay(http, "token.json")
    # Two new posts need a comment call each, but only one call is left until the window resets.
    replay(
        http,
        "search_page1.json",
        headers={"x-ratelimit-remaining": "1.0", "x-ratelimit-used": "999", "x-ratelimit-reset": "212"},
    )

    with pytest.raises(TransientConnectorError) as raised:
        RedditConnector(CONFIG).fetch(QUERY, {})

    assert raised.value.retry_after == pytest.approx(212, abs=2)
    assert len(http.calls) == 2


def test_wrong_client_id_or_secret_is_permanent_with_how_to_fix(http):
    replay(http, "token_invalid_client.json")

    with pytest.raises(ConnectorError) as raised:
        RedditConnector(CONFIG).fetch(QUERY, {})

    assert raised.value.permanent is True
    assert "https://www.reddit.com/prefs/apps" in raised.value.how_to_fix
    assert len(http.calls) == 1


def test_wrong_password_for_a_script_app_is_permanent_with_how_to_fix(http):
    replay(http, "token_invalid_grant.json")
    config = {**CONFIG, "username": "riverside_comms", "password": "hunter2-but-longer"}

    with pytest.raises(ConnectorError) as raised:
        RedditConnector(config).fetch(QUERY, {})

    assert raised.value.permanent is True
    assert "invalid_grant" in str(raised.value)
    assert "developer" in raised.value.how_to_fix


def test_script_app_signs_in_with_the_developer_account(http):
    replay(http, "token_password.json")
    replay(http, "search_empty.json")
    config = {**CONFIG, "username": "riverside_comms", "password": "hunter2-but-longer"}

    result = RedditConnector(config).fetch(QUERY, {})

    assert result.items == []
    assert (
        http.calls[1].request.headers["Authorization"]
        == "bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2ln"
    )


def test_token_revoked_mid_run_is_permanent_and_not_retried(http):
    replay(http, "token.json")
    replay(http, "search_api_token_revoked.json")

    with pytest.raises(ConnectorError) as raised:
        RedditConnector(CONFIG).fetch(QUERY, {})

    assert raised.value.permanent is True
    assert raised.value.how_to_fix
    assert len(http.calls) == 2


def test_server_error_is_transient_and_not_retried_inside_fetch(http):
    replay(http, "token.json")
    replay(http, "search_server_error.json")

    with pytest.raises(TransientConnectorError) as raised:
        RedditConnector(CONFIG).fetch(QUERY, {})

    assert "503" in str(raised.value)
    assert len(http.calls) == 2


def test_token_endpoint_outage_is_transient_and_not_retried_inside_fetch(http):
    replay(http, "token_unavailable.json")

    with pytest.raises(TransientConnectorError, match="503"):
        RedditConnector(CONFIG).fetch(QUERY, {})

    assert len(http.calls) == 1


def test_comments_of_a_post_deleted_since_the_search_are_skipped(http):
    replay(http, "token.json")
    replay(http, "search_page1.json")
    replay(http, "comments_1kq2x7a.json")
    replay(http, "comments_1kq1z3m_not_found.json")

    result = RedditConnector(CONFIG).fetch(QUERY, {})

    assert names(result.items) == ["t3_1kq2x7a", "t1_mt0a1b2", "t1_mt0b3kk", "t3_1kq1z3m", "t3_1kpy0de"]


def test_connection_failure_is_transient_and_not_retried_inside_fetch(http):
    replay(http, "token.json")
    http.add(
        responses.GET,
        "https://oauth.reddit.com/r/all/search/",
        body=requests.ConnectionError("reset by peer"),
    )

    with pytest.raises(TransientConnectorError, match="Could not reach Reddit"):
        RedditConnector(CONFIG).fetch(QUERY, {})

    assert len(http.calls) == 2


def test_unknown_subreddit_is_permanent_and_named(http):
    replay(http, "token.json")
    replay(http, "search_unknown_subreddit.json")

    with pytest.raises(ConnectorError) as raised:
        RedditConnector({**CONFIG, "subreddits": ["r/Springfeild"]}).fetch(QUERY, {})

    assert raised.value.permanent is True
    assert "r/Springfeild" in str(raised.value)
    assert "spelling" in raised.value.how_to_fix


def test_private_subreddit_is_permanent_and_names_the_subreddits(http):
    replay(http, "token.json")
    replay(http, "search_private_subreddit.json")

    with pytest.raises(ConnectorError) as raised:
        RedditConnector({**CONFIG, "subreddits": ["Springfield", "RGHstaff"]}).fetch(QUERY, {})

    assert raised.value.permanent is True
    assert "r/Springfield, r/RGHstaff" in str(raised.value)
    assert "private" in str(raised.value)


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ({"client_id": "abc"}, "client_secret"),
        ({**CONFIG, "username": "riverside_comms"}, "password"),
        ({**CONFIG, "subreddits": ["r/this name has spaces"]}, "not a subreddit name"),
        ({**CONFIG, "subreddits": "Springfield"}, "list"),
        ({"client_id": "abc", "client_secret": "xyz"}, "contact"),
        ({**CONFIG, "first_poll_window": "fortnight"}, "first_poll_window"),
    ],
)
def test_bad_config_is_a_permanent_error_with_how_to_fix(config, named):
    with pytest.raises(ConnectorError) as raised:
        RedditConnector(config)

    assert raised.value.permanent is True
    assert named in str(raised.value)
    assert raised.value.how_to_fix


def test_plan_queries_splits_long_term_lists_under_the_512_character_limit():
    terms = tuple(f'"Riverside General Hospital campus {number}"' for number in range(40))
    query = SourceQuery(key="hospital:riverside", terms=terms)

    parts = RedditConnector(CONFIG).plan_queries(query)

    assert len(parts) > 1
    assert [part.key for part in parts] == ["hospital:riverside"] + [
        f"hospital:riverside#{number}" for number in range(2, len(parts) + 1)
    ]
    assert [term for part in parts for term in part.terms] == list(terms)
    assert all(len(reddit._search_string(part.terms)) <= 512 for part in parts)


def test_plan_queries_keeps_a_short_query_whole():
    assert RedditConnector(CONFIG).plan_queries(QUERY) == [QUERY]


def test_plan_queries_rejects_a_term_reddit_cannot_search():
    query = SourceQuery(key="hospital:riverside", terms=("RGH", "x" * 600))

    with pytest.raises(ConnectorError) as raised:
        RedditConnector(CONFIG).plan_queries(query)

    assert raised.value.permanent is True
    assert "Shorten" in raised.value.how_to_fix


def test_search_quotes_every_phrase_and_skips_blank_or_unreadable_terms(caplog):
    terms = ['"The  Riverside ER"', "RGH", "  ", '"Mercy" AND (']
    assert reddit._search_string(terms) == '"The Riverside ER" OR "RGH"'
    assert "cannot be read" in caplog.text


def test_search_sends_co_terms_and_exclusions_in_reddit_syntax(http):
    replay(http, "token.json")
    replay(
        http,
        "search_empty.json",
        params={"q": '("Mercy" AND ("hospital" OR "ER") NOT ("have mercy" OR "no mercy")) OR "MVH"'},
    )
    mercy = SourceQuery(
        key="hospital:mercy", terms=('"Mercy" AND (hospital OR ER) NOT ("have mercy" OR "no mercy")', "MVH")
    )

    assert RedditConnector(CONFIG).fetch(mercy, {}).items == []


def test_comments_are_kept_when_they_name_a_term_even_if_its_exclusions_rule_them_out():
    queries = reddit._comment_queries(['"Mercy" AND (hospital OR ER) NOT "have mercy"'])
    assert any(query.matches("Lord have mercy, the Mercy ER again") for query in queries)
    assert not any(query.matches("have mercy on me") for query in queries)


def test_normalize_reads_a_self_post(http):
    connector, result = first_page(http)

    mention = connector.normalize(result.items[0])

    assert mention.platform == "reddit"
    assert mention.external_id == "t3_1kq2x7a"
    assert mention.title == "Anyone else wait 6 hours in the Riverside General ER last night?"
    assert mention.text.startswith("Brought my dad in with chest pain")
    assert mention.posted_at == datetime.fromtimestamp(NOW - 300, tz=UTC)
    assert mention.url == (
        "https://www.reddit.com/r/Springfield/comments/1kq2x7a/anyone_else_wait_6_hours_in_the_riverside/"
    )
    assert (mention.author_handle, mention.likes, mention.replies) == ("maple_and_rust", 41, 4)
    assert mention.extra == {"kind": "post", "subreddit": "Springfield", "over_18": False, "link_url": ""}
    assert mention.raw is result.items[0]


def test_normalize_reads_a_link_post_and_a_downvoted_post(http):
    connector, result = first_page(http)

    link_post = connector.normalize(result.items[3])
    downvoted = connector.normalize(result.items[4])

    assert link_post.text == link_post.title == "RGH new grad residency – worth it?"
    assert link_post.extra["link_url"] == "https://www.springfieldnews.example/2026/05/rgh-nurse-residency"
    assert downvoted.likes == 0


def test_normalize_reads_a_comment(http):
    connector, result = first_page(http)

    mention = connector.normalize(result.items[2])

    assert mention.external_id == "t1_mt0b3kk"
    assert mention.title == "Re: Anyone else wait 6 hours in the Riverside General ER last night?"
    assert mention.text == "the rgh triage nurse was kind though 🙏 and the doctor apologised"
    assert mention.url == (
        "https://www.reddit.com/r/Springfield/comments/1kq2x7a/anyone_else_wait_6_hours_in_the_riverside/mt0b3kk/"
    )
    assert mention.likes == 0
    assert mention.extra == {
        "kind": "comment",
        "subreddit": "Springfield",
        "link_id": "t3_1kq2x7a",
        "parent_id": "t1_mt0a9zz",
    }


def test_malformed_item_fails_to_normalize_while_the_others_normalize(http):
    replay(http, "token.json")
    replay(http, "search_with_malformed_post.json")
    connector = RedditConnector(CONFIG)
    result = connector.fetch(QUERY, {})

    outcomes = []
    for item in result.items:
        try:
            outcomes.append(connector.normalize(item).external_id)
        except NormalizationError as error:
            outcomes.append(str(error))

    assert outcomes == ["t3_1kq2x7c", "missing required field 'title'", "t3_1kq1q8r"]
    # The unreadable post cannot be placed in time, so the cursor is built from the others.
    assert result.next_cursor["newest_created_utc"] == NOW - 300


def test_unicode_emoji_and_very_long_text_survive_normalize():
    post = recording("search_page1.json")["response"]["json"]["data"]["children"][0]["data"]
    long_text = ("Ожидание 6 часов 😡 في الطوارئ 急诊室 " * 1_200)[:39_999] + "!"
    raw = {"kind": "t3", **post, "title": "RGH 🏥 urgences – ¿por qué? 🤬", "selftext": long_text}

    mention = RedditConnector(CONFIG).normalize(raw)

    assert mention.text == long_text
    assert len(mention.text) == 40_000
    assert mention.title == "RGH 🏥 urgences – ¿por qué? 🤬"


def test_normalize_rejects_an_item_of_another_kind():
    with pytest.raises(NormalizationError, match="'kind'"):
        RedditConnector(CONFIG).normalize({"kind": "t5", "name": "t5_2qh5k"})


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
plausible = {
    "name": st.from_regex(r"t[13]_[a-z0-9]{1,7}", fullmatch=True),
    "created_utc": st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    "score": st.integers(min_value=-10_000, max_value=10_000),
    "num_comments": st.integers(min_value=-5, max_value=10_000),
    "title": st.text(max_size=50),
    "body": st.text(max_size=50),
    "selftext": st.text(max_size=50),
    "permalink": st.text(max_size=50),
}
random_items = st.fixed_dictionaries(
    {"kind": st.sampled_from(["t3", "t1"]) | json_values},
    optional={
        key: plausible.get(key, json_values) | json_values
        for key in {*reddit.POST_FIELDS, *reddit.COMMENT_FIELDS, "link_title", "link_permalink"}
    },
)
_thread = recording("comments_1kq2x7a.json")["response"]["json"]
_post = _thread[0]["data"]["children"][0]["data"]
RECORDED_ITEMS = (
    reddit._post_item(_post),
    reddit._comment_item(_thread[1]["data"]["children"][0]["data"], _post),
)


@st.composite
def damaged_recorded_items(draw) -> dict[str, Any]:
    """A recorded post or comment with a few fields dropped or replaced by values of any JSON type."""
    item = dict(draw(st.sampled_from(RECORDED_ITEMS)))
    for key in draw(st.lists(st.sampled_from(sorted(item)), unique=True, max_size=4)):
        if draw(st.booleans()):
            del item[key]
        else:
            item[key] = draw(plausible.get(key, json_values) | json_values)
    return item


normalizer = RedditConnector(CONFIG)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=damaged_recorded_items() | random_items)
def test_normalize_returns_a_mention_or_raises_normalization_error_for_any_item_shape(raw):
    try:
        mention = normalizer.normalize(raw)
    except NormalizationError:
        return
    assert isinstance(mention, MentionData)
    assert mention.external_id.startswith(("t3_", "t1_"))
    assert mention.text
    assert mention.likes >= 0 and mention.replies >= 0 and mention.shares >= 0
