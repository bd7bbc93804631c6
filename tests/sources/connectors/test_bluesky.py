"""The Bluesky connector against recorded XRPC exchanges (tests/sources/connectors/recordings/bluesky/)."""

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from sources.connectors import bluesky
from sources.connectors.base import (
    ConnectorError,
    MentionData,
    NormalizationError,
    SourceQuery,
    TransientConnectorError,
)
from sources.connectors.bluesky import BlueskyConnector

RECORDINGS = Path(__file__).parent / "recordings" / "bluesky"
NOW = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
CONFIG = {"handle": "riverside-listening.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"}
TERMS = ('"Riverside General Hospital"', '"RGH"', '"St. Brigid\'s"')
RGH = SourceQuery(key="hospital:riverside#fac660ff4b3d", terms=("RGH",))
LOGIN_URL = "https://bsky.social/xrpc/com.atproto.server.createSession"
SEARCH_URL = "https://porcini.us-east.host.bsky.network/xrpc/app.bsky.feed.searchPosts"


def recording(name: str) -> dict:
    return json.loads((RECORDINGS / name).read_text(encoding="utf-8"))


def replay(router: respx.MockRouter, name: str) -> respx.Route:
    """Serve a recorded exchange to the requests carrying its query parameters. A recording without a
    pagination cursor only answers requests without one, so a first page never stands in for a later one."""
    exchange = recording(name)
    request, response = exchange["request"], exchange["response"]

    query = request.get("query", {})

    def answer(sent: httpx.Request) -> httpx.Response | None:
        if "cursor" in sent.url.params and "cursor" not in query:
            return None
        return httpx.Response(response["status"], headers=response["headers"], json=response["body"])

    route = router.route(method=request["method"], url=request["url"], params__contains=query)
    return route.mock(side_effect=answer)


def sent_params(route: respx.Route) -> dict[str, str]:
    return dict(route.calls.last.request.url.params)


@pytest.fixture(autouse=True)
def frozen_clock_and_no_saved_sessions(monkeypatch):
    monkeypatch.setattr(bluesky, "utc_now", lambda: NOW)
    monkeypatch.setattr(bluesky, "_saved_sessions", {})


@pytest.fixture
def api():
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def login(api):
    return replay(api, "create_session.json")


@pytest.fixture
def connector():
    return BlueskyConnector(CONFIG)


def full_first_poll(api, connector) -> tuple[list[dict], dict]:
    replay(api, "search_first_page.json")
    replay(api, "search_second_page.json")
    first = connector.fetch(RGH, {})
    second = connector.fetch(RGH, first.next_cursor)
    return first.items + second.items, second.next_cursor


# Query planning


def test_plan_queries_makes_one_query_per_term_because_bluesky_has_no_or(connector):
    parts = connector.plan_queries(SourceQuery(key="hospital:riverside", terms=TERMS))
    assert [part.terms for part in parts] == [
        ('"RGH"',),
        ('"Riverside General Hospital"',),
        ('"St. Brigid\'s"',),
    ]
    assert len({part.key for part in parts}) == 3
    assert all(part.key.startswith("hospital:riverside#") for part in parts)


def test_a_term_keeps_its_query_key_when_other_terms_come_and_go(connector):
    before = connector.plan_queries(SourceQuery(key="hospital:riverside", terms=TERMS))
    after = connector.plan_queries(SourceQuery(key="hospital:riverside", terms=("rgh", '"Riverside ER"')))
    assert before[0].key == after[0].key == RGH.key


def test_terms_are_sent_bare_when_one_word_and_as_phrases_otherwise():
    assert bluesky.bluesky_term('"RGH"') == "RGH"
    assert bluesky.bluesky_term('"St. Brigid\'s"') == '"St. Brigid\'s"'
    assert bluesky.bluesky_term('"Riverside  General"') == '"Riverside General"'


def test_a_query_with_co_terms_and_exclusions_is_searched_for_its_name_and_matched_locally(connector):
    terms = (
        '"Mercy" AND (hospital OR ER) NOT ("have mercy" OR "no mercy")',
        '"MVH" OR "Mercy Valley" clinic',
    )
    parts = connector.plan_queries(SourceQuery(key="hospital:mercy", terms=terms))
    # Bluesky has no OR and no NOT: each side of an OR is a search, exclusions are left to the matcher.
    assert [bluesky.bluesky_term(part.terms[0]) for part in parts] == [
        "Mercy",
        "MVH",
        '"Mercy Valley" clinic',
    ]
    assert parts[0].key == f"hospital:mercy#{bluesky.term_key('Mercy')}"


def test_fetch_sends_the_search_of_a_planned_part(api, login, connector):
    route = api.get(SEARCH_URL, params__contains={"q": "Mercy"}).mock(
        return_value=httpx.Response(200, json={"posts": []})
    )
    parts = connector.plan_queries(
        SourceQuery(key="hospital:mercy", terms=('"Mercy" AND (hospital OR ER) NOT "have mercy"',))
    )
    connector.fetch(parts[0], {})
    assert sent_params(route)["q"] == "Mercy"


def test_plan_queries_rejects_a_term_too_long_for_a_search(connector):
    with pytest.raises(ConnectorError, match="too long") as raised:
        connector.plan_queries(SourceQuery(key="hospital:riverside", terms=("word " * 80,)))
    assert raised.value.permanent


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"handle": "riverside-listening.bsky.social"}, "no app password"),
        ({"app_password": "abcd-efgh-ijkl-mnop"}, "no handle"),
        ({**CONFIG, "lang": "English please"}, "lang"),
        ({**CONFIG, "start_time": "soon"}, "start_time"),
        ({**CONFIG, "service_url": "bsky.social"}, "service_url"),
    ],
)
def test_missing_or_wrong_settings_are_permanent_errors_with_a_fix(config, message):
    with pytest.raises(ConnectorError, match=message) as raised:
        BlueskyConnector(config)
    assert raised.value.permanent and raised.value.how_to_fix


# Fetching


def test_first_poll_logs_in_with_the_app_password_and_searches_the_last_seven_days(api, login, connector):
    search = replay(api, "search_first_page.json")
    result = connector.fetch(RGH, {})

    assert json.loads(login.calls.last.request.content) == {
        "identifier": "riverside-listening.bsky.social",
        "password": "abcd-efgh-ijkl-mnop",
    }
    request = search.calls.last.request
    assert request.headers["Authorization"].startswith("Bearer eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NksifQ")
    assert sent_params(search) == {
        "q": "RGH",
        "limit": "100",
        "sort": "latest",
        "since": "2026-05-07T12:00:00.000Z",
    }
    assert [item["uri"].rsplit("/", 1)[1] for item in result.items] == [
        "3lp2nw6b4ks2a",
        "3lp2mv3xtbc2k",
        "3lp2kbbfxms2w",
    ]
    assert result.has_more is True
    assert result.billable_reads == 0 and result.coverage_gaps == ()
    assert result.next_cursor["page_cursor"] == "3"
    assert result.next_cursor["query_since"] == "2026-05-07T12:00:00+00:00"
    assert "since" not in result.next_cursor, "since must not move before the poll's last page is stored"


def test_later_page_sends_the_same_since_with_the_cursor_and_skips_repeats_from_the_page_before(
    api, login, connector
):
    replay(api, "search_first_page.json")
    first = connector.fetch(RGH, {})
    search = replay(api, "search_second_page.json")
    second = connector.fetch(RGH, first.next_cursor)

    assert sent_params(search)["cursor"] == "3"
    assert sent_params(search)["since"] == "2026-05-07T12:00:00.000Z"
    assert [item["uri"].rsplit("/", 1)[1] for item in second.items] == ["3lp2gsx7ylk2e", "3lozvzr6spc2s"]
    assert second.has_more is False
    maria, dan = "at://did:plc:5rm6wjqhkq2fgfe4y6gqxo5r", "at://did:plc:vc7f4oafdgxsihk4cry2xpze"
    assert second.next_cursor == {
        "since": "2026-05-14T11:52:07.318000+00:00",
        "recent": {
            f"{maria}/app.bsky.feed.post/3lp2nw6b4ks2a": "2026-05-14T11:52:07.318000+00:00",
            f"{dan}/app.bsky.feed.post/3lp2mv3xtbc2k": "2026-05-14T11:40:00+00:00",
        },
    }, "since moves to the newest post; the posts within the overlap behind it are remembered"


def test_next_poll_reaches_back_by_the_overlap_and_skips_posts_already_stored(api, login, connector):
    _, cursor = full_first_poll(api, connector)
    search = replay(api, "search_next_poll.json")
    result = connector.fetch(RGH, cursor)

    assert sent_params(search)["since"] == "2026-05-14T11:37:07.318Z"
    assert "cursor" not in sent_params(search)
    assert [item["uri"].rsplit("/", 1)[1] for item in result.items] == ["3lp2ofv2ah22c", "3lp2n4ikqdk2m"]
    assert result.next_cursor["since"] == "2026-05-14T11:59:58+00:00"
    assert set(result.next_cursor["recent"]) == {
        "at://did:plc:vc7f4oafdgxsihk4cry2xpze/app.bsky.feed.post/3lp2ofv2ah22c",
        "at://did:plc:5rm6wjqhkq2fgfe4y6gqxo5r/app.bsky.feed.post/3lp2n4ikqdk2m",
        "at://did:plc:5rm6wjqhkq2fgfe4y6gqxo5r/app.bsky.feed.post/3lp2nw6b4ks2a",
    }, "posts older than the overlap behind the newest are forgotten"


def test_replaying_pages_with_the_returned_cursors_never_yields_a_post_twice(api, login, connector):
    stored, cursor = full_first_poll(api, connector)
    replay(api, "search_next_poll.json")
    stored += connector.fetch(RGH, cursor).items
    uris = [item["uri"] for item in stored]
    assert len(uris) == len(set(uris)) == 7


def test_a_crash_between_pages_refetches_the_unsaved_page_and_never_skips_one(api, login, connector):
    replay(api, "search_first_page.json")
    cursor = connector.fetch(RGH, {}).next_cursor
    replay(api, "search_second_page.json")
    lost = connector.fetch(RGH, cursor)  # The worker dies before this page is stored.
    again = connector.fetch(RGH, cursor)
    assert again.items == lost.items and again.next_cursor == lost.next_cursor


def test_empty_result_keeps_since_and_the_overlap(api, login, connector):
    replay(api, "search_empty.json")
    cursor = {
        "since": "2026-05-14T11:52:07.318000+00:00",
        "recent": {"at://x/app.bsky.feed.post/a": "2026-05-14T11:52:07.318000+00:00"},
    }
    result = connector.fetch(RGH, cursor)
    assert result.items == [] and result.has_more is False
    assert result.next_cursor == cursor


def test_first_poll_starts_at_the_configured_start_time(api, login):
    search = replay(api, "search_empty.json")
    BlueskyConnector({**CONFIG, "start_time": "2025-01-01", "lang": "en"}).fetch(RGH, {})
    assert sent_params(search)["since"] == "2025-01-01T00:00:00.000Z"
    assert sent_params(search)["lang"] == "en"


def test_the_session_is_reused_by_later_fetches_and_later_connectors(api, login, connector):
    replay(api, "search_empty.json")
    connector.fetch(RGH, {})
    connector.fetch(RGH, {})
    BlueskyConnector(CONFIG).fetch(RGH, {})
    assert login.call_count == 1, "Bluesky allows few logins a day: a session is logged in once"


def test_a_self_hosted_account_logs_in_at_its_own_server(api):
    exchange = recording("create_session.json")
    login = api.post("https://pds.riverside-general.example/xrpc/com.atproto.server.createSession").mock(
        return_value=httpx.Response(200, json=exchange["response"]["body"])
    )
    replay(api, "search_empty.json")
    BlueskyConnector({**CONFIG, "service_url": "https://pds.riverside-general.example/"}).fetch(RGH, {})
    assert login.call_count == 1


# Errors


def test_rate_limit_is_transient_with_seconds_until_the_reset_header(api, login, connector):
    replay(api, "search_rate_limited.json")
    cursor = {"since": "2026-05-14T11:52:07.318000+00:00", "recent": {}}
    with pytest.raises(TransientConnectorError) as raised:
        connector.fetch(RGH, cursor)
    assert raised.value.retry_after == 300
    assert "RateLimitExceeded" in str(raised.value)
    assert cursor == {"since": "2026-05-14T11:52:07.318000+00:00", "recent": {}}, "cursor unchanged"


def test_invalid_app_password_is_permanent_with_steps_to_make_a_new_one(api, connector):
    replay(api, "create_session_invalid_password.json")
    with pytest.raises(ConnectorError) as raised:
        connector.fetch(RGH, {})
    assert raised.value.permanent
    assert "Invalid identifier or password" in str(raised.value)
    assert "Settings → Privacy and security → App passwords" in raised.value.how_to_fix


def test_a_main_password_needing_an_email_code_is_permanent_and_asks_for_an_app_password(api, connector):
    replay(api, "create_session_auth_factor_required.json")
    with pytest.raises(ConnectorError) as raised:
        connector.fetch(RGH, {})
    assert raised.value.permanent
    assert "app password" in raised.value.how_to_fix


def test_an_expired_session_is_dropped_so_the_retry_logs_in_again(api, login, connector):
    expired = replay(api, "search_expired_token.json")
    with pytest.raises(TransientConnectorError, match="ExpiredToken"):
        connector.fetch(RGH, {})
    expired.mock(return_value=httpx.Response(200, json={"posts": []}))
    connector.fetch(RGH, {})
    assert login.call_count == 2


def test_server_error_is_transient(api, login, connector):
    replay(api, "search_server_error.json")
    with pytest.raises(TransientConnectorError, match="500"):
        connector.fetch(RGH, {})


def test_connection_failure_is_transient(api, login, connector):
    api.get(SEARCH_URL).mock(side_effect=httpx.ConnectError("connection refused"))
    with pytest.raises(TransientConnectorError):
        connector.fetch(RGH, {})


def test_login_timeout_is_transient(api, connector):
    api.post(LOGIN_URL).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(TransientConnectorError, match="log in"):
        connector.fetch(RGH, {})


def test_a_query_with_several_terms_is_refused_before_any_request(api, connector):
    with pytest.raises(ConnectorError, match="plan_queries"):
        connector.fetch(SourceQuery(key="hospital:riverside", terms=TERMS), {})
    assert not api.calls


# Normalizing


def first_page_items(api, connector) -> list[dict]:
    replay(api, "search_first_page.json")
    return connector.fetch(RGH, {}).items


def test_normalize_reads_a_long_post_with_emoji_its_author_and_link(api, login, connector):
    raw = first_page_items(api, connector)[0]
    mention = connector.normalize(raw)
    assert mention.platform == "bluesky"
    assert mention.external_id == "at://did:plc:5rm6wjqhkq2fgfe4y6gqxo5r/app.bsky.feed.post/3lp2nw6b4ks2a"
    assert mention.url == "https://bsky.app/profile/maria-lopez.bsky.social/post/3lp2nw6b4ks2a"
    assert mention.text == raw["record"]["text"]
    assert "👩🏽‍⚕️💙🇲🇽" in mention.text and "日本語" in mention.text and len(mention.text) > 250
    assert mention.posted_at == datetime(2026, 5, 14, 11, 52, 7, 318000, tzinfo=UTC)
    assert (mention.author_handle, mention.author_name) == ("maria-lopez.bsky.social", "María López 🩺")
    assert mention.author_followers is None, "search results carry no follower counts"
    assert (mention.likes, mention.shares, mention.replies) == (14, 2, 2)
    assert mention.language == "en"
    assert mention.raw is raw


def test_normalize_marks_replies(api, login, connector):
    mention = connector.normalize(first_page_items(api, connector)[1])
    assert mention.extra["is_reply"] is True


def test_normalize_links_an_author_without_a_valid_handle_by_did_and_dates_a_future_post_by_indexing(
    api, login, connector
):
    mention = connector.normalize(first_page_items(api, connector)[2])
    assert mention.url == "https://bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz/post/3lp2kbbfxms2w"
    assert mention.posted_at == datetime(2026, 5, 14, 10, 5, 42, 930000, tzinfo=UTC)


def test_a_malformed_post_is_rejected_while_the_rest_of_the_page_normalizes(api, login, connector):
    replay(api, "search_malformed_post.json")
    items = connector.fetch(RGH, {}).items
    assert len(items) == 3
    assert connector.normalize(items[0]).external_id.endswith("/3lp2nw6b4ks2a")
    with pytest.raises(NormalizationError, match="record: field 'createdAt'"):
        connector.normalize(items[1])
    with pytest.raises(NormalizationError, match="missing required field 'record'"):
        connector.normalize(items[2])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"uri": "https://bsky.app/profile/x/post/1"}, "at:// URI"),
        ({"author": "maria"}, "'author' must be an object"),
        ({"author": {"handle": "maria.bsky.social"}}, "author: missing required field 'did'"),
        (
            {"record": {"createdAt": "2026-05-14T11:52:07Z", "text": ""}},
            "record: missing required field 'text'",
        ),
        ({"record": {"createdAt": "2026-05-14T11:52:07Z", "text": "RGH", "langs": "en"}}, "langs"),
        ({"likeCount": "inf"}, "likeCount"),
    ],
)
def test_normalize_names_the_field_that_is_wrong(change, message, connector):
    raw = {
        "uri": "at://did:plc:5rm6wjqhkq2fgfe4y6gqxo5r/app.bsky.feed.post/3lp2nw6b4ks2a",
        "author": {"did": "did:plc:5rm6wjqhkq2fgfe4y6gqxo5r", "handle": "maria.bsky.social"},
        "record": {"createdAt": "2026-05-14T11:52:07Z", "text": "RGH"},
        **change,
    }
    with pytest.raises(NormalizationError, match=message):
        connector.normalize(raw)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "2026-05-14T11:52:07.318Z", "1778760000", "inf", "1e999", "handle.invalid"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
timestamps = st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.isoformat())
counts = st.one_of(st.integers(min_value=0, max_value=10**12), json_values)
post_like = st.fixed_dictionaries(
    {
        "uri": st.one_of(
            st.from_regex(r"at://did:plc:[a-z2-7]{24}/app\.bsky\.feed\.post/[a-z2-7]{13}", fullmatch=True),
            json_values,
        ),
        "author": st.one_of(
            st.fixed_dictionaries(
                {"did": st.one_of(st.just("did:plc:5rm6wjqhkq2fgfe4y6gqxo5r"), json_values)},
                optional={
                    "handle": st.one_of(
                        st.from_regex(r"[a-z0-9-]{1,20}\.bsky\.social", fullmatch=True), json_values
                    ),
                    "displayName": json_values,
                },
            ),
            json_values,
        ),
        "record": st.one_of(
            st.fixed_dictionaries(
                {
                    "text": st.one_of(st.text(min_size=1), json_values),
                    "createdAt": st.one_of(timestamps, json_values),
                },
                optional={
                    "langs": st.one_of(st.lists(st.text(max_size=5), max_size=2), json_values),
                    "reply": json_values,
                },
            ),
            json_values,
        ),
    },
    optional={
        "cid": json_values,
        "indexedAt": st.one_of(timestamps, json_values),
        "likeCount": counts,
        "repostCount": counts,
        "replyCount": counts,
        "quoteCount": counts,
        "embed": json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(raw=post_like, missing=st.sampled_from([None, "uri", "author", "record"]))
def test_normalize_returns_a_mention_or_a_normalization_error_for_any_post_shaped_json(raw, missing):
    raw.pop(missing, None)
    try:
        mention = BlueskyConnector(CONFIG).normalize(raw)
    except NormalizationError:
        return
    assert isinstance(mention, MentionData)
    assert mention.external_id.startswith("at://") and mention.url.startswith("https://bsky.app/profile/")
    assert min(mention.likes, mention.shares, mention.replies) >= 0


def test_the_recorded_session_outlives_the_tests_so_the_client_never_refreshes_it():
    # The atproto client reads the real clock to decide when to refresh; the recorded tokens expire in 2100.
    payload = recording("create_session.json")["response"]["body"]["accessJwt"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert datetime.fromtimestamp(claims["exp"], tz=UTC) > datetime.now(tz=UTC) + timedelta(days=3650)


# Terms limited to a language or region


def test_a_term_limited_to_a_language_asks_bluesky_for_posts_in_it(api, login):
    search = replay(api, "search_empty.json")
    connector = BlueskyConnector({**CONFIG, "lang": "en"})
    (part,) = connector.plan_queries(
        SourceQuery(key="hospital:riverside#lang:es", terms=("RGH",), language="es", region="MX")
    )
    assert (part.key, part.language) == ("hospital:riverside#lang:es#fac660ff4b3d", "es")
    connector.fetch(part, {})
    assert sent_params(search)["lang"] == "es"
    assert "region" not in sent_params(search)  # searchPosts has no region filter.


def test_a_term_without_a_language_sends_no_lang_parameter(api, login, connector):
    search = replay(api, "search_empty.json")
    connector.fetch(RGH, {})
    assert "lang" not in sent_params(search)
