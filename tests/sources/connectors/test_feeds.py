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
from sources.connectors.feeds import FeedConnector, google_news_url
from sources.connectors.urls import url_external_id

FEEDS = Path(__file__).parent / "recordings" / "feeds"
BRAVE = Path(__file__).parent / "recordings" / "brave"
RIVERSIDE = SourceQuery(
    key="hospital:riverside", terms=('"Riverside General Hospital"', '"RGH"', '"St. Brigid\'s"')
)
MERCY = SourceQuery(key="hospital:mercy-valley", terms=('"Mercy Valley Hospital"',))
GOOGLE_NEWS = "https://news.google.com/rss/search"
ALERTS_URL = "https://www.google.com/alerts/feeds/06512478612489046101/4720837482134859013"
BLOG_URL = "https://patientsvoice.example/feed/"
COUNTY_URL = "https://countyhealth.example/rss.xml"


def replay(name: str, folder: Path = FEEDS) -> dict:
    """Registers a recorded exchange with `responses` and returns the recording."""
    recording = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    request, reply = recording["request"], recording["response"]
    headers = dict(reply["headers"])
    content_type = headers.pop("Content-Type", None)
    body = json.dumps(reply["json"]) if "json" in reply else reply.get("body", "")
    match = []
    if request.get("query"):
        match.append(matchers.query_param_matcher(request["query"], strict_match=False))
    if request.get("headers"):
        match.append(matchers.header_matcher(request["headers"]))
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


def connector(**config) -> FeedConnector:
    return FeedConnector({"fetch_pages": 0, **config})


def part(feeds: FeedConnector, query: SourceQuery, suffix: str) -> SourceQuery:
    (found,) = [planned for planned in feeds.plan_queries(query) if planned.key.endswith(suffix)]
    return found


def feed_part(url: str, **feed) -> tuple[FeedConnector, SourceQuery]:
    """A connector reading one shared feed (no Google News) and the part that reads it."""
    feeds = connector(google_news=False, feeds=[{"url": url, **feed}])
    (planned,) = feeds.plan_queries(RIVERSIDE)
    return feeds, planned


def test_plan_queries_reads_google_news_per_hospital_and_shared_feeds_once_per_poll():
    feeds = connector(
        feeds=[
            {"url": BLOG_URL},
            {"url": ALERTS_URL, "hospital_key": "hospital:riverside", "kind": "news"},
        ]
    )
    riverside = [planned.key for planned in feeds.plan_queries(RIVERSIDE)]
    mercy = [planned.key for planned in feeds.plan_queries(MERCY)]
    assert riverside[:2] == ["hospital:riverside#google-news", riverside[1]]
    assert riverside[1].startswith("hospital:riverside#feed:")
    assert len(riverside) == 3 and riverside[2].startswith("feed:")
    assert mercy == ["hospital:mercy-valley#google-news"]
    assert [
        planned.key for planned in feeds.plan_queries(RIVERSIDE)
    ] == riverside  # Planning again is stable.
    # The same settings give the same keys on the next poll, so cursors carry over.
    assert [planned.key for planned in connector(feeds=feeds.config["feeds"]).plan_queries(MERCY)] == [
        "hospital:mercy-valley#google-news",
        riverside[2],
    ]


def test_google_news_url_quotes_the_terms_and_keeps_within_32_words():
    url = google_news_url(RIVERSIDE.terms, hl="en-US", gl="US", ceid="US:en")
    assert parse_qs(urlsplit(url).query) == {
        "q": ['"Riverside General Hospital" OR "RGH" OR "St. Brigid\'s"'],
        "hl": ["en-US"],
        "gl": ["US"],
        "ceid": ["US:en"],
    }
    many = google_news_url(tuple(f'"Hospital name {n}"' for n in range(20)), hl="en", gl="US", ceid="US:en")
    assert len(parse_qs(urlsplit(many).query)["q"][0].split()) <= 32
    assert google_news_url((), hl="en", gl="US", ceid="US:en") == ""


def test_google_news_url_sends_co_terms_and_exclusions_in_web_syntax():
    terms = ('"Mercy" AND (hospital OR ER) NOT ("have mercy" OR "no mercy")', "MVH")
    url = google_news_url(terms, hl="en-US", gl="US", ceid="US:en")
    assert parse_qs(urlsplit(url).query)["q"] == [
        '("Mercy" ("hospital" OR "ER") -"have mercy" -"no mercy") OR "MVH"'
    ]


@responses.activate
def test_fetch_google_news_reads_articles_with_their_publishers():
    replay("google_news")
    feeds = connector(contact_url="https://rgh.example/bot")
    result = feeds.fetch(part(feeds, RIVERSIDE, "#google-news"), {})
    assert (
        responses.calls[0].request.headers["User-Agent"] == "HospitalListenBot/0.1 (+https://rgh.example/bot)"
    )
    assert len(result.items) == 3
    assert {(item["provider"], item["kind"]) for item in result.items} == {("google_news", "news")}
    assert {item["page"]["status"] for item in result.items} == {"not_fetched"}
    assert result.has_more is False and result.api_calls == 1

    gazette, inspection, french = (feeds.normalize(item) for item in result.items)
    assert gazette.platform == "web"
    assert gazette.title == "Patients describe long ER waits at Riverside General"
    assert gazette.text == gazette.title
    assert gazette.url.startswith("https://news.google.com/rss/articles/CBMiZ2h0")
    assert gazette.external_id == url_external_id(gazette.url)
    assert (gazette.author_name, gazette.author_handle) == ("Springfield Gazette", "springfieldgazette.com")
    assert gazette.posted_at == datetime(2026, 5, 2, 9, 30, tzinfo=UTC)
    assert gazette.language == "en-US"
    assert inspection.title == "State inspectors visit Riverside General after complaints 🏥"
    assert french.title == "Hôpital St. Brigid's : les patients dénoncent l'attente – Le Courrier"


@responses.activate
def test_fetch_google_news_with_no_articles_returns_nothing():
    replay("google_news_empty")
    feeds = connector()
    result = feeds.fetch(part(feeds, MERCY, "#google-news"), {})
    assert result.items == [] and result.next_cursor["seen"] == []


@responses.activate
def test_google_alerts_links_are_unwrapped_so_the_article_matches_what_brave_found():
    replay("google_alerts")
    replay("robots_gazette", BRAVE)
    replay("page_gazette", BRAVE)
    responses.add(responses.GET, "https://springfieldbusiness.example/robots.txt", status=404)
    responses.add(responses.GET, "https://springfieldbusiness.example/2026/05/rgh-board-parking", status=404)
    feeds, planned = feed_part(ALERTS_URL, kind="news")
    feeds = FeedConnector({**feeds.config, "fetch_pages": 5})
    result = feeds.fetch(planned, {})
    assert [item["provider"] for item in result.items] == ["google_alerts", "google_alerts"]
    assert json.loads(json.dumps(result.items)) == result.items  # Stored as the raw payload.
    assert result.items[0]["entry"]["published_parsed"] == "2026-05-02T10:04:00+00:00"
    gazette, parking = (feeds.normalize(item) for item in result.items)
    assert gazette.url == "https://www.springfieldgazette.com/news/2026/05/riverside-general-er-waits"
    assert gazette.external_id == "https://springfieldgazette.com/news/2026/05/riverside-general-er-waits"
    assert gazette.title == "Patients describe long ER waits at Riverside General"
    assert gazette.text.startswith("Patients describe long ER waits at Riverside General\n\nBy Dana Ortiz")
    assert gazette.posted_at == datetime(2026, 5, 2, 10, 4, tzinfo=UTC)
    assert parking.external_id == "https://springfieldbusiness.example/2026/05/rgh-board-parking"
    assert parking.text.startswith("The Riverside General Hospital board voted on Monday")
    assert parking.extra == {"provider": "google_alerts", "kind": "news", "posted_at_estimated": False}


@responses.activate
def test_entries_without_dates_take_the_fetch_time_and_the_validators_go_in_the_cursor():
    replay("blog_undated")
    feeds, planned = feed_part(BLOG_URL)
    before = datetime.now(UTC)
    result = feeds.fetch(planned, {})
    assert result.next_cursor["etag"] == '"5f2a-61c3b"'
    assert result.next_cursor["modified"] == "Mon, 04 May 2026 20:00:00 GMT"
    assert result.next_cursor["newest_published"] is None
    assert len(result.next_cursor["seen"]) == 3
    story, share, night = result.items
    mention = feeds.normalize(story)
    assert mention.text == "I wrote to Riverside General three times."
    assert mention.posted_at >= before and mention.extra["posted_at_estimated"] is True
    assert mention.author_name == "Springfield Patients' Voice"
    # A malformed entry is rejected on its own; the others normalize.
    with pytest.raises(NormalizationError, match="'link'"):
        feeds.normalize(share)
    assert feeds.normalize(night).title == "Night shift at St. Brigid's"


@responses.activate
def test_a_304_returns_nothing_and_keeps_the_cursor():
    replay("blog_not_modified")
    feeds, planned = feed_part(BLOG_URL)
    cursor = {
        "etag": '"5f2a-61c3b"',
        "modified": "Mon, 04 May 2026 20:00:00 GMT",
        "newest_published": None,
        "seen": ["abc"],
    }
    result = feeds.fetch(planned, cursor)
    assert result.items == [] and result.next_cursor == cursor and result.api_calls == 1


@responses.activate
def test_replaying_a_feed_that_ignores_conditional_requests_never_yields_an_entry_twice():
    replay("blog_undated")
    feeds, planned = feed_part(BLOG_URL)
    first = feeds.fetch(planned, {})
    second = feeds.fetch(planned, first.next_cursor)
    assert responses.calls[1].request.headers["If-None-Match"] == '"5f2a-61c3b"'
    assert len(first.items) == 3 and second.items == []
    assert second.next_cursor["seen"] == first.next_cursor["seen"]


@responses.activate
def test_entry_pages_are_read_where_robots_txt_allows():
    replay("blog_undated")
    replay("robots_patientsvoice")
    replay("page_story")
    feeds = FeedConnector({"google_news": False, "feeds": [{"url": BLOG_URL}], "fetch_pages": 5})
    (planned,) = feeds.plan_queries(RIVERSIDE)
    story, share, night = feeds.fetch(planned, {}).items
    assert story["page"]["status"] == "ok"
    assert feeds.normalize(story).text.startswith(
        "What happened when I complained to RGH\n\nIn March my mother"
    )
    assert share["page"] == {"status": "no_url"}
    assert night["page"] == {"status": "robots_disallowed"}
    assert feeds.normalize(night).text == "A nurse's story."


@responses.activate
def test_a_web_page_instead_of_a_feed_is_a_permanent_error_naming_the_url():
    replay("html_page")
    feeds, planned = feed_part("https://patientsvoice.example/")
    with pytest.raises(ConnectorError) as raised:
        feeds.fetch(planned, {})
    assert raised.value.permanent
    assert "https://patientsvoice.example/ is not an RSS or Atom feed (it is a web page)" in str(raised.value)
    assert "RSS" in raised.value.how_to_fix


@responses.activate
def test_a_truncated_feed_keeps_the_entries_it_could_read():
    replay("truncated")
    feeds, planned = feed_part(COUNTY_URL, kind="news")
    result = feeds.fetch(planned, {})
    assert [feeds.normalize(item).title for item in result.items] == [
        "RGH names new patient advocate",
        "Mercy Valley expands clinic hours",
    ]
    assert result.next_cursor["newest_published"] == "2026-05-02T15:00:00+00:00"


@responses.activate
def test_a_feed_cut_off_before_its_first_entry_is_transient():
    replay("truncated_before_entries")
    feeds, planned = feed_part(COUNTY_URL)
    with pytest.raises(TransientConnectorError, match="cut off"):
        feeds.fetch(planned, {})


@responses.activate
def test_a_feed_that_moved_on_by_more_than_it_lists_reports_a_coverage_gap():
    replay("truncated")
    feeds, planned = feed_part(COUNTY_URL)
    result = feeds.fetch(planned, {"newest_published": "2026-04-20T00:00:00+00:00", "seen": []})
    (gap,) = result.coverage_gaps
    assert gap.start == datetime(2026, 4, 20, tzinfo=UTC)
    assert gap.end == datetime(2026, 5, 1, 15, 0, tzinfo=UTC)
    assert COUNTY_URL in gap.reason


@responses.activate
def test_rate_limit_raises_a_transient_error_with_retry_after_and_leaves_the_cursor_alone():
    replay("rate_limited")
    feeds = connector()
    cursor = {"etag": None, "modified": None, "newest_published": "2026-05-01T00:00:00+00:00", "seen": ["a"]}
    before = copy.deepcopy(cursor)
    with pytest.raises(TransientConnectorError) as raised:
        feeds.fetch(part(feeds, RIVERSIDE, "#google-news"), cursor)
    assert raised.value.retry_after == 120
    assert cursor == before


@responses.activate
def test_a_deleted_google_alert_is_a_permanent_error_that_says_how_to_recreate_it():
    replay("not_found")
    feeds, planned = feed_part(ALERTS_URL)
    with pytest.raises(ConnectorError) as raised:
        feeds.fetch(planned, {})
    assert raised.value.permanent and "google.com/alerts" in raised.value.how_to_fix


@responses.activate
def test_a_private_feed_is_a_permanent_error():
    responses.add(responses.GET, BLOG_URL, status=401)
    feeds, planned = feed_part(BLOG_URL)
    with pytest.raises(ConnectorError) as raised:
        feeds.fetch(planned, {})
    assert raised.value.permanent and raised.value.how_to_fix


@responses.activate
def test_a_server_error_is_transient():
    replay("server_error")
    feeds, planned = feed_part(BLOG_URL)
    with pytest.raises(TransientConnectorError, match="503"):
        feeds.fetch(planned, {})


@responses.activate
@pytest.mark.parametrize("failure", [requests.Timeout("read timed out"), requests.ConnectionError("reset")])
def test_timeouts_and_connection_errors_are_transient(failure):
    responses.add(responses.GET, BLOG_URL, body=failure)
    feeds, planned = feed_part(BLOG_URL)
    with pytest.raises(TransientConnectorError):
        feeds.fetch(planned, {})


@responses.activate
def test_a_part_for_a_feed_removed_from_the_settings_reads_nothing():
    feeds = connector(google_news=False, feeds=[{"url": BLOG_URL}])
    result = feeds.fetch(SourceQuery(key="feed:000000000000", terms=()), {"seen": []})
    assert result.items == [] and result.api_calls == 0 and len(responses.calls) == 0


@pytest.mark.parametrize(
    "config",
    [
        {"feeds": "https://patientsvoice.example/feed/"},
        {"feeds": [{"url": "patientsvoice.example/feed"}]},
        {"feeds": [{"url": BLOG_URL, "hospital_key": "riverside"}]},
        {"feeds": [{"url": BLOG_URL, "kind": "blog"}]},
        {"google_news": "yes"},
        {"google_news": False},
        {"google_news_hl": ""},
    ],
)
def test_bad_settings_are_permanent_errors_with_a_fix(config):
    with pytest.raises(ConnectorError) as raised:
        FeedConnector(config)
    assert raised.value.permanent and raised.value.how_to_fix


def test_platform_is_read_as_the_feed_kind():
    feeds = connector(feeds=[{"url": BLOG_URL, "platform": "news"}])
    assert feeds.feeds[0].kind == "news"


def test_normalize_keeps_very_long_summaries_and_unicode():
    item = {
        "provider": "feed",
        "kind": "web",
        "fetched_at": "2026-05-05T14:00:00+00:00",
        "entry": {
            "link": "https://patientsvoice.example/long",
            "title": "Longue attente à l'hôpital 🏥",
            "summary": "<p>" + "Riverside General Hospital était plein. " * 300 + "</p>",
            "published_parsed": "2026-05-04T08:00:00+00:00",
        },
    }
    mention = connector().normalize(item)
    assert mention.title == "Longue attente à l'hôpital 🏥"
    assert len(mention.text) > 10_000 and mention.text.startswith("Riverside General Hospital était plein.")
    assert mention.posted_at == datetime(2026, 5, 4, 8, 0, tzinfo=UTC)


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
ENTRY_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "link": st.one_of(
            st.sampled_from(["https://example.com/a", "https://www.google.com/url?url=https://x.org/", "x"]),
            JSON_VALUES,
        ),
        "title": JSON_VALUES,
        "summary": JSON_VALUES,
        "author": JSON_VALUES,
        "published_parsed": st.one_of(st.just("2026-05-01T10:00:00+00:00"), JSON_VALUES),
        "updated_parsed": JSON_VALUES,
        "source": st.one_of(
            st.fixed_dictionaries({}, optional={"title": JSON_VALUES, "href": JSON_VALUES}), JSON_VALUES
        ),
    },
)
ITEM_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "provider": st.one_of(st.sampled_from(["google_news", "google_alerts", "feed"]), JSON_VALUES),
        "kind": st.one_of(st.sampled_from(["news", "web"]), JSON_VALUES),
        "fetched_at": st.one_of(st.just("2026-05-05T14:00:00+00:00"), JSON_VALUES),
        "feed_title": JSON_VALUES,
        "language": JSON_VALUES,
        "entry": st.one_of(ENTRY_LIKE, JSON_VALUES),
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


def google_news_params(call_index: int = 0) -> dict[str, str]:
    query = parse_qs(urlsplit(responses.calls[call_index].request.url).query)
    return {name: query[name][0] for name in ("hl", "gl", "ceid")}


@responses.activate
def test_google_news_searches_the_edition_of_the_terms_language_and_region():
    replay("google_news_empty")
    feeds = connector()
    spanish = SourceQuery(
        key="hospital:mercy-valley#lang:es,region:MX", terms=MERCY.terms, language="es", region="MX"
    )
    feeds.fetch(part(feeds, spanish, "#google-news"), {})
    assert google_news_params() == {"hl": "es-419", "gl": "MX", "ceid": "MX:es-419"}


@responses.activate
def test_google_news_for_unrestricted_terms_keeps_the_sources_edition():
    replay("google_news_empty")
    replay("google_news_empty")
    connector().fetch(part(connector(), MERCY, "#google-news"), {})
    british = connector(google_news_hl="en-GB", google_news_gl="GB", google_news_ceid="GB:en")
    british.fetch(part(british, MERCY, "#google-news"), {})
    assert google_news_params(0) == {"hl": "en-US", "gl": "US", "ceid": "US:en"}
    assert google_news_params(1) == {"hl": "en-GB", "gl": "GB", "ceid": "GB:en"}


@pytest.mark.parametrize(
    ("language", "region", "edition"),
    [
        ("es", "ES", ("es", "ES", "ES:es")),
        ("pt", "BR", ("pt-BR", "BR", "BR:pt-419")),
        ("fr", "", ("fr", "US", "US:fr")),  # The source's country fills in.
        ("", "GB", ("en-GB", "GB", "GB:en")),  # The source's language fills in.
        ("zh", "TW", ("zh-TW", "TW", "TW:zh-Hant")),
    ],
)
def test_google_news_edition_writes_language_and_region_as_google_news_does(language, region, edition):
    feeds = connector()
    limited = SourceQuery(
        key="hospital:mercy-valley#limited", terms=MERCY.terms, language=language, region=region
    )
    url = feeds._feed_for(part(feeds, limited, "#google-news")).url
    query = parse_qs(urlsplit(url).query)
    assert (query["hl"][0], query["gl"][0], query["ceid"][0]) == edition


def test_a_hospitals_feeds_are_planned_once_whatever_its_language_groups():
    feeds = connector(feeds=[{"url": ALERTS_URL, "hospital_key": "hospital:riverside", "kind": "news"}])
    spanish = SourceQuery(key="hospital:riverside#lang:es", terms=('"Hospital Ribera"',), language="es")
    unrestricted = [planned.key for planned in feeds.plan_queries(RIVERSIDE)]
    limited = feeds.plan_queries(spanish)
    assert [planned.key for planned in limited] == ["hospital:riverside#lang:es#google-news"]
    assert limited[0].language == "es"
    assert unrestricted[1].startswith("hospital:riverside#feed:")
    # A hospital whose terms are all limited still has its feed read, under the same key.
    only_spanish = connector(feeds=feeds.config["feeds"]).plan_queries(spanish)
    assert [planned.key for planned in only_spanish][1] == unrestricted[1]
    assert only_spanish[1].language == ""
