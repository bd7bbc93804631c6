"""What a draft term would do before it is saved: run its query over the mentions already stored and over
the demo data set, and sort what it finds into caught, dropped by an exclusion (a NOT clause), and the
name present without the co-terms the query requires.

Reads only: nothing is written, so a preview can be run as often as an admin likes.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from mentions.models import Mention, Platform
from mentions.services import mention_match
from sources.connectors.demo import DATASET_PATH, load_posts
from sources.models import Source
from tracking.models import Hospital
from tracking.query import And, Not, Or, Phrase, Query, QuerySyntaxError, term_query
from tracking.selectors import term_matcher_build

# Newest stored mentions that contain a word of the query's phrases; bounds the preview's cost on a
# large archive while still covering months of a typical hospital's mentions.
PREVIEW_CANDIDATES = 5000
PREVIEW_SAMPLES = 8

CAUGHT, EXCLUDED, MISSING = "caught", "excluded", "missing"
GROUP_TITLES = {
    CAUGHT: "Would be caught",
    EXCLUDED: "Dropped by an exclusion",
    MISSING: "Name present, required co-terms missing",
}


@dataclass(slots=True)
class PreviewPost:
    """One post in a preview group, with the hospital the current terms attribute it to."""

    title: str
    text: str
    platform: str
    posted_at: datetime | None
    url: str
    hospital: str = ""
    mention_id: int | None = None
    excluded_by: tuple[str, ...] = ()


@dataclass(slots=True)
class PreviewGroup:
    count: int = 0
    samples: list[PreviewPost] = field(default_factory=list)


@dataclass(slots=True)
class PreviewSet:
    """The preview over one body of posts (stored mentions, or the demo data set)."""

    label: str
    scanned: int = 0
    limited: bool = False
    groups: dict[str, PreviewGroup] = field(
        default_factory=lambda: {CAUGHT: PreviewGroup(), EXCLUDED: PreviewGroup(), MISSING: PreviewGroup()}
    )

    @property
    def named_groups(self) -> list[tuple[str, str, PreviewGroup]]:
        return [(key, GROUP_TITLES[key], self.groups[key]) for key in (CAUGHT, EXCLUDED, MISSING)]

    @property
    def caught(self) -> PreviewGroup:
        return self.groups[CAUGHT]

    @property
    def excluded(self) -> PreviewGroup:
        return self.groups[EXCLUDED]

    @property
    def missing(self) -> PreviewGroup:
        return self.groups[MISSING]


@dataclass(slots=True)
class TermPreview:
    query: str  # The effective query, as the parser read it.
    stored: PreviewSet
    demo: PreviewSet

    @property
    def sets(self) -> tuple[PreviewSet, PreviewSet]:
        return (self.stored, self.demo)


class _Sorter:
    """Sorts a text into caught / excluded (and by which NOT phrases) / name without co-terms / nothing."""

    def __init__(self, name: str, query_text: str):
        self.query = term_query(name, query_text)
        self.loose = self.query.without_negations()
        try:
            self.name = term_query(name, "")
        except QuerySyntaxError:
            self.name = None
        self.negated = [node.child for node in _nodes(self.query.root) if isinstance(node, Not)]

    def sort(self, text: str) -> tuple[str | None, tuple[str, ...]]:
        if self.query.matches(text):
            return CAUGHT, ()
        if self.loose is not None and self.loose.matches(text):
            return EXCLUDED, self._exclusions_hit(text)
        if self.name is not None and self.name.matches(text):
            return MISSING, ()
        return None, ()

    def _exclusions_hit(self, text: str) -> tuple[str, ...]:
        hits: dict[str, None] = {}
        for child in self.negated:
            for node in _nodes(child):
                if isinstance(node, Phrase) and Query(node).matches(text):
                    hits[f'"{node.text}"'] = None
        return tuple(hits)

    def search_words(self) -> list[str]:
        """One word of each phrase that can make a post show up in a group: a cheap superset filter."""
        phrases = self.query.positive_phrases()
        if self.name is not None:
            phrases += self.name.positive_phrases()
        # The longest run of letters and digits: "Brigid" of "St. Brigid's" also finds "St. Brigid’s".
        return sorted({max(re.findall(r"\w+", phrase), key=len) for phrase in phrases})


def term_preview(*, name: str, query: str) -> TermPreview:
    """Run a draft term (its name and query) over stored mentions and the demo data set.

    Raises QuerySyntaxError when the query cannot be read.
    """
    sorter = _Sorter(name, query)
    return TermPreview(
        query=str(sorter.query),
        stored=_preview_stored(sorter),
        demo=_preview_demo(sorter),
    )


def _preview_stored(sorter: _Sorter) -> PreviewSet:
    words = sorter.search_words()
    result = PreviewSet(label="Stored mentions")
    if not words:
        return result
    candidates = list(
        Mention.objects.filter(_any_of(Q(text__icontains=word) | Q(title__icontains=word) for word in words))
        .select_related("hospital")
        .only("id", "title", "text", "platform", "posted_at", "url", "hospital__name")
        .order_by("-id")[:PREVIEW_CANDIDATES]
    )
    result.scanned, result.limited = len(candidates), len(candidates) == PREVIEW_CANDIDATES
    for mention in candidates:
        group, excluded_by = sorter.sort(
            f"{mention.title}\n{mention.text}" if mention.title else mention.text
        )
        if group is None:
            continue
        bucket = result.groups[group]
        bucket.count += 1
        if len(bucket.samples) < PREVIEW_SAMPLES:
            bucket.samples.append(
                PreviewPost(
                    title=mention.title,
                    text=mention.text,
                    platform=mention.get_platform_display(),
                    posted_at=mention.posted_at,
                    url=mention.url,
                    hospital=mention.hospital.name if mention.hospital else "",
                    mention_id=mention.pk,
                    excluded_by=excluded_by,
                )
            )
    return result


def _preview_demo(sorter: _Sorter) -> PreviewSet:
    """The demo source's data set (the bundled one when there is no demo source), newest post first."""
    source = Source.objects.filter(kind=Source.Kind.DEMO).order_by("-is_enabled", "pk").first()
    config = source.config if source else {}
    posts = load_posts(Path(config.get("dataset_path", DATASET_PATH)))
    anchor = datetime.fromisoformat(config["anchor"]) if config.get("anchor") else timezone.now()
    result = PreviewSet(label="Demo data set", scanned=len(posts))
    matcher = None
    hospitals: dict[int, str] = {}
    for post in reversed(posts):
        title, text = post.get("title") or "", post.get("text") or ""
        group, excluded_by = sorter.sort(f"{title}\n{text}" if title else text)
        if group is None:
            continue
        bucket = result.groups[group]
        bucket.count += 1
        if len(bucket.samples) >= PREVIEW_SAMPLES:
            continue
        if matcher is None:
            matcher = term_matcher_build()
            hospitals = dict(Hospital.objects.values_list("pk", "name"))
        attributed = mention_match(title=title, text=text, matcher=matcher).hospital_id
        bucket.samples.append(
            PreviewPost(
                title=title,
                text=text,
                platform=_platform_label(post.get("platform", "")),
                posted_at=anchor - timedelta(seconds=post.get("age_seconds", 0)),
                url=post.get("url") or "",
                hospital=hospitals.get(attributed, "") if attributed else "",
                excluded_by=excluded_by,
            )
        )
    return result


def _platform_label(value: str) -> str:
    return Platform(value).label if value in Platform.values else value


def _any_of(conditions: Iterable[Q]) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined


def _nodes(node) -> Iterator:
    yield node
    if isinstance(node, Not):
        yield from _nodes(node.child)
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from _nodes(child)
