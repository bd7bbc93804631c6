"""Canonical URLs, so one article found by several providers (Brave web, Brave news, a feed) is stored once.

Pure functions, no network. `canonical_url` never raises and is idempotent: whatever text it is given, it
returns either a normalized http(s) URL or the text itself, stripped.
"""

import hashlib
import ipaddress
import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

# Query parameters that say where a click came from, not what the page is. Names are compared lower-cased.
TRACKING_PARAMETERS = frozenset(
    {
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "fbclid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "_hsenc",
        "_hsmi",
        "hsctatracking",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "rb_clickid",
        "s_cid",
        "cmpid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "_ga",
        "_gl",
        "spm",
        "share",
        "smid",
        "sr_share",
        "ncid",
    }
)
TRACKING_PREFIXES = ("utm_", "hsa_", "pk_", "mtm_", "matomo_", "ga_")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are in a path: RFC 3986 unreserved and sub-delims, plus ':' '@' '/' and existing
# percent escapes. Everything else (spaces, non-ASCII) is percent-encoded so every provider's spelling agrees.
PATH_SAFE_CHARACTERS = "/%:@!$&'()*+,;=-._~"
PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
GOOGLE_HOST = re.compile(r"^(www\.)?google\.[a-z]{2,3}(\.[a-z]{2})?$")
MAX_EXTERNAL_ID_LENGTH = 255
# Each normalizing pass is idempotent on real URLs; odd inputs (a trailing space before a slash, a redirect
# wrapped in a redirect) settle after a pass or two. Passes stop as soon as nothing changes.
MAX_PASSES = 8


def canonical_url(url: str) -> str:
    """The URL in one spelling: lower-case scheme and host without "www.", no default port, fragment,
    tracking parameters or trailing slash, remaining query parameters sorted, google.com/url redirects
    unwrapped. Text that is not an http(s) URL comes back stripped."""
    text = url.strip() if isinstance(url, str) else ""
    for _ in range(MAX_PASSES):
        try:
            canonical = _canonical_once(text)
        except (ValueError, UnicodeError):
            return text
        if canonical == text:
            break
        text = canonical
    return text


def unwrap_redirect(url: str) -> str:
    """The target of a google.com/url?url=… (or ?q=…) redirect, as Google Alerts links are; else `url`."""
    current = url.strip()
    # Each unwrap returns a strict substring of the previous URL, so this ends.
    while True:
        try:
            parts = urlsplit(current)
            host = (parts.hostname or "").rstrip(".")
        except ValueError:
            return current
        if not (GOOGLE_HOST.match(host) and parts.path.rstrip("/") == "/url"):
            return current
        parameters = dict(parse_qsl(parts.query, keep_blank_values=True))
        target = (parameters.get("url") or parameters.get("q") or "").strip()
        if not is_http_url(target) or len(target) >= len(current):
            return current
        current = target


def is_http_url(text: str) -> bool:
    """Whether `text` is an absolute http or https URL with a host."""
    try:
        parts = urlsplit(text)
        return parts.scheme.lower() in DEFAULT_PORTS and bool(parts.hostname)
    except ValueError:
        return False


def url_external_id(url: str) -> str:
    """The canonical URL as a platform id that fits the 255-character column. Longer URLs keep their first
    part (so the site stays readable in the admin) followed by a hash of the whole canonical URL."""
    canonical = canonical_url(url)
    if len(canonical) <= MAX_EXTERNAL_ID_LENGTH:
        return canonical
    digest = hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    marker = f"#sha256:{digest}"
    return canonical[: MAX_EXTERNAL_ID_LENGTH - len(marker)] + marker


def url_host(url: str) -> str:
    """The host of a URL without "www.", lower-cased; "" when there is none."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""
    return _without_www(host)


def is_public_host(host: str) -> bool:
    """False for hosts a fetched link must never reach: localhost, private and link-local IP addresses,
    and names that only resolve inside a network. (A public name that resolves to a private address is
    not caught here; the page fetcher only follows http(s) on default ports, which limits the damage.)"""
    host = host.strip("[]").rstrip(".").lower()
    if not host or host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".lan")):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host
    return address.is_global


def _canonical_once(text: str) -> str:
    text = unwrap_redirect(text.strip())
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return text
    host = _without_www((parts.hostname or "").rstrip("."))
    if not host:
        return text
    port = parts.port
    host = _ascii_host(host)
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(parts.path, safe=PATH_SAFE_CHARACTERS, errors="surrogatepass").rstrip("/")
    path = PERCENT_ESCAPE.sub(lambda match: match.group(0).upper(), path)
    query = _query_without_tracking(parts.query)
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def _without_www(host: str) -> str:
    # "www.com" is a site of its own: strip only when a dotted name remains.
    while host.startswith("www.") and "." in host[4:]:
        host = host[4:]
    return host


def _ascii_host(host: str) -> str:
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _query_without_tracking(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True, errors="surrogatepass")
    kept = sorted((name, value) for name, value in pairs if not _is_tracking(name))
    return urlencode(kept, quote_via=quote, errors="surrogatepass")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)
