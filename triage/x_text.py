"""X's weighted character count (twitter-text configuration v3), for refusing over-long replies before
they are sent. static/js/reply_composer.js mirrors this function; keep the two in step.

X counts a post in weighted units against a limit of 280: code points U+0000-U+10FF and a few punctuation
ranges (general punctuation spaces, dashes, quotes, primes) weigh 1; everything else (CJK, most symbols)
weighs 2; an emoji weighs 2 however many code points it is made of (skin tones, ZWJ families, flags,
keycaps); every URL weighs 23 whatever its length, because X shortens it to a t.co link. Text is
NFC-normalized first, as X does.

URL detection is simpler than twitter-text's: links with a scheme, links starting "www.", and bare domains
ending in a common top-level domain ("riverside.org/er"). A bare domain under an unusual TLD counts by its
characters, which only ever over-counts. Emoji sequences follow current Unicode (ZWJ sequences such as
🧑🏽‍⚕️ count 2); the twitter-text-parser package on PyPI ships 2019 emoji data and counts such newer
sequences by their parts, which is why it is not used here.
"""

import re
import unicodedata

X_MAX_WEIGHTED_LENGTH = 280
URL_WEIGHT = 23

# (first code point, last code point) weighing 1; all others weigh 2.
_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))

_COMMON_TLDS = (
    "com|org|net|edu|gov|mil|int|info|biz|io|co|ai|app|dev|health|care|us|uk|ca|au|nz|ie|de|fr|es|it|nl|"
    "be|ch|at|se|no|dk|fi|pl|pt|in|jp|cn|kr|br|mx|ly|me|tv|news|link|site|online|org\\.uk|co\\.uk|nhs\\.uk"
)
_URL = re.compile(
    r"(?<![\w@.])(?:"
    r"https?://[^\s<>\"]+"
    r"|www\.[^\s<>\"]+"
    r"|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:" + _COMMON_TLDS + r")(?![\w-])(?:/[^\s<>\"]*)?"
    r")",
    re.IGNORECASE,
)
# Punctuation that ends a sentence rather than the link.
_URL_TRAILING = ".,:;!?'\")]}"

_ZWJ = 0x200D
_VS16 = 0xFE0F
_KEYCAP = 0x20E3


def _is_regional_indicator(cp: int) -> bool:
    return 0x1F1E6 <= cp <= 0x1F1FF


def _is_modifier(cp: int) -> bool:
    # Skin tones, and the tag characters of subdivision flags (England, Scotland, Wales).
    return 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F


def _is_pictographic(cp: int) -> bool:
    """Extended_Pictographic, approximated by the blocks that hold emoji (plus the few older symbols that
    become emoji: ©, ®, ‼, ⁉, ™, ℹ, arrows, 〰, 〽, ㊗, ㊙)."""
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0x2300 <= cp <= 0x23FF
        or 0x2B00 <= cp <= 0x2BFF
        or 0x2190 <= cp <= 0x21FF
        or 0x25A0 <= cp <= 0x25FF
        or cp in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D, 0x3297, 0x3299)
    )


def _emoji_length(code_points: list[int], start: int) -> int:
    """How many code points the emoji starting at `start` spans (0 when none starts there)."""
    cp = code_points[start]
    end = len(code_points)
    if _is_regional_indicator(cp):
        pair = start + 1 < end and _is_regional_indicator(code_points[start + 1])
        return 2 if pair else 1
    if cp in (0x23, 0x2A) or 0x30 <= cp <= 0x39:  # Keycaps: 1️⃣ #️⃣ *️⃣
        at = start + 1
        if at < end and code_points[at] == _VS16:
            at += 1
        return at + 1 - start if at < end and code_points[at] == _KEYCAP else 0
    if not _is_pictographic(cp):
        return 0
    at = start + 1
    while at < end:
        nxt = code_points[at]
        if nxt == _VS16 or _is_modifier(nxt):
            at += 1
        elif nxt == _ZWJ and at + 1 < end and _is_pictographic(code_points[at + 1]):
            at += 2
        else:
            break
    return at - start


def _char_weight(cp: int) -> int:
    return 1 if any(low <= cp <= high for low, high in _LIGHT_RANGES) else 2


def _urls(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _URL.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _URL_TRAILING:
            end -= 1
        spans.append((start, end))
    return spans


def x_weighted_length(text: str) -> int:
    """The length X counts for `text` against its 280 limit."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for start, end in _urls(text):
        total += _plain_weight(text[position:start]) + URL_WEIGHT
        position = end
    return total + _plain_weight(text[position:])


def _plain_weight(text: str) -> int:
    code_points = [ord(char) for char in text]
    total, at = 0, 0
    while at < len(code_points):
        span = _emoji_length(code_points, at)
        if span:
            total += 2
            at += span
        else:
            total += _char_weight(code_points[at])
            at += 1
    return total
