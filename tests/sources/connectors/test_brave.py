import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from responses import matchers

from sources.connectors.base import (
    ConnectorError,
    MentionData,
    NormalizationError,
    SourceQuery,
    TransientConnectorError,
)
from sources.connectors.brave import BraveSearchConnector, search_phrase

RECORDINGS = Path(__file__).parent / "recordings" / "brave"
WEB_SEARCH = "https://api.search.brave.com/res/v1/web/search"
QUERY = SourceQuery(
    key="hospital:riverside", terms=('"Riverside General Hospital"', '"RGH"', '"St. Brigid\'s"')
)
WEB_COMPLAINTS = SourceQuery(key="hospital:riverside#web:complaints", terms=QUERY.terms)
NEWS_COMPLAINTS = SourceQuery(key="hospital:riverside#news:complaints", terms=QUERY.terms)
PHRASE = '"Riverside General Hospital" OR "RGH" OR "St. Brigid\'s" complaints'
NOW = datetime(2026, 5, 5, 14, 0, tzinfo=UTC)


def replay(name: str) -> dict:
    """Registers a recorded exchange with `responses` and returns the recording."""
    recording = json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))
    request, reply = recording["request"], recording["response"]
    headers = dict(reply["headers"])
    content_type = headers.pop("Content-Type", None)
    body = json.dumps(reply["json"]) if "json" in reply else reply.get("body", "")
    match = (
        [matchers.query_param_matcher(request["query"], strict_match=False)] if request.get("query") else []
    )
    responses.add(
        request["method"],
        request["url"],
        status=reply["status"],
        headers=headers,
        content_type=content_type,
        body=body.encode("utf-8"),
        match=match,
    )
    return recording


def connector(**config) -> BraveSearchConnector:
    brave = BraveSearchConnector({"api_key": "BSA-test-key", "fetch_pages": 0, **config})
    brave._now = lambda: NOW
    return brave


def sent_params(call_index: int = 0) -> dict[str, str]:
    query = parse_qs(urlsplit(responses.calls[call_index].request.url).query)
    return {name: values[0] for name, values in query.items()}


def test_plan_queries_makes_one_part_per_endpoint_and_suffix():
    parts = connector().plan_queries(QUERY)
    assert [part.key for part in parts] == [
        "hospital:riverside#web:",
        "hospital:riverside#web:complaints",
        "hospital:riverside#web:reviews",
        "hospital:riverside#news:",
        "hospital:riverside#news:complaints",
        "hospital:riverside#news:reviews",
    ]
    assert all(part.terms == QUERY.terms for part in parts)


def test_plan_queries_follows_the_configured_endpoints_and_suffixes():
    parts = connector(endpoints=["news"], query_suffixes=["patient complaints"]).plan_queries(QUERY)
    assert [part.key for part in parts] == ["hospital:riverside#news:patient complaints"]


def test_search_phrase_quotes_the_first_terms_and_respects_brave_limits():
    assert search_phrase(QUERY.terms, "complaints") == PHRASE
    assert search_phrase(QUERY.terms, "", max_terms=1) == '"Riverside General Hospital"'
    many_words = tuple(f'"Hospital number {n}"' for n in range(30))
    phrase = search_phrase(many_words, "reviews", max_terms=20)
    assert len(phrase.split()) <= 50 and phrase.endswith(" reviews")
    assert search_phrase(('"Say  RGH"', "RGH", "  "), "") == '"Say RGH" OR "RGH"'
    assert search_phrase((), "complaints") == ""


def test_search_phrase_sends_co_terms_and_exclusions_in_web_syntax():
    terms = ('"Mercy" AND (hospital OR ER) NOT ("have mercy" OR "no mercy")', "MVH")
    assert search_phrase(terms, "complaints") == (
        '("Mercy" ("hospital" OR "ER") -"have mercy" -"no mercy") OR "MVH" complaints'
    )
    # A NOT over an AND cannot be written for the engines: it is left to the term matcher.
    assert search_phrase(('"Mercy" NOT (lord AND have)',), "") == '"Mercy"'


def test_search_phrase_refuses_a_term_brave_cannot_search():
    with pytest.raises(ConnectorError) as raised:
        search_phrase(("word " * 60,), "")
    assert raised.value.permanent and "Tracking" in raised.value.how_to_fix


@responses.activate
def test_fetch_first_page_sends_the_key_and_returns_results_with_a_cursor_to_the_next_page():
    replay("web_page1")
    result = connector().fetch(WEB_COMPLAINTS, {})
    request = responses.calls[0].request
    assert request.headers["X-Subscription-Token"] == "BSA-test-key"
    assert sent_params() == {
        "q": PHRASE,
        "count": "20",
        "offset": "0",
        "spellcheck": "false",
        "result_filter": "web",
    }
    urls = [item["result"].get("url") for item in result.items]
    # The second spelling of the Gazette article on the same page is dropped.
    assert urls == [
        "https://www.yelp.com/biz/riverside-general-hospital-springfield",
        "https://www.springfieldgazette.com/news/2026/05/riverside-general-er-waits?utm_source=brave&utm_medium=search",
        "https://forum.springfieldtalk.org/t/rgh-billing-nightmare/4412",
        None,
    ]
    assert {item["kind"] for item in result.items} == {"web"}
    assert json.loads(json.dumps(result.items)) == result.items  # Stored as the raw payload.
    assert result.has_more is True
    assert result.next_cursor == {"offset": 1, "last_polled_at": None}
    assert (result.api_calls, result.billable_reads) == (1, 1)


@responses.activate
def test_fetch_later_page_ends_the_poll_and_starts_the_next_one_at_offset_zero():
    replay("web_page2")
    result = connector().fetch(WEB_COMPLAINTS, {"offset": 1, "last_polled_at": None})
    assert sent_params()["offset"] == "1"
    assert [item["result"]["url"] for item in result.items] == [
        "https://www.healthgrades.com/hospital-directory/illinois-il-springfield/riverside-general-hospital",
        "https://www.wspr-tv.com/local/st-brigids-parking",
    ]
    assert result.has_more is False
    assert result.next_cursor == {"offset": 0, "last_polled_at": NOW.isoformat()}
    assert result.coverage_gaps == ()


@responses.activate
def test_fetch_reads_no_more_than_max_pages_per_poll():
    replay("web_page1")
    result = connector(max_pages=1).fetch(WEB_COMPLAINTS, {})
    assert result.has_more is False
    assert result.next_cursor == {"offset": 0, "last_polled_at": NOW.isoformat()}


@responses.activate
def test_later_polls_ask_for_pages_discovered_since_the_last_poll_and_report_what_did_not_fit():
    replay("web_page1")
    result = connector(max_pages=1).fetch(
        WEB_COMPLAINTS, {"offset": 0, "last_polled_at": "2026-05-01T10:00:00+00:00"}
    )
    assert sent_params()["freshness"] == "2026-04-30to2026-05-05"
    (gap,) = result.coverage_gaps
    assert gap.start == datetime(2026, 4, 30, 10, 0, tzinfo=UTC) and gap.end == NOW
    assert "20 read per poll" in gap.reason


@responses.activate
def test_fetch_passes_a_fixed_freshness_country_and_language():
    replay("web_empty")
    connector(freshness="pw", country="GB", search_lang="en").fetch(WEB_COMPLAINTS, {})
    assert {key: sent_params()[key] for key in ("freshness", "country", "search_lang")} == {
        "freshness": "pw",
        "country": "GB",
        "search_lang": "en",
    }


@responses.activate
def test_fetch_sends_a_term_with_co_terms_and_an_exclusion_in_web_syntax():
    replay("web_empty")
    mercy = SourceQuery(
        key="hospital:mercy#web:", terms=('"Mercy" AND (hospital OR ER OR clinic) NOT "have mercy"',)
    )
    connector().fetch(mercy, {})
    assert sent_params()["q"] == '"Mercy" ("hospital" OR "ER" OR "clinic") -"have mercy"'


@responses.activate
def test_fetch_with_no_results_returns_nothing_and_ends_the_poll():
    replay("web_empty")
    result = connector().fetch(WEB_COMPLAINTS, {})
    assert result.items == []
    assert result.has_more is False
    assert result.next_cursor["offset"] == 0


@responses.activate
def test_fetch_news_uses_the_news_endpoint_and_stores_articles_like_web_results():
    replay("news_page1")
    replay("web_page1")
    brave = connector()
    news = brave.fetch(NEWS_COMPLAINTS, {})
    web = brave.fetch(WEB_COMPLAINTS, {})
    assert responses.calls[0].request.url.startswith("https://api.search.brave.com/res/v1/news/search?")
    assert "result_filter" not in sent_params(0)
    assert news.has_more is False  # Fewer than 20 results: nothing further.
    news_mentions = [brave.normalize(item) for item in news.items]
    web_gazette = brave.normalize(web.items[1])
    assert (
        news_mentions[0].external_id
        == web_gazette.external_id
        == ("https://springfieldgazette.com/news/2026/05/riverside-general-er-waits")
    )
    assert {mention.platform for mention in [*news_mentions, web_gazette]} == {"web"}
    assert news_mentions[0].extra["kind"] == "news" and web_gazette.extra["kind"] == "web"
    assert news_mentions[1].author_name == "wspr-tv.com"


def test_fetch_of_a_query_that_was_not_planned_searches_the_web_for_the_names_alone():
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, WEB_SEARCH, json={"type": "search", "query": {"original": "x"}})
        connector().fetch(QUERY, {})
        sent = parse_qs(urlsplit(mocked.calls[0].request.url).query)
    assert sent["q"] == ['"Riverside General Hospital" OR "RGH" OR "St. Brigid\'s"']


@responses.activate
def test_fetch_reads_linked_pages_where_robots_txt_allows():
    for name in ("web_page1", "robots_yelp", "robots_gazette", "page_gazette", "robots_forum_missing"):
        replay(name)
    replay("page_forum_error")
    brave = connector(fetch_pages=5)
    result = brave.fetch(WEB_COMPLAINTS, {})
    assert [item["page"]["status"] for item in result.items] == [
        "robots_disallowed",
        "ok",
        "http_error",
        "no_url",
    ]
    gazette = brave.normalize(result.items[1])
    assert gazette.text.startswith("Patients describe long ER waits at Riverside General\n\nBy Dana Ortiz")
    assert "hiring twelve more nurses" in gazette.text
    forum = brave.normalize(result.items[2])
    assert forum.text.startswith("Got charged twice by RGH for the same MRI 😤")


@responses.activate
def test_rate_limit_raises_a_transient_error_with_the_reset_and_leaves_the_cursor_alone():
    replay("rate_limited")
    cursor = {"offset": 1, "last_polled_at": "2026-05-01T10:00:00+00:00"}
    before = copy.deepcopy(cursor)
    with pytest.raises(TransientConnectorError) as raised:
        connector().fetch(WEB_COMPLAINTS, cursor)
    assert raised.value.retry_after == 1
    assert "RATE_LIMITED" in str(raised.value)
    assert cursor == before


@responses.activate
def test_a_used_up_monthly_quota_waits_for_the_monthly_reset():
    replay("quota_limited")
    with pytest.raises(TransientConnectorError) as raised:
        connector().fetch(WEB_COMPLAINTS, {})
    assert raised.value.retry_after == 1419704
    assert "monthly quota" in str(raised.value)


@responses.activate
def test_an_invalid_key_is_a_permanent_error_that_says_how_to_get_a_new_one():
    replay("invalid_token")
    with pytest.raises(ConnectorError) as raised:
        connector().fetch(WEB_COMPLAINTS, {})
    assert raised.value.permanent
    assert "The provided subscription token is invalid." in str(raised.value)
    assert "api-dashboard.search.brave.com" in raised.value.how_to_fix


@responses.activate
def test_a_rejected_parameter_is_a_permanent_error_pointing_at_the_settings():
    replay("validation_error")
    with pytest.raises(ConnectorError) as raised:
        connector(country="XX").fetch(WEB_COMPLAINTS, {})
    assert raised.value.permanent and '"country"' in raised.value.how_to_fix


@responses.activate
@pytest.mark.parametrize("status", [401, 403])
def test_refused_keys_and_plans_are_permanent(status):
    responses.add(responses.GET, WEB_SEARCH, status=status, json={"type": "ErrorResponse", "error": {}})
    with pytest.raises(ConnectorError) as raised:
        connector().fetch(WEB_COMPLAINTS, {})
    assert raised.value.permanent and raised.value.how_to_fix


@responses.activate
def test_a_server_error_is_transient():
    replay("server_error")
    with pytest.raises(TransientConnectorError) as raised:
        connector().fetch(WEB_COMPLAINTS, {})
    assert str(raised.value) == "Brave web search answered 502: 502 Bad Gateway 502 Bad Gateway"
    assert raised.value.retry_after is None  # No Retry-After: the task's backoff decides.


@responses.activate
@pytest.mark.parametrize("failure", [requests.Timeout("read timed out"), requests.ConnectionError("reset")])
def test_timeouts_and_connection_errors_are_transient(failure):
    responses.add(responses.GET, WEB_SEARCH, body=failure)
    with pytest.raises(TransientConnectorError):
        connector().fetch(WEB_COMPLAINTS, {})


def test_a_source_without_an_api_key_fails_at_construction_with_a_fix():
    with pytest.raises(ConnectorError) as raised:
        BraveSearchConnector({})
    assert raised.value.permanent and "API Keys" in raised.value.how_to_fix


@pytest.mark.parametrize(
    "config",
    [
        {"endpoints": ["images"]},
        {"endpoints": []},
        {"query_suffixes": "complaints"},
        {"max_pages": 11},
        {"max_pages": "2"},
        {"freshness": "lastweek"},
        {"country": "United States"},
    ],
)
def test_bad_settings_are_permanent_errors_with_a_fix(config):
    with pytest.raises(ConnectorError) as raised:
        BraveSearchConnector({"api_key": "k", **config})
    assert raised.value.permanent and raised.value.how_to_fix


@responses.activate
def test_normalize_reads_results_and_rejects_a_malformed_one_while_the_others_pass():
    replay("web_page1")
    brave = connector()
    yelp, gazette, forum, malformed = brave.fetch(WEB_COMPLAINTS, {}).items

    mention = brave.normalize(yelp)
    assert mention.platform == "web"
    assert mention.external_id == "https://yelp.com/biz/riverside-general-hospital-springfield"
    assert mention.url == "https://www.yelp.com/biz/riverside-general-hospital-springfield"
    assert mention.title == "Riverside General Hospital - 48 Reviews - Springfield, IL - Yelp"
    assert mention.text == (
        '48 reviews of Riverside General Hospital "Waited seven hours in the ER with a broken wrist. '
        'Billing complaints went nowhere."'
    )
    assert mention.posted_at == datetime(2026, 4, 28, 16, 2, 11, tzinfo=UTC)
    assert (mention.author_name, mention.author_handle, mention.language) == ("Yelp", "yelp.com", "en")
    assert mention.extra == {"provider": "brave", "kind": "web", "posted_at_estimated": False}
    assert mention.raw is yelp

    assert brave.normalize(gazette).text.endswith("the hospital's response was slow.")

    undated = brave.normalize(forum)
    assert undated.posted_at == NOW and undated.extra["posted_at_estimated"] is True
    assert "😤" in undated.text and "患者の苦情" in undated.text and "répond pas…" in undated.text

    with pytest.raises(NormalizationError, match="'url'"):
        brave.normalize(malformed)


def test_normalize_keeps_very_long_text_and_caps_the_title():
    item = {
        "provider": "brave",
        "kind": "web",
        "fetched_at": NOW.isoformat(),
        "result": {"url": "https://example.com/long", "title": "RGH " * 300, "description": "x"},
        "page": {"status": "ok", "excerpt": "Riverside General Hospital 🏥 " * 70},
    }
    mention = connector().normalize(item)
    assert len(mention.title) == 500
    assert mention.text.startswith("Riverside General Hospital 🏥") and len(mention.text) > 2000


def test_normalize_does_not_trust_a_page_date_in_the_future():
    item = {
        "provider": "brave",
        "kind": "news",
        "fetched_at": NOW.isoformat(),
        "result": {
            "url": "https://example.com/event",
            "title": "RGH gala",
            "page_age": "2027-01-01T00:00:00",
        },
    }
    mention = connector().normalize(item)
    assert mention.posted_at == NOW and mention.extra["posted_at_estimated"] is True


@responses.activate
def test_replaying_a_poll_with_the_returned_cursors_never_yields_an_item_twice():
    replay("web_page1")
    replay("web_page2")
    brave = connector()
    cursor: dict = {}
    external_ids: list[str] = []
    pages = 0
    while True:
        result = brave.fetch(WEB_COMPLAINTS, cursor)
        pages += 1
        # The result without a URL is rejected; every other result yields one external id.
        external_ids += [
            brave.normalize(item).external_id for item in result.items if item["result"].get("url")
        ]
        cursor = result.next_cursor
        if not result.has_more:
            break
    assert pages == 2
    assert len(external_ids) == len(set(external_ids)) == 5
    # The next poll starts over at the first page, limited to what Brave discovered since this one.
    responses.replace(
        responses.GET, WEB_SEARCH, json={"type": "search", "query": {"more_results_available": False}}
    )
    again = brave.fetch(WEB_COMPLAINTS, cursor)
    assert sent_params(2)["offset"] == "0" and sent_params(2)["freshness"] == "2026-05-04to2026-05-05"
    assert again.items == []


JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
RESULT_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "url": st.one_of(st.sampled_from(["https://example.com/a", "ftp://x", ""]), JSON_VALUES),
        "title": JSON_VALUES,
        "description": JSON_VALUES,
        "page_age": st.one_of(st.sampled_from(["2026-05-01T10:00:00", "3 days ago"]), JSON_VALUES),
        "language": JSON_VALUES,
        "profile": st.one_of(st.fixed_dictionaries({}, optional={"name": JSON_VALUES}), JSON_VALUES),
        "meta_url": st.one_of(st.fixed_dictionaries({}, optional={"netloc": JSON_VALUES}), JSON_VALUES),
    },
)
ITEM_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "provider": st.one_of(st.just("brave"), JSON_VALUES),
        "kind": st.one_of(st.sampled_from(["web", "news"]), JSON_VALUES),
        "fetched_at": st.one_of(st.just("2026-05-05T14:00:00+00:00"), JSON_VALUES),
        "result": st.one_of(RESULT_LIKE, JSON_VALUES),
        "page": st.one_of(
            st.fixed_dictionaries({}, optional={"status": st.just("ok"), "excerpt": JSON_VALUES}), JSON_VALUES
        ),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ITEM_LIKE)
def test_normalize_returns_a_mention_or_a_normalization_error_for_any_item(item):
    try:
        mention = connector().normalize(item)
    except NormalizationError:
        return
    assert isinstance(mention, MentionData)
    assert mention.platform == "web" and mention.text and len(mention.external_id) <= 255


# Terms limited to a language or region


def test_plan_queries_keeps_the_language_and_region_of_the_query_it_splits():
    spanish = SourceQuery(
        key="hospital:riverside#lang:es,region:MX", terms=QUERY.terms, language="es", region="MX"
    )
    parts = connector(endpoints=["web"], query_suffixes=[""]).plan_queries(spanish)
    assert [(part.key, part.language, part.region) for part in parts] == [
        ("hospital:riverside#lang:es,region:MX#web:", "es", "MX")
    ]


@responses.activate
def test_fetch_asks_brave_for_the_terms_language_and_country_over_the_source_settings():
    replay("web_empty")
    replay("news_page1")
    spanish = SourceQuery(
        key="hospital:riverside#lang:es,region:MX", terms=QUERY.terms, language="es", region="MX"
    )
    brave = connector(country="US", search_lang="en")
    parts = {part.key.rpartition("#")[2]: part for part in brave.plan_queries(spanish)}
    brave.fetch(parts["web:"], {})
    brave.fetch(parts["news:complaints"], {})
    web, news = sent_params(0), sent_params(1)
    assert urlsplit(responses.calls[1].request.url).path.endswith("/news/search")
    assert (web["search_lang"], web["country"]) == ("es", "MX")
    assert (news["search_lang"], news["country"]) == ("es", "MX")


@responses.activate
def test_fetch_of_an_unrestricted_query_sends_no_language_or_country_unless_the_source_sets_them():
    replay("web_empty")
    replay("web_empty")
    connector().fetch(WEB_COMPLAINTS, {})
    connector(country="GB", search_lang="en").fetch(WEB_COMPLAINTS, {})
    assert "search_lang" not in sent_params(0) and "country" not in sent_params(0)
    assert (sent_params(1)["search_lang"], sent_params(1)["country"]) == ("en", "GB")


@pytest.mark.parametrize(
    ("language", "region", "search_lang", "country"),
    [
        ("ja", "JP", "jp", "JP"),  # Brave spells Japanese "jp".
        ("pt", "BR", "pt-br", "BR"),
        ("pt", "PT", "pt-pt", "PT"),
        ("zh", "TW", "zh-hant", "TW"),
        ("en", "GB", "en-gb", "GB"),
        ("es", "CR", "es", "ALL"),  # No Costa Rica at Brave: results from anywhere, not the US default.
        ("sw", "", None, None),  # No Swahili at Brave: left to the local matcher.
    ],
)
@responses.activate
def test_fetch_writes_language_and_region_in_brave_codes(language, region, search_lang, country):
    replay("web_empty")
    limited = SourceQuery(
        key="hospital:riverside#limited#web:", terms=QUERY.terms, language=language, region=region
    )
    connector().fetch(limited, {})
    params = sent_params()
    assert (params.get("search_lang"), params.get("country")) == (search_lang, country)
