"""Brave Search API: the web pages and news articles a patient finds when searching a hospital's name on its
own or with words such as "complaints" and "reviews".

Each hospital query is planned as one part per (endpoint, suffix), keyed f"{query.key}#{endpoint}:{suffix}",
searching `"<term>" OR (<query>) <suffix>` (each term's query as tracking.query.to_web writes it) for the
hospital's first few terms. Web search has no "since": every poll reads the first `max_pages` pages again,
from offset 0, and the mentions table's unique (platform, external_id) constraint absorbs what was stored
before. On polls after the first, Brave's `freshness` date range keeps the results to pages discovered since
the previous poll (less one day).

Every result is stored with platform "web" and external_id = the canonical URL (sources/connectors/urls.py),
so an article found by Brave web, Brave news and a feed is stored once; the raw item says which provider
and which kind ("web" or "news") found it.

Config keys:
- `api_key` (required): a Brave Search API subscription token, sent as X-Subscription-Token.
- `endpoints` (list, default ["web", "news"]).
- `query_suffixes` (list of str, default ["", "complaints", "reviews"]): "" searches the names alone.
- `country` (e.g. "US"), `search_lang` (e.g. "en"): optional, passed to Brave as is. A part planned for
  terms limited to a language or region sends those instead, in Brave's codes (brave_search_lang,
  brave_country).
- `max_pages` (int 1-10, default 2): result pages of 20 read per part and poll.
- `max_terms` (int, default 3): how many of a hospital's terms (first tracked first) go into one search.
- `freshness` (default "since_last_poll"): or "" for none, or Brave's "pd", "pw", "pm", "py",
  "YYYY-MM-DDtoYYYY-MM-DD".
- `fetch_pages`, `contact_url`: page excerpts, see sources/connectors/pages.py.
"""

import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

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
from sources.connectors.urls import canonical_url, is_http_url, url_external_id, url_host
from tracking.query import Query

logger = logging.getLogger(__name__)

API_ROOT = "https://api.search.brave.com/res/v1"
ENDPOINTS = ("web", "news")
DEFAULT_SUFFIXES = ("", "complaints", "reviews")
PAGE_SIZE = 20
MAX_OFFSET = 9  # Brave serves pages 0-9 and no further.
MAX_QUERY_CHARACTERS = 400
MAX_QUERY_WORDS = 50
MAX_SUFFIX_CHARACTERS = 40
DEFAULT_MAX_PAGES = 2
DEFAULT_MAX_TERMS = 3
SINCE_LAST_POLL = "since_last_poll"
FRESHNESS_VALUE = re.compile(r"^(pd|pw|pm|py|\d{4}-\d{2}-\d{2}to\d{4}-\d{2}-\d{2})$")
# Brave dates pages coarsely; overlapping windows by a day costs a few duplicates and loses nothing.
FRESHNESS_OVERLAP = timedelta(days=1)
REQUEST_TIMEOUT_SECONDS = 15
# A page date after the poll means bad site metadata (an event page, a typo); it must not sort first.
FUTURE_TOLERANCE = timedelta(days=1)

NEW_KEY_FIX = (
    "Create a new API key in the Brave Search API dashboard (https://api-dashboard.search.brave.com → "
    'API Keys) for a subscription to the Search plan, then paste it as "api_key" on the source\'s settings.'
)
PLAN_FIX = (
    "Open the Brave Search API dashboard → Subscriptions and check that the key's subscription is the "
    'Search plan and is active (a payment method is on file); or remove "news" from "endpoints".'
)


class BraveSearchConnector(Connector):
    kind = "brave_search"
    query_filters = frozenset({"language", "region"})

    def __init__(self, config: Mapping[str, Any]):
        super().__init__(config)
        api_key = config.get("api_key")
        if not isinstance(api_key, str) or not api_key.strip():
            raise ConnectorError(
                "the Brave Search source has no API key", permanent=True, how_to_fix=NEW_KEY_FIX
            )
        self.api_key = api_key.strip()
        self.endpoints = _endpoints(config.get("endpoints", list(ENDPOINTS)))
        self.suffixes = _suffixes(config.get("query_suffixes", list(DEFAULT_SUFFIXES)))
        self.max_pages = _whole_number(
            config, "max_pages", DEFAULT_MAX_PAGES, minimum=1, maximum=MAX_OFFSET + 1
        )
        self.max_terms = _whole_number(config, "max_terms", DEFAULT_MAX_TERMS, minimum=1, maximum=20)
        self.freshness = _freshness(config.get("freshness", SINCE_LAST_POLL))
        self.country = _optional_code(config, "country")
        self.search_lang = _optional_code(config, "search_lang")
        self.session = requests.Session()
        self.pages = page_fetcher_from_config(config, self.session)

    def plan_queries(self, query: SourceQuery) -> list[SourceQuery]:
        return [
            replace(query, key=f"{query.key}#{endpoint}:{suffix}")
            for endpoint in self.endpoints
            for suffix in self.suffixes
        ]

    def fetch(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        endpoint, suffix = self._part(query.key)
        phrase = search_phrase(query.terms, suffix, max_terms=self.max_terms)
        if not phrase:
            return FetchResult(items=[], next_cursor=dict(cursor), api_calls=0)
        offset = _cursor_offset(cursor)
        last_polled_at = _cursor_time(cursor, "last_polled_at")
        now = self._now()
        window_start = last_polled_at - FRESHNESS_OVERLAP if last_polled_at else None
        params: dict[str, Any] = {"q": phrase, "count": PAGE_SIZE, "offset": offset, "spellcheck": "false"}
        if endpoint == "web":
            params["result_filter"] = "web"
        freshness = self._freshness_param(window_start, now)
        if freshness:
            params["freshness"] = freshness
        country = brave_country(query.region) if query.region else self.country
        if country:
            params["country"] = country
        search_lang = brave_search_lang(query.language, query.region) if query.language else self.search_lang
        if search_lang:
            params["search_lang"] = search_lang

        body = self._get(endpoint, params)
        results, more_available = _results(body, endpoint)
        fetched_at = now.isoformat()
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        for result in results:
            url = result.get("url") if isinstance(result, dict) else None
            if isinstance(url, str) and is_http_url(url):
                key = canonical_url(url)
                if key in seen:
                    continue
                seen.add(key)
                page = self.pages.page(url, fields.search_phrases(query.terms))
            else:
                page = {"status": "no_url"}
            items.append(
                {
                    "provider": "brave",
                    "kind": endpoint,
                    "search_query": phrase,
                    "fetched_at": fetched_at,
                    "result": result,
                    "page": page,
                }
            )

        next_offset = offset + 1
        if more_available and next_offset < self.max_pages and next_offset <= MAX_OFFSET:
            next_cursor = {"offset": next_offset, "last_polled_at": _iso(last_polled_at)}
            return FetchResult(items=items, next_cursor=next_cursor, has_more=True, billable_reads=1)
        gaps: tuple[CoverageGap, ...] = ()
        if more_available and window_start and self.freshness == SINCE_LAST_POLL:
            gaps = (
                CoverageGap(
                    start=window_start,
                    end=now,
                    reason=f"Brave {endpoint} search for {phrase!r} had more results than the "
                    f"{next_offset * PAGE_SIZE} read per poll (max_pages={self.max_pages})",
                ),
            )
        next_cursor = {"offset": 0, "last_polled_at": fetched_at}
        return FetchResult(items=items, next_cursor=next_cursor, billable_reads=1, coverage_gaps=gaps)

    def normalize(self, raw: Mapping[str, Any]) -> MentionData:
        kind = raw.get("kind")
        if kind not in ENDPOINTS:
            raise NormalizationError(f"field 'kind' must be 'web' or 'news', got {kind!r:.40}")
        result = _mapping(raw, "result")
        url = fields.required_str(result, "url")
        if not is_http_url(url):
            raise NormalizationError(f"field 'url' is not an http(s) URL: {url!r:.80}")
        title = html_to_text(fields.optional_str(result, "title"))
        snippet = html_to_text(fields.optional_str(result, "description"))
        page = raw.get("page")
        page_excerpt = ""
        if isinstance(page, Mapping) and page.get("status") == "ok":
            page_excerpt = fields.optional_str(page, "excerpt")
        text = page_excerpt or snippet or title
        if not text:
            raise NormalizationError("result has no 'title', 'description' or page excerpt")
        fetched_at = fields.timestamp(raw, "fetched_at")
        posted_at, estimated = fetched_at, True
        if result.get("page_age") not in (None, ""):
            posted_at = fields.timestamp(result, "page_age")
            estimated = False
            if posted_at - fetched_at > FUTURE_TOLERANCE:
                posted_at, estimated = fetched_at, True
        profile = result.get("profile")
        meta_url = result.get("meta_url")
        publisher = ""
        if isinstance(profile, Mapping):
            publisher = fields.optional_str(profile, "name")
        if not publisher and isinstance(meta_url, Mapping):
            publisher = fields.optional_str(meta_url, "netloc")
        return MentionData(
            platform="web",
            external_id=url_external_id(url),
            text=text,
            title=title[:500],
            posted_at=posted_at,
            url=url,
            author_handle=url_host(url),
            author_name=publisher,
            language=fields.optional_str(result, "language", max_length=12),
            raw=raw,
            extra={"provider": "brave", "kind": kind, "posted_at_estimated": estimated},
        )

    def _part(self, key: str) -> tuple[str, str]:
        _, marker, part = key.rpartition("#")
        endpoint, colon, suffix = part.partition(":")
        if marker and colon and endpoint in ENDPOINTS:
            return endpoint, suffix
        # A query that was not planned (a caller that skips plan_queries): the first endpoint, no suffix.
        return self.endpoints[0], ""

    def _freshness_param(self, window_start: datetime | None, now: datetime) -> str:
        if self.freshness != SINCE_LAST_POLL:
            return self.freshness
        if window_start is None:
            return ""  # First poll: everything Brave ranks for the name, whatever its age.
        return f"{window_start:%Y-%m-%d}to{now:%Y-%m-%d}"

    def check_connection(self, query: SourceQuery) -> str:
        """One web search asking for a single result: one billed request, no page excerpts fetched. Any
        word proves the key and the plan."""
        body = self._get("web", {"q": "hospital", "count": 1, "result_filter": "web", "spellcheck": "false"})
        found = len(((body.get("web") if isinstance(body, dict) else None) or {}).get("results") or [])
        return f"Brave Search answered: {found} result(s) for a one-result web search, nothing stored."

    def _get(self, endpoint: str, params: Mapping[str, Any]) -> Any:
        url = f"{API_ROOT}/{endpoint}/search"
        headers = {"Accept": "application/json", "X-Subscription-Token": self.api_key}
        try:
            response = self.session.get(url, params=params, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS)
        except requests.Timeout as error:
            raise TransientConnectorError(f"Brave Search timed out: {error}") from error
        except requests.RequestException as error:
            raise TransientConnectorError(f"could not reach Brave Search: {error}") from error
        if response.status_code != 200:
            _raise_for_status(response, endpoint)
        try:
            return response.json()
        except ValueError as error:
            raise TransientConnectorError(
                f"Brave Search answered {endpoint} search with something other than JSON"
            ) from error

    @staticmethod
    def _now() -> datetime:
        return datetime.now(UTC)


# Brave's documented `country` and `search_lang` values (Web Search API → Codes); Brave refuses any other.
BRAVE_COUNTRIES = frozenset(
    {
        "AR", "AU", "AT", "BE", "BR", "CA", "CL", "DK", "FI", "FR", "DE", "HK", "IN", "ID", "IT",
        "JP", "KR", "MY", "MX", "NL", "NZ", "NO", "CN", "PL", "PT", "PH", "RU", "SA", "ZA", "ES",
        "SE", "CH", "TW", "TR", "GB", "US",
    }
)
BRAVE_LANGUAGES = frozenset(
    {
        "ar", "eu", "bn", "bg", "ca", "zh-hans", "zh-hant", "hr", "cs", "da", "nl", "en", "en-gb",
        "et", "fi", "fr", "gl", "de", "gu", "he", "hi", "hu", "is", "it", "jp", "kn", "ko", "lv",
        "lt", "ms", "ml", "mr", "nb", "pl", "pt-br", "pt-pt", "pa", "ro", "ru", "sr", "sk", "sl",
        "es", "sv", "ta", "te", "th", "tr", "uk", "vi",
    }
)
# ISO 639-1 codes Brave spells its own way; Chinese and Portuguese also depend on the region.
BRAVE_LANGUAGE_ALIASES = {"ja": "jp", "no": "nb"}
TRADITIONAL_CHINESE_REGIONS = frozenset({"TW", "HK", "MO"})


def brave_country(region: str) -> str:
    """Brave's `country` for an ISO 3166-1 code: the code itself where Brave has that country, else "ALL"
    (results from anywhere) rather than Brave's default, the United States."""
    return region if region in BRAVE_COUNTRIES else "ALL"


def brave_search_lang(language: str, region: str = "") -> str:
    """Brave's `search_lang` for an ISO 639-1 code (and the term's region, which picks a variant), or ""
    when Brave has no such language: the local matcher then keeps only posts in it."""
    if language == "zh":
        return "zh-hant" if region in TRADITIONAL_CHINESE_REGIONS else "zh-hans"
    if language == "pt":
        return "pt-pt" if region == "PT" else "pt-br"
    if language == "en" and region == "GB":
        return "en-gb"
    language = BRAVE_LANGUAGE_ALIASES.get(language, language)
    return language if language in BRAVE_LANGUAGES else ""


def search_phrase(terms: tuple[str, ...], suffix: str, *, max_terms: int = DEFAULT_MAX_TERMS) -> str:
    """`"<term>" OR (<term's query>) <suffix>` with as many of the first `max_terms` terms' queries as fit
    Brave's limits (400 characters, 50 words); "" when none can be read."""
    queries = [query for query in map(fields.read_query, terms) if query is not None]
    chosen: list[Query] = []
    phrase = ""
    for query in queries:
        if query in chosen:
            continue
        candidate = fields.web_search([*chosen, query]) + (f" {suffix}" if suffix else "")
        if len(candidate) > MAX_QUERY_CHARACTERS or len(candidate.split()) > MAX_QUERY_WORDS:
            break
        chosen.append(query)
        phrase = candidate
        if len(chosen) == max_terms:
            break
    if not chosen and queries:
        raise ConnectorError(
            f"the term {terms[0]!r:.60} is longer than Brave Search accepts (400 characters, 50 words)",
            permanent=True,
            how_to_fix="Shorten the hospital's first tracked term on the Tracking page.",
        )
    return phrase


def _results(body: Any, endpoint: str) -> tuple[list[Any], bool]:
    """The result list and whether Brave says more pages exist."""
    if not isinstance(body, dict):
        raise TransientConnectorError(f"Brave {endpoint} search returned an unexpected body")
    if endpoint == "web":
        # Brave leaves out the "web" block altogether when nothing matched.
        web = body.get("web") or {}
        results = web.get("results") if isinstance(web, dict) else None
        query = body.get("query") if isinstance(body.get("query"), dict) else {}
        results = results if isinstance(results, list) else []
        more = query.get("more_results_available")
        return results, bool(more) if isinstance(more, bool) else len(results) >= PAGE_SIZE
    results = body.get("results")
    results = results if isinstance(results, list) else []
    return results, len(results) >= PAGE_SIZE


def _raise_for_status(response: requests.Response, endpoint: str) -> None:
    code, detail = _error_details(response)
    status = response.status_code
    message = (
        f"Brave {endpoint} search answered {status}"
        + (f" {code}" if code else "")
        + (f": {detail}" if detail else "")
    )
    if status == 429:
        retry_after = _retry_after(response)
        if code == "QUOTA_LIMITED":
            message += " (the plan's monthly quota is used up)"
        raise TransientConnectorError(message, retry_after=retry_after)
    if status >= 500:
        raise TransientConnectorError(message, retry_after=_retry_after_header(response))
    if code in ("SUBSCRIPTION_TOKEN_INVALID", "SUBSCRIPTION_TOKEN_MISSING") or status == 401:
        raise ConnectorError(message, permanent=True, how_to_fix=NEW_KEY_FIX)
    if status in (402, 403):
        raise ConnectorError(message, permanent=True, how_to_fix=PLAN_FIX)
    if status in (400, 422):
        raise ConnectorError(
            message,
            permanent=True,
            how_to_fix='Check "country" (two letters, e.g. "US"), "search_lang" (e.g. "en") and "freshness" '
            "on the source's settings against Brave's list of supported values.",
        )
    raise ConnectorError(message, permanent=True, how_to_fix=PLAN_FIX)


def _error_details(response: requests.Response) -> tuple[str, str]:
    """Brave's error `code` and `detail`, from {"error": {...}} (or {"errors": [...]} in older examples)."""
    try:
        body = response.json()
    except ValueError:
        return "", html_to_text(response.text[:1000])[:200]
    error: Any = body.get("error") if isinstance(body, dict) else None
    if error is None and isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        error = body["errors"][0]
    if not isinstance(error, dict):
        return "", ""
    return str(error.get("code") or ""), str(error.get("detail") or "")[:300]


def _retry_after(response: requests.Response) -> float | None:
    """Seconds until the exhausted window resets. Brave sends one comma-separated value per window (per
    second, per month): wait for the longest window that has nothing left, else the shortest reset."""
    resets = _header_numbers(response.headers.get("X-RateLimit-Reset", ""))
    remaining = _header_numbers(response.headers.get("X-RateLimit-Remaining", ""))
    if resets:
        exhausted = [reset for reset, left in zip(resets, remaining, strict=False) if left <= 0]
        return max(exhausted) if exhausted else min(resets)
    return _retry_after_header(response)


def _retry_after_header(response: requests.Response) -> float | None:
    retry_after = response.headers.get("Retry-After", "").strip()
    return float(retry_after) if retry_after.isdigit() else None


def _header_numbers(value: str) -> list[float]:
    numbers = []
    for part in value.split(","):
        try:
            numbers.append(float(part.strip()))
        except ValueError:
            return []
    return numbers


def _mapping(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key)
    if not isinstance(value, Mapping):
        raise NormalizationError(f"field '{key}' must be an object, got {type(value).__name__}")
    return value


def _cursor_offset(cursor: Mapping[str, Any]) -> int:
    offset = cursor.get("offset", 0)
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        return 0
    return offset


def _cursor_time(cursor: Mapping[str, Any], key: str) -> datetime | None:
    value = cursor.get(key)
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _endpoints(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not value or any(item not in ENDPOINTS for item in value):
        raise ConnectorError(
            f"endpoints must be a list of 'web' and/or 'news', got {value!r:.80}",
            permanent=True,
            how_to_fix='Set "endpoints" to ["web", "news"], ["web"] or ["news"] on the source\'s settings.',
        )
    return tuple(dict.fromkeys(value))


def _suffixes(value: Any) -> tuple[str, ...]:
    valid = isinstance(value, list | tuple) and value and all(isinstance(item, str) for item in value)
    if not valid or any(len(item) > MAX_SUFFIX_CHARACTERS or "#" in item for item in value):
        raise ConnectorError(
            f"query_suffixes must be a list of short words, got {value!r:.80}",
            permanent=True,
            how_to_fix='Set "query_suffixes" to a list such as ["", "complaints", "reviews"] ("" searches '
            "the names alone; each suffix is at most 40 characters).",
        )
    return tuple(dict.fromkeys(" ".join(item.split()) for item in value))


def _whole_number(config: Mapping[str, Any], key: str, default: int, *, minimum: int, maximum: int) -> int:
    value = config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ConnectorError(
            f"{key} must be a whole number from {minimum} to {maximum}, got {value!r}",
            permanent=True,
            how_to_fix=f'Set "{key}" on the source\'s settings to a number from {minimum} to {maximum}.',
        )
    return value


def _freshness(value: Any) -> str:
    if value in (None, ""):
        return ""
    if value == SINCE_LAST_POLL or (isinstance(value, str) and FRESHNESS_VALUE.match(value)):
        return value
    raise ConnectorError(
        f"freshness must be 'since_last_poll', '', 'pd', 'pw', 'pm', 'py' or a date range, got {value!r:.40}",
        permanent=True,
        how_to_fix='Set "freshness" to "since_last_poll" (the default), or to a Brave value such as "pw", or '
        'to a range such as "2026-01-01to2026-06-30".',
    )


def _optional_code(config: Mapping[str, Any], key: str) -> str:
    value = config.get(key) or ""
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{0,3}(-[A-Za-z]{2,4})?", value):
        raise ConnectorError(
            f"{key} must be a short code such as 'US' or 'en', got {value!r:.40}",
            permanent=True,
            how_to_fix=f'Set "{key}" to a code Brave supports (e.g. "US" for country, "en" for search_lang) '
            "or leave it out.",
        )
    return value
