import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources.connectors.urls import (
    canonical_url,
    is_http_url,
    is_public_host,
    unwrap_redirect,
    url_external_id,
    url_host,
)

ARTICLE = "https://springfieldgazette.com/news/2026/05/riverside-general-er-waits"


@pytest.mark.parametrize(
    "spelling",
    [
        "https://www.springfieldgazette.com/news/2026/05/riverside-general-er-waits",
        "HTTPS://WWW.SpringfieldGazette.COM/news/2026/05/riverside-general-er-waits/",
        "https://springfieldgazette.com:443/news/2026/05/riverside-general-er-waits#comments",
        "https://www.springfieldgazette.com/news/2026/05/riverside-general-er-waits?utm_source=brave&utm_medium=x",
        "https://springfieldgazette.com/news/2026/05/riverside-general-er-waits/?fbclid=IwAR0&gclid=abc&ref=home",
        "  https://springfieldgazette.com/news/2026/05/riverside-general-er-waits  ",
        "https://www.google.com/url?rct=j&sa=t&url=https://www.springfieldgazette.com/news/2026/05/"
        "riverside-general-er-waits&ct=ga&usg=AOvVaw",
    ],
)
def test_canonical_url_gives_every_spelling_of_an_article_one_form(spelling):
    assert canonical_url(spelling) == ARTICLE


def test_canonical_url_sorts_the_parameters_it_keeps():
    assert canonical_url("https://example.com/search?z=1&a=2&utm_campaign=spring&a=1") == (
        "https://example.com/search?a=1&a=2&z=1"
    )


def test_canonical_url_keeps_a_non_default_port_and_the_path_case():
    assert canonical_url("http://Example.com:8080/Reviews/RGH/") == "http://example.com:8080/Reviews/RGH"


def test_canonical_url_drops_the_default_http_port_and_a_bare_root_slash():
    assert canonical_url("http://example.com:80/") == "http://example.com"


def test_canonical_url_percent_encodes_non_ascii_paths_and_hosts_the_same_way_every_time():
    assert canonical_url("https://bücher.example/straße?q=é") == (
        "https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%A9"
    )
    assert canonical_url("https://xn--bcher-kva.example/stra%c3%9fe?q=%C3%A9") == (
        "https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%A9"
    )


def test_canonical_url_leaves_www_dot_com_alone():
    assert canonical_url("https://www.com/page") == "https://www.com/page"


@pytest.mark.parametrize("text", ["", "not a url", "mailto:press@rgh.example", "http://", "http://[::1"])
def test_canonical_url_returns_text_that_is_not_a_web_url_as_it_is(text):
    assert canonical_url(text) == text


def test_unwrap_redirect_reads_the_url_of_a_google_alerts_link():
    link = "https://www.google.com/url?rct=j&sa=t&url=https://example.com/a%3Fid%3D1&ct=ga&usg=AOv"
    assert unwrap_redirect(link) == "https://example.com/a?id=1"


def test_unwrap_redirect_leaves_other_google_links_alone():
    link = "https://news.google.com/rss/articles/CBMiZ2h0?oc=5"
    assert unwrap_redirect(link) == link


def test_url_external_id_fits_the_column_and_keeps_the_site_readable():
    long_url = "https://www.example.com/" + "very-long-slug-" * 40 + "?utm_source=x"
    external_id = url_external_id(long_url)
    assert len(external_id) == 255
    assert external_id.startswith("https://example.com/very-long-slug-")
    assert "#sha256:" in external_id
    assert url_external_id(long_url.replace("https://www.", "HTTPS://")) == external_id


def test_url_external_id_of_a_short_url_is_the_canonical_url():
    assert url_external_id("https://www.example.com/a/?utm_source=x") == "https://example.com/a"


def test_url_host_and_http_checks():
    assert url_host("https://WWW.Yelp.com/biz/rgh") == "yelp.com"
    assert is_http_url("https://example.com") and not is_http_url("ftp://example.com")
    assert not is_http_url("https:///no-host")


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("example.com", True),
        ("93.184.216.34", True),
        ("localhost", False),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("169.254.169.254", False),
        ("[::1]", False),
        ("printer.local", False),
        ("intranet", False),
    ],
)
def test_is_public_host_refuses_addresses_inside_the_network(host, public):
    assert is_public_host(host) is public


URLISH = st.one_of(
    st.text(),
    st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from(
            [
                "http://",
                "https://www.",
                "HTTPS://WWW.Example.com/",
                "https://example.com:443/a/?",
                "https://www.google.com/url?url=",
                "http://[::1]:80/",
            ]
        ),
        st.text(alphabet=st.characters(blacklist_categories=())),
    ),
    st.from_regex(
        r"(?i)https?://[a-z0-9.\[\]:@%_-]{0,20}(/[^#]{0,20})?(\?[a-z_=&%+ ]{0,30})?(#.*)?", fullmatch=True
    ),
)


@settings(max_examples=400, deadline=None)
@given(URLISH)
def test_canonical_url_is_idempotent_and_never_raises(text):
    once = canonical_url(text)
    assert canonical_url(once) == once
    assert len(url_external_id(text)) <= 255
