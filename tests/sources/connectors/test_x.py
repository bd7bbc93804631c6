"""The X connector against recorded recent-search exchanges (tests/sources/connectors/recordings/x/)."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from hypothesis import given, settings
from hypothesis import strategies as st
from responses import matchers

from sources.connectors import x
from sources.connectors.base import (
    ConnectorError,
    CoverageGap,
    MentionData,
    NormalizationError,
    SourceQuery,
    TransientConnectorError,
)
from sources.connectors.x import XConnector

RECORDINGS = Path(__file__).parent / "recordings" / "x"
NOW = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
QUERY = SourceQuery(
    key="hospital:riverside", terms=('"Riverside General Hospital"', '"RGH"', '"St. Brigid\'s"')
)
CONFIG = {"bearer_token": "AAAAAAAAAAAAAAAAAAAAA-test-bearer-token"}


def recording(name: str) -> dict:
    return json.loads((RECORDINGS / name).read_text(encoding="utf-8"))


def replay(mock: responses.RequestsMock, name: str) -> dict:
    """Serve a recorded exchange, only to a request carrying the recorded query parameters."""
    exchange = recording(name)
    request, response = exchange["request"], exchange["response"]
    mock.add(
        request["method"],
        request["url"],
        json=response["body"],
        status=response["status"],
        headers={k: v for k, v in response["headers"].items() if k != "content-type"},
        content_type=response["headers"]["content-type"],
        match=[matchers.query_param_matcher(request["query"], strict_match=False)],
    )
    return exchange


def sent_params(mock: responses.RequestsMock, index: int = -1) -> dict[str, str]:
    query = urlsplit(mock.calls[index].request.url).query
    return {key: values[0] for key, values in parse_qs(query).items()}


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(x, "utc_now", lambda: NOW)


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def connector():
    return XConnector(CONFIG)


def first_page_cursor(api, connector) -> dict:
    replay(api, "search_first_page.json")
    return connector.fetch(QUERY, {}).next_cursor


# Query building and planning


def test_query_ors_quoted_phrases_and_leaves_out_retweets(connector):
    assert connector.query_text(QUERY.terms) == (
        '(RGH OR "Riverside General Hospital" OR "St. Brigid\'s") -is:retweet'
    )


def test_query_adds_the_configured_language_and_leaves_out_repeated_terms():
    connector = XConnector({**CONFIG, "lang": "en"})
    assert connector.query_text(['"Mercy Valley"', '"mercy  valley"', "#MercyER"]) == (
        '(#MercyER OR "Mercy Valley") -is:retweet lang:en'
    )


def test_query_sends_co_terms_and_exclusions_as_x_operators(connector):
    terms = ('"Mercy" AND (hospital OR ER OR clinic) NOT ("have mercy" OR "lord have")', '"MVH"')
    assert connector.query_text(terms) == (
        '((Mercy (hospital OR ER OR clinic) -("have mercy" OR "lord have")) OR MVH) -is:retweet'
    )
    # One compound term alone is grouped too, so "-is:retweet" applies to all of it.
    assert connector.query_text(['"RGH" OR "Riverside ER"']) == '(RGH OR "Riverside ER") -is:retweet'


def test_a_term_whose_query_cannot_be_read_is_skipped_not_fatal(connector, caplog):
    assert connector.query_text(['"Mercy" AND (', '"RGH"']) == "RGH -is:retweet"
    assert "cannot be read" in caplog.text
    assert connector.plan_queries(SourceQuery(key="hospital:mercy", terms=('"Mercy" OR',))) == []


def test_plan_queries_keeps_a_query_that_fits_whole(connector):
    assert connector.plan_queries(QUERY) == [QUERY]


def test_plan_queries_splits_long_term_lists_into_stable_parts_within_512_characters(connector):
    terms = tuple(f'"Riverside General Hospital Clinic Number {n}"' for n in range(40))
    parts = connector.plan_queries(SourceQuery(key="hospital:riverside", terms=terms))
    assert [part.key for part in parts] == [f"hospital:riverside#{n}" for n in range(1, len(parts) + 1)]
    assert len(parts) > 1
    assert all(len(connector.query_text(part.terms)) <= x.MAX_QUERY_LENGTH for part in parts)
    assert sorted(term for part in parts for term in part.terms) == sorted(terms)
    shuffled = SourceQuery(key="hospital:riverside", terms=tuple(reversed(terms)))
    assert connector.plan_queries(shuffled) == parts, "the same terms always make the same parts"


def test_plan_queries_rejects_a_term_too_long_for_any_query(connector):
    with pytest.raises(ConnectorError, match="too long") as raised:
        connector.plan_queries(SourceQuery(key="hospital:riverside", terms=("word " * 120,)))
    assert raised.value.permanent and "Shorten" in raised.value.how_to_fix


def test_missing_bearer_token_is_a_permanent_error_saying_where_to_get_one():
    with pytest.raises(ConnectorError) as raised:
        XConnector({"bearer_token": "  "})
    assert raised.value.permanent
    assert "Keys and tokens" in raised.value.how_to_fix


def test_a_start_time_that_is_not_a_date_is_a_permanent_config_error():
    with pytest.raises(ConnectorError, match="start_time") as raised:
        XConnector({**CONFIG, "start_time": "last spring"})
    assert raised.value.permanent


# Fetching


def test_first_poll_reads_the_last_seven_days_with_the_documented_fields(api, connector):
    replay(api, "search_first_page.json")
    result = connector.fetch(QUERY, {})

    params = sent_params(api)
    assert params["query"] == '(RGH OR "Riverside General Hospital" OR "St. Brigid\'s") -is:retweet'
    assert params["start_time"] == "2026-05-07T12:02:00Z"
    assert "since_id" not in params
    assert params["max_results"] == "100"
    assert params["expansions"] == "author_id"
    assert set(params["tweet.fields"].split(",")) >= {
        "created_at",
        "lang",
        "public_metrics",
        "conversation_id",
        "author_id",
        "referenced_tweets",
        "in_reply_to_user_id",
    }
    assert params["user.fields"] == "username,name,public_metrics,verified"
    assert api.calls[0].request.headers["Authorization"] == f"Bearer {CONFIG['bearer_token']}"
    assert api.calls[0].request.req_kwargs["timeout"] == x.REQUEST_TIMEOUT_SECONDS, "tweepy sets none"

    assert [item["id"] for item in result.items] == [
        "2054894002762690577",
        "2054889825235906577",
        "2054868107129794577",
    ]
    assert result.items[0]["author"]["username"] == "maria_lopez_rn", "each post carries its author"
    assert result.has_more is True
    assert result.billable_reads == 3 and result.api_calls == 1
    assert result.coverage_gaps == ()
    assert result.next_cursor == {
        "next_token": "b26v89c19zqg8o3fosbsvmyrh37w0wzjtm9jp6o6t4fd9",
        "pending_newest_id": "2054894002762690577",
        "poll_window": {"start_time": "2026-05-07T12:02:00Z"},
        "poll_started_at": NOW.isoformat(),
    }


def test_later_page_sends_the_same_window_with_next_token_and_promotes_the_newest_id_at_the_end(
    api, connector
):
    cursor = first_page_cursor(api, connector)
    replay(api, "search_second_page.json")
    result = connector.fetch(QUERY, cursor)

    params = sent_params(api)
    assert params["next_token"] == "b26v89c19zqg8o3fosbsvmyrh37w0wzjtm9jp6o6t4fd9"
    assert params["start_time"] == "2026-05-07T12:02:00Z"
    assert [item["id"] for item in result.items] == ["2054849882878914577", "2054690650321858577"]
    assert "author" not in result.items[0], "an author X left out of includes is not made up"
    assert result.has_more is False
    assert result.billable_reads == 2
    assert result.next_cursor == {"since_id": "2054894002762690577", "polled_at": NOW.isoformat()}


def test_fetch_resumes_from_since_id(api, connector):
    replay(api, "search_since_id.json")
    cursor = {"since_id": "2054894002762690577", "polled_at": (NOW - timedelta(minutes=15)).isoformat()}
    result = connector.fetch(QUERY, cursor)

    params = sent_params(api)
    assert params["since_id"] == "2054894002762690577"
    assert "start_time" not in params, "X refuses since_id together with start_time"
    assert [item["id"] for item in result.items] == ["2054894283781058577"]
    assert result.next_cursor == {"since_id": "2054894283781058577", "polled_at": NOW.isoformat()}
    assert result.coverage_gaps == ()


def test_a_crash_between_pages_refetches_the_unsaved_page_and_never_skips_one(api, connector):
    cursor = first_page_cursor(api, connector)
    assert "since_id" not in cursor, "since_id must not move before the poll's last page is stored"
    replay(api, "search_second_page.json")
    lost = connector.fetch(QUERY, cursor)  # The worker dies before this page is stored.
    again = connector.fetch(QUERY, cursor)
    assert [item["id"] for item in again.items] == [item["id"] for item in lost.items]
    assert again.next_cursor == lost.next_cursor


def test_replaying_pages_with_the_returned_cursors_never_yields_a_post_twice(api, connector):
    replay(api, "search_first_page.json")
    replay(api, "search_second_page.json")
    replay(api, "search_since_id.json")
    stored: list[str] = []
    cursor: dict = {}
    for _ in range(3):  # One full poll (two pages), then the next poll.
        result = connector.fetch(QUERY, cursor)
        stored += [item["id"] for item in result.items]
        cursor = result.next_cursor
    assert len(stored) == len(set(stored)) == 6
    assert sent_params(api)["since_id"] == "2054894002762690577"


def test_empty_result_keeps_since_id_and_notes_the_poll(api, connector):
    replay(api, "search_empty.json")
    cursor = {"since_id": "2054894002762690577", "polled_at": (NOW - timedelta(hours=1)).isoformat()}
    result = connector.fetch(QUERY, cursor)
    assert result.items == [] and result.has_more is False and result.billable_reads == 0
    assert result.next_cursor == {"since_id": "2054894002762690577", "polled_at": NOW.isoformat()}


def test_first_poll_with_an_older_start_time_reports_the_unreachable_days_as_a_gap(api):
    replay(api, "search_first_page.json")
    connector = XConnector({**CONFIG, "start_time": "2026-04-20T00:00:00Z"})
    result = connector.fetch(QUERY, {})
    assert sent_params(api)["start_time"] == "2026-05-07T12:02:00Z"
    assert result.coverage_gaps == (
        CoverageGap(
            start=datetime(2026, 4, 20, tzinfo=UTC),
            end=datetime(2026, 5, 7, 12, 2, tzinfo=UTC),
            reason="X recent search reaches back 7 days only",
        ),
    )


def test_first_poll_with_a_recent_start_time_starts_there_without_a_gap(api):
    replay(api, "search_first_page.json")
    connector = XConnector({**CONFIG, "start_time": "2026-05-12T00:00:00+00:00"})
    result = connector.fetch(QUERY, {})
    assert sent_params(api)["start_time"] == "2026-05-12T00:00:00Z"
    assert result.coverage_gaps == ()


def test_poll_after_a_pause_longer_than_seven_days_reports_a_gap_and_drops_the_stale_since_id(api, connector):
    replay(api, "search_first_page.json")
    polled_at = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
    cursor = {"since_id": "2050123053265858577", "polled_at": polled_at.isoformat()}
    result = connector.fetch(QUERY, cursor)
    params = sent_params(api)
    assert "since_id" not in params, "X answers 400 to a since_id older than 7 days"
    assert params["start_time"] == "2026-05-07T12:02:00Z"
    assert result.coverage_gaps == (
        CoverageGap(start=polled_at, end=datetime(2026, 5, 7, 12, 2, tzinfo=UTC), reason=x.GAP_REASON),
    )


def test_quiet_query_with_an_old_since_id_restarts_just_before_the_last_poll(api, connector):
    replay(api, "search_first_page.json")
    cursor = {"since_id": "2050123053265858577", "polled_at": "2026-05-14T11:45:00+00:00"}
    result = connector.fetch(QUERY, cursor)
    params = sent_params(api)
    assert "since_id" not in params
    assert params["start_time"] == "2026-05-14T11:44:00Z"
    assert result.coverage_gaps == ()


def test_a_poll_left_unfinished_for_over_a_week_starts_over_and_reports_the_gap(api, connector):
    replay(api, "search_first_page.json")
    polled_at = datetime(2026, 5, 5, 8, 0, tzinfo=UTC)
    cursor = {
        "since_id": "2050123053265858577",
        "polled_at": polled_at.isoformat(),
        "next_token": "7140dibdnow9c7btw423x78ppjuz9u4zkzlwsvfx1hn2a",
        "pending_newest_id": "2050200000000000000",
        "poll_window": {"since_id": "2050123053265858577"},
        "poll_started_at": "2026-05-05T08:15:00+00:00",
    }
    result = connector.fetch(QUERY, cursor)
    params = sent_params(api)
    assert "next_token" not in params and "since_id" not in params
    assert params["start_time"] == "2026-05-07T12:02:00Z"
    assert [(gap.start, gap.end) for gap in result.coverage_gaps] == [
        (polled_at, datetime(2026, 5, 7, 12, 2, tzinfo=UTC))
    ]


# Errors


def test_rate_limit_is_transient_with_seconds_until_the_reset_header(api, connector):
    replay(api, "rate_limited.json")
    cursor = {"since_id": "2054894002762690577", "polled_at": NOW.isoformat()}
    with pytest.raises(TransientConnectorError) as raised:
        connector.fetch(QUERY, cursor)
    assert raised.value.retry_after == 420
    assert "429" in str(raised.value)
    assert cursor == {"since_id": "2054894002762690577", "polled_at": NOW.isoformat()}, "cursor unchanged"


def test_revoked_bearer_token_is_permanent_with_steps_to_make_a_new_one(api, connector):
    replay(api, "unauthorized.json")
    with pytest.raises(ConnectorError) as raised:
        connector.fetch(QUERY, {})
    assert raised.value.permanent
    assert "401 Unauthorized" in str(raised.value)
    assert "Bearer token" in raised.value.how_to_fix and "bearer_token" in raised.value.how_to_fix


def test_spent_credits_are_permanent_with_a_billing_fix(api, connector):
    replay(api, "credits_depleted.json")
    with pytest.raises(ConnectorError) as raised:
        connector.fetch(QUERY, {})
    assert raised.value.permanent
    assert "does not have any credits" in str(raised.value)
    assert "Billing" in raised.value.how_to_fix


def test_an_app_outside_a_project_is_permanent_with_the_platform_message(api, connector):
    replay(api, "client_forbidden.json")
    with pytest.raises(ConnectorError) as raised:
        connector.fetch(QUERY, {})
    assert raised.value.permanent
    assert "attached to a Project" in str(raised.value)
    assert "project" in raised.value.how_to_fix


def test_server_error_is_transient(api, connector):
    replay(api, "server_error.json")
    with pytest.raises(TransientConnectorError, match="503"):
        connector.fetch(QUERY, {})


def test_connection_failure_is_transient(api, connector):
    api.add(
        responses.GET,
        "https://api.twitter.com/2/tweets/search/recent",
        body=requests.ConnectionError("reset"),
    )
    with pytest.raises(TransientConnectorError, match="could not be reached"):
        connector.fetch(QUERY, {})


def test_fetch_sends_a_term_with_co_terms_and_an_exclusion_in_x_syntax(api, connector):
    api.add(
        responses.GET, "https://api.twitter.com/2/tweets/search/recent", json={"meta": {"result_count": 0}}
    )
    mercy = SourceQuery(key="hospital:mercy", terms=('"Mercy" AND (hospital OR ER) NOT "have mercy"',))
    connector.fetch(mercy, {})
    assert sent_params(api)["query"] == '(Mercy (hospital OR ER) -"have mercy") -is:retweet'


def test_timeout_is_transient(api, connector):
    api.add(
        responses.GET, "https://api.twitter.com/2/tweets/search/recent", body=requests.ReadTimeout("slow")
    )
    with pytest.raises(TransientConnectorError):
        connector.fetch(QUERY, {})


def test_query_too_long_for_x_is_refused_before_any_request(api, connector):
    terms = tuple(f'"Riverside General Hospital Clinic Number {n}"' for n in range(40))
    with pytest.raises(ConnectorError, match="plan_queries"):
        connector.fetch(SourceQuery(key="hospital:riverside", terms=terms), {})
    assert len(api.calls) == 0


# Normalizing


def first_page_items(api, connector) -> list[dict]:
    replay(api, "search_first_page.json")
    return connector.fetch(QUERY, {}).items


def test_normalize_reads_a_post_with_its_author_metrics_and_link(api, connector):
    mention = connector.normalize(first_page_items(api, connector)[0])
    assert mention.platform == "x"
    assert mention.external_id == "2054894002762690577"
    assert mention.text == "Shoutout to the night shift at RGH ward 4B — you kept my dad calm all night. 🙏"
    assert mention.posted_at == datetime(2026, 5, 14, 11, 58, 3, tzinfo=UTC)
    assert mention.url == "https://x.com/maria_lopez_rn/status/2054894002762690577"
    assert (mention.author_handle, mention.author_name) == ("maria_lopez_rn", "María López 🩺")
    assert mention.author_followers == 1843
    assert (mention.likes, mention.shares, mention.replies) == (41, 4, 2)
    assert mention.language == "en"
    assert mention.extra["impressions"] == 2210


def test_normalize_takes_the_full_text_of_a_long_post_with_emoji(api, connector):
    raw = first_page_items(api, connector)[1]
    mention = connector.normalize(raw)
    assert len(raw["text"]) <= 280 < len(mention.text)
    assert mention.text == raw["note_tweet"]["text"].strip()
    assert "👩🏽‍⚕️" in mention.text and "日本語" in mention.text


def test_normalize_marks_replies(api, connector):
    mention = connector.normalize(first_page_items(api, connector)[2])
    assert mention.extra["is_reply"] is True and mention.extra["is_quote"] is False
    assert mention.extra["conversation_id"] == "2054860000000000000"


def test_normalize_links_a_post_without_its_author_through_the_web_status_page(api, connector):
    cursor = first_page_cursor(api, connector)
    replay(api, "search_second_page.json")
    mention = connector.normalize(connector.fetch(QUERY, cursor).items[0])
    assert mention.url == "https://x.com/i/web/status/2054849882878914577"
    assert mention.author_handle == "" and mention.author_followers is None


def test_a_malformed_post_is_rejected_while_the_rest_of_the_page_normalizes(api, connector):
    replay(api, "search_malformed_post.json")
    items = connector.fetch(QUERY, {}).items
    assert connector.normalize(items[0]).external_id == "2054894002762690577"
    with pytest.raises(NormalizationError, match="created_at"):
        connector.normalize(items[1])
    with pytest.raises(NormalizationError, match="public_metrics: field 'like_count'"):
        connector.normalize(items[2])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "12ab"}, "numeric post id"),
        ({"text": "   "}, "missing required field 'text'"),
        ({"author": {"username": "not a handle!"}}, "author.username"),
        ({"public_metrics": [1, 2]}, "'public_metrics' must be an object"),
        ({"referenced_tweets": "replied_to"}, "referenced_tweets"),
        ({"public_metrics": {"like_count": "1e999"}}, "like_count"),
    ],
)
def test_normalize_names_the_field_that_is_wrong(change, message, connector):
    raw = {"id": "2054894002762690577", "text": "RGH", "created_at": "2026-05-14T11:58:03.000Z", **change}
    with pytest.raises(NormalizationError, match=message):
        connector.normalize(raw)


def test_normalize_leaves_out_language_codes_that_are_not_languages(connector):
    raw = {"id": "1", "text": "#RGH", "created_at": "2026-05-14T11:58:03.000Z", "lang": "qht"}
    assert connector.normalize(raw).language == ""


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "2026-05-14T11:58:03.000Z", "1778760000", "inf", "1e999", "-3", "12", "und"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
metrics_like = st.fixed_dictionaries(
    {},
    optional={
        key: st.one_of(st.integers(min_value=0, max_value=10**12), json_values)
        for key in ("like_count", "retweet_count", "quote_count", "reply_count", "impression_count")
    },
)
timestamps = st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.isoformat())
tweet_like = st.fixed_dictionaries(
    {
        "id": st.one_of(st.from_regex(r"[0-9]{1,19}", fullmatch=True), json_values),
        "text": st.one_of(st.text(min_size=1), json_values),
        "created_at": st.one_of(timestamps, json_values),
    },
    optional={
        "lang": json_values,
        "conversation_id": json_values,
        "in_reply_to_user_id": json_values,
        "note_tweet": st.one_of(json_values, st.fixed_dictionaries({"text": json_values})),
        "public_metrics": st.one_of(json_values, metrics_like),
        "referenced_tweets": st.one_of(
            json_values, st.lists(st.fixed_dictionaries({"type": json_values, "id": json_values}), max_size=2)
        ),
        "author": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {},
                optional={
                    "username": st.one_of(st.from_regex(r"[A-Za-z0-9_]{1,15}", fullmatch=True), json_values),
                    "name": json_values,
                    "verified": json_values,
                    "public_metrics": st.one_of(
                        json_values, st.fixed_dictionaries({}, optional={"followers_count": json_values})
                    ),
                },
            ),
        ),
    },
)


@settings(max_examples=300, deadline=None)
@given(raw=tweet_like, missing=st.sampled_from([None, "id", "text", "created_at"]))
def test_normalize_returns_a_mention_or_a_normalization_error_for_any_post_shaped_json(raw, missing):
    raw.pop(missing, None)
    connector = XConnector(CONFIG)
    try:
        mention = connector.normalize(raw)
    except NormalizationError:
        return
    assert isinstance(mention, MentionData)
    assert mention.external_id.isdigit() and mention.url.startswith("https://x.com/")
    assert min(mention.likes, mention.shares, mention.replies) >= 0


# Terms limited to a language or region


def serve_empty_search(mock: responses.RequestsMock) -> None:
    """X's answer to a search that found nothing, whatever was asked (the test reads what was sent)."""
    empty = recording("search_empty.json")
    mock.add("GET", empty["request"]["url"], json=empty["response"]["body"], status=200)


def test_fetch_adds_the_terms_language_and_no_region_operator(api, connector):
    serve_empty_search(api)
    spanish = SourceQuery(
        key="hospital:riverside#lang:es", terms=('"Hospital Ribera"',), language="es", region="MX"
    )
    connector.fetch(spanish, {})
    assert sent_params(api)["query"] == '"Hospital Ribera" -is:retweet lang:es'


def test_a_terms_language_wins_over_the_sources_lang(api):
    serve_empty_search(api)
    spanish = SourceQuery(key="hospital:riverside#lang:es", terms=('"Hospital Ribera"',), language="es")
    XConnector({**CONFIG, "lang": "en"}).fetch(spanish, {})
    assert sent_params(api)["query"].endswith("-is:retweet lang:es")


def test_fetch_of_a_query_without_a_language_sends_no_lang_operator(api, connector):
    serve_empty_search(api)
    connector.fetch(QUERY, {})
    assert "lang:" not in sent_params(api)["query"]


def test_plan_queries_counts_the_lang_operator_in_the_length_and_keeps_it_on_every_part(connector):
    terms = tuple(f'"Hospital General número {n:02d} de la ciudad"' for n in range(20))
    spanish = SourceQuery(key="hospital:riverside#lang:es", terms=terms, language="es")
    parts = connector.plan_queries(spanish)
    assert len(parts) > 1
    assert all(part.language == "es" and part.key.startswith("hospital:riverside#lang:es#") for part in parts)
    assert all(len(connector.query_text(part.terms, part.language)) <= x.MAX_QUERY_LENGTH for part in parts)
