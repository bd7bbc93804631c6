"""Longer excerpts for web results: fetch the linked page where robots.txt allows, keep its main text.

Used by the Brave and feed connectors inside `fetch`, so the excerpt is stored in the raw item. A page that
cannot be fetched (robots.txt says no, not HTML, too slow, an error) never fails the poll: the item keeps
its search snippet and the raw `page.status` says why.

Config keys read here (on the Brave and feed sources alike):
- `fetch_pages` (int, default 10): pages fetched per poll at most; 0 turns page fetching off.
- `contact_url` (str, optional): a page about this bot or the hospital's contact page, sent in the
  User-Agent so site owners can reach whoever runs it.
"""

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests

from sources.connectors.base import ConnectorError
from sources.connectors.urls import canonical_url, is_http_url, is_public_host

logger = logging.getLogger(__name__)

BOT_NAME = "HospitalListenBot"
BOT_VERSION = "0.1"
DEFAULT_FETCH_PAGES = 10
MAX_FETCH_PAGES = 100
PAGE_TIMEOUT_SECONDS = 5.0
MAX_PAGE_BYTES = 1_000_000
# RFC 9309 asks crawlers to read at least 500 KiB of robots.txt; nothing useful lies beyond.
MAX_ROBOTS_BYTES = 512_000
MAX_REDIRECTS = 5
EXCERPT_CHARACTERS = 2_000
# Below this, an <article> or <main> is probably a teaser card, not the page's content.
MIN_MAIN_TEXT_CHARACTERS = 200
HTML_TYPES = ("text/html", "application/xhtml+xml")

SKIPPED_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "nav", "footer", "header", "aside", "form", "iframe"}
)
BLOCK_TAGS = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "table",
        "section", "article", "main", "blockquote", "pre", "figcaption", "dd", "dt", "hr",
    }
)  # fmt: skip
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
WHITESPACE = re.compile(r"\s+")


def user_agent(contact_url: str = "") -> str:
    """A User-Agent that says what we are and, when configured, where to reach us."""
    base = f"{BOT_NAME}/{BOT_VERSION}"
    return f"{base} (+{contact_url})" if contact_url else base


def html_to_text(html: str) -> str:
    """Text of an HTML fragment (a snippet, a feed summary) on one line: tags dropped, entities decoded,
    whitespace collapsed."""
    if "<" not in html and "&" not in html:
        return WHITESPACE.sub(" ", html).strip()
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return WHITESPACE.sub(" ", "".join(parser.chunks)).strip()


@dataclass(frozen=True, slots=True)
class PageText:
    title: str
    text: str


def extract_main_text(html: str) -> PageText:
    """The page's title and main text: <article> if it holds real text, else <main>, else the body, leaving
    out scripts, styles, navigation, headers and footers. Paragraphs are separated by blank lines."""
    parser = _MainTextParser()
    parser.feed(html)
    parser.close()
    for candidate in (parser.article, parser.main):
        text = _paragraphs(candidate)
        if len(text) >= MIN_MAIN_TEXT_CHARACTERS:
            return PageText(title=_one_line(parser.title), text=text)
    return PageText(title=_one_line(parser.title), text=_paragraphs(parser.body))


def excerpt(text: str, terms: Sequence[str] = (), limit: int = EXCERPT_CHARACTERS) -> str:
    """About `limit` characters of `text`: the start, or, when no term appears there but one appears later,
    the paragraph where a term first appears, so the mention still shows why it matched."""
    if len(text) <= limit:
        return text
    start = 0
    lowered = text.lower()
    positions = [lowered.find(term.lower()) for term in terms if term.strip()]
    found = [position for position in positions if position >= 0]
    if found and min(found) > limit - 200:
        first = min(found)
        paragraph_start = text.rfind("\n\n", 0, first)
        if paragraph_start >= 0 and first - paragraph_start < 600:
            start = paragraph_start + 2
        else:
            # A long paragraph: start a sentence or so before the term, at a word boundary.
            space = text.find(" ", max(0, first - 150), first)
            start = space + 1 if space >= 0 else max(0, first - 150)
    cut = text[start : start + limit]
    if start + limit < len(text):
        cut = cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut
        cut += "…"
    return ("…" if start else "") + cut


def page_fetcher_from_config(config: Mapping[str, Any], session: requests.Session) -> "PageFetcher":
    """A page fetcher set up from a source's `fetch_pages` and `contact_url` keys."""
    fetch_pages = config.get("fetch_pages", DEFAULT_FETCH_PAGES)
    if isinstance(fetch_pages, bool) or not isinstance(fetch_pages, int) or fetch_pages < 0:
        raise ConnectorError(
            f"fetch_pages must be a whole number of pages (0 turns page fetching off), got {fetch_pages!r}",
            permanent=True,
            how_to_fix='Set "fetch_pages" on the source\'s settings to a number such as 10, or 0.',
        )
    contact_url = config.get("contact_url") or ""
    if not isinstance(contact_url, str) or (contact_url and not is_http_url(contact_url)):
        raise ConnectorError(
            f"contact_url must be an http(s) address, got {contact_url!r}",
            permanent=True,
            how_to_fix='Set "contact_url" to a page where site owners can reach you, e.g. '
            '"https://hospital.example/contact", or remove it.',
        )
    return PageFetcher(
        session=session, user_agent=user_agent(contact_url), max_pages=min(fetch_pages, MAX_FETCH_PAGES)
    )


@dataclass
class PageFetcher:
    """Fetches linked pages politely for one poll: robots.txt read once per host, a page budget, a short
    timeout, HTML only, at most 1 MB read. Create one per connector (one connector serves one poll)."""

    session: requests.Session
    user_agent: str
    max_pages: int = DEFAULT_FETCH_PAGES
    timeout: float = PAGE_TIMEOUT_SECONDS
    max_bytes: int = MAX_PAGE_BYTES
    pages_fetched: int = 0
    _robots: dict[str, RobotFileParser] = field(default_factory=dict)
    _pages: dict[str, dict[str, Any]] = field(default_factory=dict)

    def page(self, url: str, terms: Sequence[str] = ()) -> dict[str, Any]:
        """What the page gave, as a JSON-ready dict: `status` ("ok", "disabled", "over_budget",
        "unsafe_url", "robots_disallowed", "http_error", "not_html", "empty", "too_many_redirects",
        "failed"), and for "ok" the `url` read, its `title` and the `excerpt`."""
        if self.max_pages <= 0:
            return {"status": "disabled"}
        key = canonical_url(url)
        if key in self._pages:  # The same article from web and news search: fetch it once.
            return self._pages[key]
        if self.pages_fetched >= self.max_pages:
            return {"status": "over_budget"}
        result = self._fetch(url, terms)
        self._pages[key] = result
        return result

    def _fetch(self, url: str, terms: Sequence[str]) -> dict[str, Any]:
        current = url
        try:
            for _ in range(MAX_REDIRECTS + 1):
                if not _is_fetchable(current):
                    return {"status": "unsafe_url"}
                if not self._robots_allow(current):
                    return {"status": "robots_disallowed"}
                if current == url:
                    self.pages_fetched += 1
                response = self.session.get(
                    current,
                    headers={"User-Agent": self.user_agent, "Accept": "text/html,application/xhtml+xml"},
                    timeout=self.timeout,
                    stream=True,
                    allow_redirects=False,
                )
                with response:
                    # Redirects are followed one hop at a time so each hop is checked against its robots.txt.
                    if response.is_redirect and response.headers.get("Location"):
                        current = urljoin(current, response.headers["Location"])
                        continue
                    return self._read(response, current, terms)
            return {"status": "too_many_redirects"}
        except requests.RequestException as error:
            logger.info("could not fetch %s for an excerpt: %s", url, error)
            return {"status": "failed", "error": str(error)[:200]}

    def _read(self, response: requests.Response, url: str, terms: Sequence[str]) -> dict[str, Any]:
        if response.status_code != 200:
            return {"status": "http_error", "http_status": response.status_code}
        content_type = response.headers.get("Content-Type", "")
        if content_type.split(";")[0].strip().lower() not in HTML_TYPES:
            return {"status": "not_html", "content_type": content_type[:100]}
        body = bytearray()
        for chunk in response.iter_content(chunk_size=64 * 1024):
            body += chunk
            if len(body) >= self.max_bytes:
                break
        html = _decode(bytes(body[: self.max_bytes]), content_type)
        page = extract_main_text(html)
        if not page.text:
            return {"status": "empty", "url": url, "title": page.title}
        return {"status": "ok", "url": url, "title": page.title, "excerpt": excerpt(page.text, terms)}

    def _robots_allow(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin)
        return self._robots[origin].can_fetch(self.user_agent, url)

    def _read_robots(self, origin: str) -> RobotFileParser:
        robots = RobotFileParser(f"{origin}/robots.txt")
        try:
            response = self.session.get(
                f"{origin}/robots.txt", headers={"User-Agent": self.user_agent}, timeout=self.timeout
            )
        except requests.RequestException as error:
            # RFC 9309: an unreachable robots.txt means "assume everything is disallowed".
            logger.info("robots.txt at %s unreachable (%s); not fetching its pages", origin, error)
            robots.disallow_all = True
            return robots
        if response.status_code in (401, 403) or response.status_code >= 500:
            # Server errors mean "disallowed" per RFC 9309; a protected robots.txt is read the same way, as
            # Python's robotparser does, because a site that hides it is not inviting bots in.
            robots.disallow_all = True
        elif response.status_code >= 400:
            robots.allow_all = True  # No robots.txt: the site sets no rules.
        else:
            text = response.content[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
            robots.parse(text.splitlines())
        return robots


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        elif tag in BLOCK_TAGS:
            self.chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skipping:
            self._skipping -= 1
        elif tag in BLOCK_TAGS:
            self.chunks.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.chunks.append(data)


class _MainTextParser(HTMLParser):
    """Collects text three ways at once (inside <article>, inside <main>, anywhere in the body), with block
    elements marked as paragraph breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.article: list[str] = []
        self.main: list[str] = []
        self.body: list[str] = []
        self._skipping = 0
        self._in_title = False
        self._article_depth = 0
        self._main_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self._skipping += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "article":
            self._article_depth += 1
        elif tag == "main":
            self._main_depth += 1
        if tag in BLOCK_TAGS:
            self._add("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS and self._skipping:
            self._skipping -= 1
        elif tag == "title":
            self._in_title = False
        elif tag == "article" and self._article_depth:
            self._article_depth -= 1
        elif tag == "main" and self._main_depth:
            self._main_depth -= 1
        if tag in BLOCK_TAGS:
            self._add("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skipping:
            self._add(data)

    def _add(self, text: str) -> None:
        if self._skipping:
            return
        self.body.append(text)
        if self._article_depth:
            self.article.append(text)
        if self._main_depth:
            self.main.append(text)


def _paragraphs(chunks: list[str]) -> str:
    lines = (_one_line(line) for line in "".join(chunks).split("\n"))
    return "\n\n".join(line for line in lines if line)


def _one_line(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def _is_fetchable(url: str) -> bool:
    if not is_http_url(url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    # Default ports only: a link in a search result has no business reaching an admin port.
    return port in (None, 80, 443) and is_public_host(parts.hostname or "")


def _decode(body: bytes, content_type: str) -> str:
    charset = ""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    if not charset:
        declared = META_CHARSET.search(body[:4096])
        charset = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
