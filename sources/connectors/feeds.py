"""News and alert feeds: a Google News RSS search per hospital, Google Alerts RSS feeds, and any RSS or Atom
feed. Feeds are fetched with requests (conditional GET with ETag / Last-Modified) and only parsed by
feedparser, which never fetches anything itself.

Planned parts of a hospital query:
- f"{query.key}#google-news": Google News search for the hospital's quoted terms (when `google_news`), in
  the edition of the terms' language and region when they are limited to one (google_news_edition), else
  in the source's edition. Terms limited to a language or region come in a query of their own.
- f"<hospital>#feed:<id>": each configured feed whose `hospital_key` is this query's hospital, planned with
  the first query of that hospital only (its language groups share the feed).
- f"feed:<id>": each feed without a `hospital_key`, planned with the first hospital query this connector
  plans, so one poll reads it once. Its cursor key does not name a hospital, so it survives a change in
  which hospital comes first; its entries are matched to hospitals by their text, like every mention.

Cursor per part: {"etag", "modified", "newest_published", "seen"}: the validators for the next conditional
GET, the newest entry date seen (to notice a gap when a feed has moved on by more than it lists), and short
hashes of the latest entries returned, so a feed that ignores conditional GET never yields an entry twice.

Every entry is stored with platform "web" and external_id = the canonical URL of its link (Google Alerts'
google.com/url redirects unwrapped), like Brave results, so one article is stored once whoever found it;
the raw item records the provider and the kind ("news" or "web").

Config keys:
- `feeds` (list, default []): {"url": "https://…", "hospital_key": "hospital:<slug>" (optional),
  "kind": "news" or "web" (default "web"; "platform" is read as the same thing)}.
- `google_news` (bool, default true); `google_news_hl` ("en-US"), `google_news_gl` ("US"),
  `google_news_ceid` ("US:en"): the edition searched.
- `fetch_pages`, `contact_url`: page excerpts, see sources/connectors/pages.py.
"""

import hashlib
import io
import logging
import time
import xml.sax
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import feedparser
import requests

from sources.connectors import fields
from sources.connectors.base import (
    Connector,
    ConnectorError,
    CoverageGap,
    FetchResult,
    MentionData,
    NormalizationError,
    SourceQuery,
    TransientConnectorError,
)
from sources.connectors.pages import html_to_text, page_fetcher_from_config
from sources.connectors.urls import canonical_url, is_http_url, unwrap_redirect, url_external_id, url_host
from tracking.query import Query

logger = logging.getLogger(__name__)

GOOGLE_NEWS_SEARCH = "https://news.google.com/rss/search"
GOOGLE_NEWS_PART = "google-news"
FEED_PART_PREFIX = "feed:"
KINDS = ("news", "web")
PROVIDERS = ("google_news", "google_alerts", "feed")
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
FEED_TIMEOUT_SECONDS = 15
MAX_FEED_BYTES = 5_000_000
# Google ignores words past the 32nd of a query.
MAX_GOOGLE_NEWS_WORDS = 32
# More than any feed lists at once (Google News lists up to 100), so a feed re-serving its entries is caught.
MAX_SEEN = 1_000
FUTURE_TOLERANCE = timedelta(days=1)

ALERTS_FIX = (
    "If this is a Google Alerts feed, the alert may have been deleted: create it again at "
    "https://www.google.com/alerts (Show options → Deliver to: RSS feed), copy the RSS link and paste it in "
    '"feeds" on the source\'s settings. Otherwise open the URL in a browser and fix or remove it.'
)


@dataclass(frozen=True, slots=True)
class FeedSpec:
    url: str
    hospital_key: str
    kind: str
    provider: str
    feed_id: str


class FeedConnector(Connector):
    kind = "feeds"
    query_filters = frozenset({"language", "region"})

    def __init__(self, config: Mapping[str, Any]):
        super().__init__(config)
        self.feeds = _feed_specs(config.get("feeds", []))
        google_news = config.get("google_news", True)
        if not isinstance(google_news, bool):
            raise ConnectorError(
                f"google_news must be true or false, got {google_news!r:.40}",
                permanent=True,
                how_to_fix='Set "google_news" to true or false on the source\'s settings.',
            )
        self.google_news = google_news
        if not self.google_news and not self.feeds:
            raise ConnectorError(
                "the feeds source has nothing to read: no feeds and Google News turned off",
                permanent=True,
                how_to_fix='Add feed URLs to "feeds" or set "google_news" to true on the source\'s settings.',
            )
        self.google_news_edition = {
            "hl": _text_option(config, "google_news_hl", "en-US"),
            "gl": _text_option(config, "google_news_gl", "US"),
            "ceid": _text_option(config, "google_news_ceid", "US:en"),
        }
        self.session = requests.Session()
        self.pages = page_fetcher_from_config(config, self.session)
        self._feeds_by_id = {feed.feed_id: feed for feed in self.feeds}
        self._shared_feeds_query_key = ""
        self._hospital_feeds_query_keys: dict[str, str] = {}

    def plan_queries(self, query: SourceQuery) -> list[SourceQuery]:
        parts = []
        if self.google_news:
            parts.append(replace(query, key=f"{query.key}#{GOOGLE_NEWS_PART}"))
        # A feed is read whole whatever the terms' language, so a hospital's feeds go with the first query
        # planned for it, keyed by the hospital: its language groups do not read them again.
        hospital = query.hospital_key
        if self._hospital_feeds_query_keys.setdefault(hospital, query.key) == query.key:
            parts.extend(
                replace(query, key=f"{hospital}#{FEED_PART_PREFIX}{feed.feed_id}", language="", region="")
                for feed in self.feeds
                if feed.hospital_key == hospital
            )
        # Feeds for no hospital in particular go with the first query planned (and only with it, however
        # often it is planned again), so one poll reads each of them once.
        self._shared_feeds_query_key = self._shared_feeds_query_key or query.key
        if query.key == self._shared_feeds_query_key:
            parts.extend(
                replace(query, key=f"{FEED_PART_PREFIX}{feed.feed_id}", language="", region="")
                for feed in self.feeds
                if not feed.hospital_key
            )
        return parts

    def fetch(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        feed = self._feed_for(query)
        if feed is None:
            return FetchResult(items=[], next_cursor=dict(cursor), api_calls=0)
        response = self._get(feed, cursor)
        if response is None:  # 304 Not Modified: nothing new, same validators.
            return FetchResult(items=[], next_cursor=dict(cursor))
        parsed = self._parse(feed, response)

        now = datetime.now(UTC)
        previous_newest = _cursor_time(cursor, "newest_published")
        seen_cursor = cursor.get("seen")
        seen_before = (
            [item for item in seen_cursor if isinstance(item, str)] if isinstance(seen_cursor, list) else []
        )
        already = set(seen_before)
        newly_seen: list[str] = []
        dates: list[datetime] = []
        items: list[dict[str, Any]] = []
        readable = 0
        for entry in parsed.entries:
            identity = _entry_identity(entry)
            if not identity:
                continue  # Nothing to tell this entry apart by: a fragment of a cut-off feed.
            readable += 1
            published = _entry_time(entry)
            if published and published <= now + FUTURE_TOLERANCE:
                dates.append(published)
            digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            if digest in already:
                continue
            already.add(digest)
            newly_seen.append(digest)
            items.append(self._item(feed, parsed, entry, query, now))

        if not readable and _is_malformed(parsed):
            # A feed cut off mid-download (or broken for now); one that lost only its tail keeps what it has.
            raise TransientConnectorError(
                f"the feed {feed.url} was cut off or malformed before its first entry: "
                f"{parsed.bozo_exception}"
            )
        newest = max([*dates, *([previous_newest] if previous_newest else [])], default=None)
        next_cursor = {
            "etag": response.headers.get("ETag"),
            "modified": response.headers.get("Last-Modified"),
            "newest_published": newest.isoformat() if newest else None,
            "seen": (newly_seen + seen_before)[:MAX_SEEN],
        }
        gaps: tuple[CoverageGap, ...] = ()
        if previous_newest and dates and min(dates) > previous_newest:
            gaps = (
                CoverageGap(
                    start=previous_newest,
                    end=min(dates),
                    reason=f"the feed {feed.url} lists only its latest {len(parsed.entries)} entries, all "
                    "newer than the previous poll's newest: entries published in between may be missing",
                ),
            )
        return FetchResult(items=items, next_cursor=next_cursor, coverage_gaps=gaps)

    def normalize(self, raw: Mapping[str, Any]) -> MentionData:
        provider = raw.get("provider")
        if provider not in PROVIDERS:
            raise NormalizationError(
                f"field 'provider' must be one of {', '.join(PROVIDERS)}, got {provider!r:.40}"
            )
        kind = raw.get("kind")
        if kind not in KINDS:
            raise NormalizationError(f"field 'kind' must be 'news' or 'web', got {kind!r:.40}")
        entry = raw.get("entry")
        if not isinstance(entry, Mapping):
            raise NormalizationError(f"field 'entry' must be an object, got {type(entry).__name__}")
        url = unwrap_redirect(fields.required_str(entry, "link"))
        if not is_http_url(url):
            raise NormalizationError(f"field 'link' is not an http(s) URL: {url!r:.80}")

        publisher_name, publisher_url = "", ""
        source = entry.get("source")
        if isinstance(source, Mapping):
            publisher_name = html_to_text(fields.optional_str(source, "title"))
            publisher_url = fields.optional_str(source, "href")
        title = html_to_text(fields.optional_str(entry, "title"))
        if provider == "google_news" and publisher_name and title.endswith(f" - {publisher_name}"):
            title = title[: -len(f" - {publisher_name}")]  # Google News appends " - Publisher".
        summary = html_to_text(fields.optional_str(entry, "summary"))
        page = raw.get("page")
        page_excerpt = ""
        if isinstance(page, Mapping) and page.get("status") == "ok":
            page_excerpt = fields.optional_str(page, "excerpt")
        # A Google News summary only repeats the headline and publisher (or lists related headlines).
        text = page_excerpt or ("" if provider == "google_news" else summary) or title
        if not text:
            raise NormalizationError("entry has no 'title', 'summary' or page excerpt")

        fetched_at = fields.timestamp(raw, "fetched_at")
        posted_at, estimated = fetched_at, True
        for key in ("published_parsed", "updated_parsed"):
            if entry.get(key) not in (None, ""):
                posted_at, estimated = fields.timestamp(entry, key), False
                break
        if posted_at - fetched_at > FUTURE_TOLERANCE:
            posted_at, estimated = fetched_at, True
        author = html_to_text(fields.optional_str(entry, "author"))
        return MentionData(
            platform="web",
            external_id=url_external_id(url),
            text=text,
            title=title[:500],
            posted_at=posted_at,
            url=url,
            author_handle=url_host(publisher_url) or url_host(url),
            author_name=publisher_name or author or html_to_text(fields.optional_str(raw, "feed_title")),
            language=fields.optional_str(raw, "language", max_length=12),
            raw=raw,
            extra={"provider": provider, "kind": kind, "posted_at_estimated": estimated},
        )

    def _feed_for(self, query: SourceQuery) -> FeedSpec | None:
        part = query.key.rpartition("#")[2]
        if part.startswith(FEED_PART_PREFIX):
            # A feed removed from the settings since its part was planned has nothing left to read.
            return self._feeds_by_id.get(part.removeprefix(FEED_PART_PREFIX))
        if not self.google_news:
            return None
        url = google_news_url(query.terms, **self._edition(query))
        if not url:
            return None
        return FeedSpec(
            url=url, hospital_key=query.hospital_key, kind="news", provider="google_news", feed_id=""
        )

    def _edition(self, query: SourceQuery) -> dict[str, str]:
        if not query.language and not query.region:
            return self.google_news_edition
        return google_news_edition(query.language, query.region, default=self.google_news_edition)

    def _item(
        self, feed: FeedSpec, parsed: Any, entry: Any, query: SourceQuery, now: datetime
    ) -> dict[str, Any]:
        link = unwrap_redirect(str(entry.get("link") or ""))
        if feed.provider == "google_news":
            # news.google.com article links lead to a script-driven redirect page, not the article.
            page: dict[str, Any] = {"status": "not_fetched"}
        elif is_http_url(link):
            page = self.pages.page(link, fields.search_phrases(query.terms))
        else:
            page = {"status": "no_url"}
        return {
            "provider": feed.provider,
            "kind": feed.kind,
            "feed_url": feed.url,
            "feed_title": str(parsed.feed.get("title") or ""),
            "language": str(parsed.feed.get("language") or self._feed_language(feed, query)),
            "fetched_at": now.isoformat(),
            "entry": _plain(entry),
            "page": page,
        }

    def _feed_language(self, feed: FeedSpec, query: SourceQuery) -> str:
        return self._edition(query)["hl"].split("-")[0] if feed.provider == "google_news" else ""

    def _get(self, feed: FeedSpec, cursor: Mapping[str, Any]) -> requests.Response | None:
        headers = {"User-Agent": self.pages.user_agent, "Accept": FEED_ACCEPT}
        if isinstance(cursor.get("etag"), str):
            headers["If-None-Match"] = cursor["etag"]
        if isinstance(cursor.get("modified"), str):
            headers["If-Modified-Since"] = cursor["modified"]
        try:
            response = self.session.get(feed.url, headers=headers, timeout=FEED_TIMEOUT_SECONDS, stream=True)
        except requests.Timeout as error:
            raise TransientConnectorError(f"the feed {feed.url} timed out: {error}") from error
        except requests.RequestException as error:
            raise TransientConnectorError(f"could not reach the feed {feed.url}: {error}") from error
        status = response.status_code
        if 200 <= status < 300:
            return response
        response.close()
        if status == 304:
            return None
        message = f"the feed {feed.url} answered {status} {response.reason or ''}".strip()
        if status == 429 or status >= 500:
            raise TransientConnectorError(message, retry_after=_retry_after(response))
        if status in (404, 410):
            raise ConnectorError(
                message + ": there is no feed there any more", permanent=True, how_to_fix=ALERTS_FIX
            )
        raise ConnectorError(
            message,
            permanent=True,
            how_to_fix="The feed refuses this server (private, or blocked). Open the URL in a browser; if it "
            'needs a login, use a public feed instead, or remove it from "feeds" on the source\'s settings.',
        )

    def _parse(self, feed: FeedSpec, response: requests.Response) -> Any:
        body = bytearray()
        try:
            with response:
                for chunk in response.iter_content(chunk_size=256 * 1024):
                    body += chunk
                    if len(body) >= MAX_FEED_BYTES:
                        break  # What was read is parsed; a feed this long is cut off like a truncated one.
        except requests.RequestException as error:
            raise TransientConnectorError(
                f"the feed {feed.url} broke off while downloading: {error}"
            ) from error
        content = bytes(body[:MAX_FEED_BYTES])
        if not content.strip():
            raise TransientConnectorError(f"the feed {feed.url} answered with an empty body")
        content_type = response.headers.get("Content-Type", "application/xml")
        # A stream, never a string: feedparser would fetch a string that looks like a URL by itself.
        parsed = feedparser.parse(
            io.BytesIO(content), response_headers={"content-type": content_type, "content-location": feed.url}
        )
        if not parsed.version and not parsed.entries:
            looks_like_html = "html" in content_type.lower() or b"<html" in content[:2048].lower()
            raise ConnectorError(
                f"{feed.url} is not an RSS or Atom feed" + (" (it is a web page)" if looks_like_html else ""),
                permanent=True,
                how_to_fix="Use the address of the feed itself: on the site, look for an RSS or Atom link "
                "(often /feed or /rss); for Google Alerts, the RSS link shown next to the alert. Then fix it "
                'in "feeds" on the source\'s settings.',
            )
        return parsed


# Google News serves Spanish for Latin America and the United States as one variant, "es-419".
LATIN_AMERICAN_SPANISH = frozenset(
    {
        "AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "GT", "HN", "MX", "NI", "PA", "PE", "PR",
        "PY", "SV", "US", "UY", "VE",
    }
)
TRADITIONAL_CHINESE_REGIONS = frozenset({"TW", "HK", "MO"})


def google_news_edition(language: str, region: str, *, default: Mapping[str, str]) -> dict[str, str]:
    """Google News's `hl`, `gl` and `ceid` for terms limited to an ISO 639-1 language and/or an ISO 3166-1
    region, written the way Google's own editions are (Mexico: es-419, MX, MX:es-419); the part not given
    comes from the source's edition `default`. Google documents no list of editions: a pair it has no
    edition for is still sent as written."""
    region = region or default["gl"].upper()
    language = language or default["hl"].split("-")[0].lower()
    if language == "es" and region in LATIN_AMERICAN_SPANISH:
        hl = variant = "es-419"
    elif language == "pt":
        hl, variant = ("pt-BR", "pt-419") if region == "BR" else ("pt-PT", "pt-150")
    elif language == "zh":
        traditional = region in TRADITIONAL_CHINESE_REGIONS
        hl, variant = (f"zh-{region}", "zh-Hant") if traditional else ("zh-CN", "zh-Hans")
    elif language == "en":
        hl, variant = f"en-{region}", "en"
    else:
        hl = variant = language
    return {"hl": hl, "gl": region, "ceid": f"{region}:{variant}"}


def google_news_url(terms: tuple[str, ...], *, hl: str, gl: str, ceid: str) -> str:
    """The Google News RSS search for the terms' queries (tracking.query.to_web) joined by OR, as many as
    fit Google's 32 words; "" when none can be read."""
    chosen: list[Query] = []
    for query in filter(None, map(fields.read_query, terms)):
        if query in chosen:
            continue
        if chosen and len(fields.web_search([*chosen, query]).split()) > MAX_GOOGLE_NEWS_WORDS:
            break
        chosen.append(query)
    if not chosen:
        return ""
    search = fields.web_search(chosen)
    return f"{GOOGLE_NEWS_SEARCH}?{urlencode({'q': search, 'hl': hl, 'gl': gl, 'ceid': ceid})}"


def _feed_specs(value: Any) -> tuple[FeedSpec, ...]:
    if not isinstance(value, list | tuple):
        raise _feeds_error(f"feeds must be a list, got {type(value).__name__}")
    specs: dict[tuple[str, str], FeedSpec] = {}
    for position, feed in enumerate(value, start=1):
        if not isinstance(feed, Mapping):
            raise _feeds_error(f'feed {position} must be an object with a "url", got {feed!r:.60}')
        url = feed.get("url")
        if not isinstance(url, str) or not is_http_url(url.strip()):
            raise _feeds_error(f'feed {position} has no http(s) "url": {url!r:.80}')
        url = url.strip()
        hospital_key = feed.get("hospital_key") or ""
        if not isinstance(hospital_key, str) or (hospital_key and not hospital_key.startswith("hospital:")):
            raise _feeds_error(
                f'feed {position}: hospital_key must look like "hospital:<slug>", got {hospital_key!r:.60}'
            )
        kind = feed.get("kind", feed.get("platform", "web"))
        if kind not in KINDS:
            raise _feeds_error(f'feed {position}: kind must be "news" or "web", got {kind!r:.40}')
        feed_id = hashlib.sha256(canonical_url(url).encode("utf-8", "surrogatepass")).hexdigest()[:12]
        specs.setdefault(
            (feed_id, hospital_key),
            FeedSpec(url=url, hospital_key=hospital_key, kind=kind, provider=_provider(url), feed_id=feed_id),
        )
    return tuple(specs.values())


def _feeds_error(message: str) -> ConnectorError:
    return ConnectorError(
        message,
        permanent=True,
        how_to_fix='Set "feeds" on the source\'s settings to a list such as '
        '[{"url": "https://example.org/feed", "hospital_key": "hospital:riverside", "kind": "news"}] '
        "(hospital_key and kind are optional).",
    )


def _provider(url: str) -> str:
    host = url_host(url)
    if host == "news.google.com":
        return "google_news"
    if host == "google.com" and urlsplit(url).path.startswith("/alerts/feeds"):
        return "google_alerts"
    return "feed"


def _text_option(config: Mapping[str, Any], key: str, default: str) -> str:
    value = config.get(key, default)
    if not isinstance(value, str) or not value.strip() or len(value) > 20:
        raise ConnectorError(
            f"{key} must be a short code such as {default!r}, got {value!r:.40}",
            permanent=True,
            how_to_fix=f'Set "{key}" to a Google News edition code such as "{default}", or leave it out.',
        )
    return value.strip()


def _entry_identity(entry: Mapping[str, Any]) -> str:
    for key in ("id", "link", "title"):
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _entry_time(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            try:
                return datetime(*value[:6], tzinfo=UTC)
            except ValueError:
                return None
    return None


def _is_malformed(parsed: Any) -> bool:
    return isinstance(parsed.get("bozo_exception"), xml.sax.SAXException)


def _plain(value: Any, depth: int = 0) -> Any:
    """feedparser's result as plain JSON: dicts, lists, strings, numbers; dates as ISO 8601 (UTC)."""
    if isinstance(value, time.struct_time):
        try:
            return datetime(*value[:6], tzinfo=UTC).isoformat()
        except ValueError:
            return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if depth > 8:
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, depth + 1) for item in value]
    return str(value)


def _retry_after(response: requests.Response) -> float | None:
    """Seconds from a Retry-After header, given as seconds or as an HTTP date."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _cursor_time(cursor: Mapping[str, Any], key: str) -> datetime | None:
    value = cursor.get(key)
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
