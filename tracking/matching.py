"""Match mention text against tracked terms, honouring each term's exclusions.

Pure functions over plain data so the pipeline, the import, a preview and a test share one matcher.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class TermSpec:
    id: int
    hospital_id: int
    text: str
    exclusions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MatchResult:
    status: str  # "matched" | "excluded" | "unmatched"
    hospital_id: int | None = None
    term_ids: tuple[int, ...] = field(default=())


UNMATCHED = MatchResult(status="unmatched")


def _words_pattern(phrase: str) -> str:
    # Any run of whitespace between words, so "St.  Brigid's" still matches.
    return r"\s+".join(re.escape(word) for word in phrase.split())


def _phrase_pattern(phrase: str) -> str:
    return r"(?<!\w)" + _words_pattern(phrase) + r"(?!\w)"


class TermMatcher:
    """Finds which tracked terms a text mentions. Build once per batch; matching is one regex scan."""

    def __init__(self, terms: Iterable[TermSpec]):
        self._terms = {term.id: term for term in terms if term.text.strip()}
        # Longest first, so "Mercy Valley Hospital" wins over "Mercy" at the same position.
        ordered = sorted(self._terms.values(), key=lambda term: len(term.text), reverse=True)
        alternatives = "|".join(f"(?P<t{term.id}>{_words_pattern(term.text)}(?!\\w))" for term in ordered)
        # One word-boundary check per position, outside the alternation, keeps the scan fast.
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})", re.IGNORECASE) if ordered else None
        self._exclusions = {
            term.id: [re.compile(_phrase_pattern(phrase), re.IGNORECASE) for phrase in term.exclusions]
            for term in ordered
            if term.exclusions
        }

    def match(self, text: str) -> MatchResult:
        if self._pattern is None or not text:
            return UNMATCHED
        found: list[int] = []
        for hit in self._pattern.finditer(text):
            term_id = int(hit.lastgroup[1:])
            if term_id not in found:
                found.append(term_id)
        if not found:
            return UNMATCHED
        accepted = [term_id for term_id in found if not self._is_excluded(term_id, text)]
        if not accepted:
            return MatchResult(status="excluded", term_ids=tuple(found))
        return MatchResult(
            status="matched",
            hospital_id=self._terms[accepted[0]].hospital_id,
            term_ids=tuple(accepted),
        )

    def _is_excluded(self, term_id: int, text: str) -> bool:
        return any(pattern.search(text) for pattern in self._exclusions.get(term_id, ()))
