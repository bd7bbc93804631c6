import json
from pathlib import Path

import pytest
import requests
import responses

from sources.connectors.base import ConnectorError
from sources.connectors.pages import (
    PageFetcher,
    excerpt,
    extract_main_text,
    html_to_text,
    page_fetcher_from_config,
    user_agent,
)

RECORDINGS = Path(__file__).parent / "recordings" / "brave"
GAZETTE = "https://www.springfieldgazette.com/news/2026/05/riverside-general-er-waits"
TERMS = ("Riverside General Hospital", "RGH")


def replay(name: str) -> None:
    recording = json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))
    request, reply = recording["request"], recording["response"]
    headers = dict(reply["headers"])
    content_type = headers.pop("Content-Type", None)
    body = json.dumps(reply["json"]) if "json" in reply else reply.get("body", "")
    responses.add(
        request["method"],
        request["url"],
        status=reply["status"],
        headers=headers,
        content_type=content_type,
        body=body.encode("utf-8"),
    )


def fetcher(**options) -> PageFetcher:
    return PageFetcher(
        session=requests.Session(), user_agent=user_agent("https://rgh.example/bot"), **options
    )


def test_html_to_text_drops_tags_scripts_and_decodes_entities():
    html = "<p>Waited <strong>7 hours</strong> &amp; left&#x27;s</p><script>track()</script><br>at RGH"
    assert html_to_text(html) == "Waited 7 hours & left's at RGH"


def test_html_to_text_keeps_plain_text_and_a_lone_angle_bracket():
    assert html_to_text("I  <3 RGH\n nurses") == "I <3 RGH nurses"


def test_extract_main_text_prefers_the_article_and_skips_navigation_and_footers():
    html = json.loads((RECORDINGS / "page_gazette.json").read_text())["response"]["body"]
    page = extract_main_text(html)
    assert page.title == "Patients describe long ER waits at Riverside General | Springfield Gazette"
    assert page.text.startswith(
        "Patients describe long ER waits at Riverside General\n\nBy Dana Ortiz · May 2"
    )
    assert "“My father sat there with chest pain" in page.text
    for left_out in ("Sports", "dataLayer", "font-family", "More health news", "Privacy"):
        assert left_out not in page.text


def test_extract_main_text_falls_back_to_the_body_when_the_article_is_a_teaser():
    body_text = "Riverside General Hospital patient stories. " * 10
    html = (
        f"<html><body><article>Read more</article><div>{body_text}</div><footer>About</footer></body></html>"
    )
    page = extract_main_text(html)
    assert page.text.startswith("Read more\n\nRiverside General Hospital patient stories.")
    assert "About" not in page.text


def test_excerpt_keeps_short_text_whole_and_cuts_long_text_at_a_word():
    assert excerpt("short text") == "short text"
    cut = excerpt("word " * 1000)
    assert len(cut) <= 2001 and cut.endswith("word…")


def test_excerpt_starts_at_the_paragraph_that_names_the_hospital():
    text = ("Unrelated local news. " * 150).strip() + "\n\nPatients at RGH waited nine hours.\n\nMore."
    cut = excerpt(text, TERMS)
    assert cut.startswith("…Patients at RGH waited nine hours.")


@responses.activate
def test_page_reads_an_allowed_article_and_sends_a_clear_user_agent():
    replay("robots_gazette")
    replay("page_gazette")
    page = fetcher().page(GAZETTE + "?utm_source=brave", TERMS)
    assert page["status"] == "ok"
    assert page["excerpt"].startswith("Patients describe long ER waits at Riverside General")
    assert (
        responses.calls[1].request.headers["User-Agent"] == "HospitalListenBot/0.1 (+https://rgh.example/bot)"
    )


@responses.activate
def test_page_respects_a_robots_txt_disallow_and_never_requests_the_page():
    replay("robots_yelp")
    page = fetcher().page("https://www.yelp.com/biz/riverside-general-hospital-springfield", TERMS)
    assert page == {"status": "robots_disallowed"}
    assert [call.request.url for call in responses.calls] == ["https://www.yelp.com/robots.txt"]


@responses.activate
def test_page_reads_robots_txt_once_per_host():
    replay("robots_gazette")
    responses.add(
        responses.GET, "https://www.springfieldgazette.com/a", body="<p>RGH a</p>", content_type="text/html"
    )
    responses.add(
        responses.GET, "https://www.springfieldgazette.com/b", body="<p>RGH b</p>", content_type="text/html"
    )
    pages = fetcher()
    assert pages.page("https://www.springfieldgazette.com/a")["excerpt"] == "RGH a"
    assert pages.page("https://www.springfieldgazette.com/b")["excerpt"] == "RGH b"
    assert len(responses.calls) == 3


@responses.activate
def test_page_treats_a_missing_robots_txt_as_no_rules_and_an_erroring_page_as_a_miss():
    replay("robots_forum_missing")
    replay("page_forum_error")
    page = fetcher().page("https://forum.springfieldtalk.org/t/rgh-billing-nightmare/4412")
    assert page == {"status": "http_error", "http_status": 503}


@responses.activate
@pytest.mark.parametrize("robots", [{"status": 503}, {"body": requests.ConnectionError("refused")}])
def test_page_assumes_disallow_when_robots_txt_fails(robots):
    responses.add(responses.GET, "https://flaky.example/robots.txt", **robots)
    assert fetcher().page("https://flaky.example/story") == {"status": "robots_disallowed"}


@responses.activate
def test_page_skips_what_is_not_html():
    responses.add(responses.GET, "https://docs.example/robots.txt", status=404)
    responses.add(
        responses.GET, "https://docs.example/report.pdf", body=b"%PDF-1.7", content_type="application/pdf"
    )
    assert fetcher().page("https://docs.example/report.pdf")["status"] == "not_html"


@responses.activate
def test_page_stops_reading_at_the_byte_limit():
    responses.add(responses.GET, "https://big.example/robots.txt", status=404)
    html = "<html><body><p>" + "RGH " * 100 + "</p><p>MARKER past the limit</p></body></html>"
    responses.add(responses.GET, "https://big.example/page", body=html, content_type="text/html")
    page = fetcher(max_bytes=200).page("https://big.example/page")
    assert page["status"] == "ok"
    assert "MARKER" not in page["excerpt"]


@responses.activate
def test_page_decodes_the_charset_a_page_declares_in_its_meta_tag():
    responses.add(responses.GET, "https://fr.example/robots.txt", status=404)
    body = '<html><head><meta charset="iso-8859-1"></head><body><p>Hôpital très lent</p></body></html>'
    responses.add(
        responses.GET, "https://fr.example/p", body=body.encode("latin-1"), content_type="text/html"
    )
    assert fetcher().page("https://fr.example/p")["excerpt"] == "Hôpital très lent"


@responses.activate
def test_page_fetches_at_most_the_budget_and_each_url_once():
    responses.add(responses.GET, "https://a.example/robots.txt", status=404)
    responses.add(responses.GET, "https://a.example/1", body="<p>one</p>", content_type="text/html")
    pages = fetcher(max_pages=1)
    assert pages.page("https://a.example/1")["status"] == "ok"
    assert pages.page("https://www.a.example/1/?utm_source=x")["status"] == "ok"  # Same article: cached.
    assert pages.page("https://a.example/2") == {"status": "over_budget"}
    assert len(responses.calls) == 2


@responses.activate
def test_page_fetching_turned_off_makes_no_request():
    assert fetcher(max_pages=0).page(GAZETTE) == {"status": "disabled"}
    assert len(responses.calls) == 0


@responses.activate
@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data", "http://localhost/admin", "https://example.com:8443/x"]
)
def test_page_never_fetches_internal_addresses_or_odd_ports(url):
    assert fetcher().page(url) == {"status": "unsafe_url"}
    assert len(responses.calls) == 0


@responses.activate
def test_page_checks_every_redirect_hop():
    responses.add(responses.GET, "https://short.example/robots.txt", status=404)
    responses.add(
        responses.GET, "https://short.example/x", status=301, headers={"Location": "http://10.0.0.5/"}
    )
    assert fetcher().page("https://short.example/x") == {"status": "unsafe_url"}

    replay("robots_yelp")
    responses.add(
        responses.GET,
        "https://short.example/y",
        status=302,
        headers={"Location": "https://www.yelp.com/biz/rgh"},
    )
    assert fetcher().page("https://short.example/y") == {"status": "robots_disallowed"}


@responses.activate
def test_page_failure_is_reported_not_raised():
    responses.add(responses.GET, "https://slow.example/robots.txt", status=404)
    responses.add(responses.GET, "https://slow.example/p", body=requests.Timeout("read timed out"))
    page = fetcher().page("https://slow.example/p")
    assert page["status"] == "failed" and "timed out" in page["error"]


def test_page_fetcher_from_config_reads_the_budget_and_contact():
    pages = page_fetcher_from_config(
        {"fetch_pages": 3, "contact_url": "https://rgh.example"}, requests.Session()
    )
    assert pages.max_pages == 3
    assert pages.user_agent == "HospitalListenBot/0.1 (+https://rgh.example)"
    assert page_fetcher_from_config({}, requests.Session()).user_agent == "HospitalListenBot/0.1"


@pytest.mark.parametrize(
    "config", [{"fetch_pages": -1}, {"fetch_pages": "10"}, {"contact_url": "rgh.example"}]
)
def test_page_fetcher_from_config_rejects_bad_values_with_a_fix(config):
    with pytest.raises(ConnectorError) as raised:
        page_fetcher_from_config(config, requests.Session())
    assert raised.value.permanent and raised.value.how_to_fix
