"""Match mention text against tracked terms, each with its query (co-terms and exclusions included).

Pure functions over plain data so the pipeline, the import, a preview and a test share one matcher.
"""

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tracking.query import Phrase, Query, QuerySyntaxError, phrase_key, phrase_pattern, term_query

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TermSpec:
    id: int
    hospital_id: int
    text: str
    query: str = ""  # Query language; blank: the text as a phrase.
    language: str = ""  # ISO 639-1; blank: any. Posts of another known language are not matched.


@dataclass(frozen=True, slots=True)
class MatchResult:
    status: str  # "matched" | "excluded" | "unmatched"
    hospital_id: int | None = None
    term_ids: tuple[int, ...] = field(default=())


UNMATCHED = MatchResult(status="unmatched")


@dataclass(frozen=True, slots=True)
class _Term:
    spec: TermSpec
    query: Query
    without_negations: Query | None
    is_phrase: bool  # The query is one phrase: a prefilter hit is a match.
    phrase_groups: tuple[int, ...]  # Prefilter groups of the phrases the term looks for.
    name_groups: tuple[int, ...]  # Of those, the group(s) of the term's own name, if its query names it.


class TermMatcher:
    """Finds which tracked terms a text mentions. Build once per batch.

    One regex over every term's positive phrases finds the candidate terms in one scan; only those
    terms' full queries (co-terms, exclusions) are then evaluated.
    """

    def __init__(self, terms: Iterable[TermSpec]):
        groups: dict[str, int] = {}
        phrases: list[str] = []
        # The spellings of each prefilter group's phrase across terms ("St. Mary's", "st. mary’s").
        self._group_texts: list[set[str]] = []
        self._terms: list[_Term] = []
        for spec in terms:
            try:
                query = term_query(spec.text, spec.query)
            except QuerySyntaxError as error:
                # The editor validates before saving; a bad stored query must not stop matching the rest.
                logger.warning("skipping tracked term %s: its query cannot be read: %s", spec.id, error)
                continue
            term_groups = []
            for phrase in query.positive_phrases():
                key = phrase_key(phrase)
                if key not in groups:
                    groups[key] = len(phrases)
                    phrases.append(phrase)
                    self._group_texts.append(set())
                term_groups.append(groups[key])
                self._group_texts[groups[key]].add(phrase)
            name_key = phrase_key(spec.text)
            self._terms.append(
                _Term(
                    spec=spec,
                    query=query,
                    without_negations=query.without_negations(),
                    is_phrase=isinstance(query.root, Phrase),
                    phrase_groups=tuple(term_groups),
                    name_groups=(groups[name_key],) if name_key in groups else (),
                )
            )
        self._terms_by_group: dict[int, list[int]] = {}
        for index, term in enumerate(self._terms):
            for group in term.phrase_groups:
                self._terms_by_group.setdefault(group, []).append(index)
        # Longest first, so "Mercy Valley Hospital" wins over "Mercy" at the same position.
        ordered = sorted(range(len(phrases)), key=lambda group: len(phrases[group]), reverse=True)
        alternatives = "|".join(f"(?P<p{group}>{phrase_pattern(phrases[group])}(?!\\w))" for group in ordered)
        # One word-boundary check per position, outside the alternation, keeps the scan fast.
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})", re.IGNORECASE) if ordered else None

    def match(self, text: str, language: str = "") -> MatchResult:
        """language: the post's language as the platform reported it (ISO 639-1, blank when unknown); a
        term limited to another language does not match it. An unknown language never rules a term out."""
        if self._pattern is None or not text:
            return UNMATCHED
        first_seen: dict[int, int] = {}
        for hit in self._pattern.finditer(text):
            first_seen.setdefault(int(hit.lastgroup[1:]), hit.start())
        if not first_seen:
            return UNMATCHED
        candidates = {index for group in first_seen for index in self._terms_by_group[group]}
        if language:
            language = language.split("-")[0].lower()
            candidates = {
                index
                for index in candidates
                if not self._terms[index].spec.language or self._terms[index].spec.language == language
            }
        # Phrases the scan saw need no second search. (One it did not see may still be in the text, inside
        # a longer phrase that won the position, so absent ones are searched for.)
        found = {phrase: True for group in first_seen for phrase in self._group_texts[group]}
        accepted: list[tuple[int, int]] = []
        excluded: list[tuple[int, int]] = []
        for index in candidates:
            term = self._terms[index]
            position = self._position(term, first_seen)
            if term.is_phrase or term.query.matches(text, found):
                accepted.append((position, index))
            elif term.without_negations is not None and term.without_negations.matches(text, found):
                excluded.append((position, index))
        if accepted:
            accepted.sort()
            return MatchResult(
                status="matched",
                hospital_id=self._terms[accepted[0][1]].spec.hospital_id,
                term_ids=tuple(self._terms[index].spec.id for _, index in accepted),
            )
        if excluded:
            excluded.sort()
            return MatchResult(status="excluded", term_ids=tuple(self._terms[i].spec.id for _, i in excluded))
        return UNMATCHED

    @staticmethod
    def _position(term: _Term, first_seen: dict[int, int]) -> int:
        """Where the text first names the term: its own name if seen, else any phrase it looks for, so a
        co-term ("ER") early in a post does not make its hospital the first one mentioned."""
        named = [first_seen[group] for group in term.name_groups if group in first_seen]
        if named:
            return min(named)
        return min(first_seen[group] for group in term.phrase_groups if group in first_seen)
