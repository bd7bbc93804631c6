"""Replays the bundled demo data set (sources/demo/posts.jsonl.gz) as if it were a searchable platform.

The posts carry their age relative to the data set's end; `config["anchor"]` pins that end to a moment
(set when the demo source is created), so posts keep stable timestamps across polls. Posts whose time has
not come yet are held back and arrive later, as they would from a live platform.
"""

import gzip
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone

from sources.connectors import fields
from sources.connectors.base import Connector, FetchResult, MentionData, NormalizationError, SourceQuery

DATASET_PATH = Path(__file__).resolve().parent.parent / "demo" / "posts.jsonl.gz"
PAGE_SIZE = 250
PLATFORMS = {"x", "reddit", "news", "review"}


@cache
def load_posts(path: Path = DATASET_PATH) -> tuple[dict[str, Any], ...]:
    """The data set, oldest first. Cached: every poll of every query reads the same posts."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return tuple(json.loads(line) for line in lines if line.strip())


class DemoConnector(Connector):
    kind = "demo"

    def _anchor(self) -> datetime:
        anchor = self.config.get("anchor")
        return datetime.fromisoformat(anchor) if anchor else timezone.now()

    def fetch(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        posts = load_posts(Path(self.config.get("dataset_path", DATASET_PATH)))
        # Like a platform's search, the demo returns posts naming a term whatever its exclusions say: the
        # term matcher marks those excluded, as it does for real sources.
        queries = [q for term in fields.search_queries(query.terms) if (q := term.without_negations())]
        now = timezone.now()
        anchor = self._anchor()
        start = int(cursor.get("index", -1)) + 1
        items: list[dict[str, Any]] = []
        position = start - 1
        for index in range(start, len(posts)):
            post = posts[index]
            posted_at = anchor - timedelta(seconds=post["age_seconds"])
            if posted_at > now:
                break  # Not "posted" yet: the rest is newer still.
            position = index
            if any(q.matches(post["text"]) or q.matches(post.get("title", "")) for q in queries):
                items.append({**post, "posted_at": posted_at.isoformat()})
                if len(items) == PAGE_SIZE:
                    break
        has_more = len(items) == PAGE_SIZE and position + 1 < len(posts)
        return FetchResult(items=items, next_cursor={"index": position}, has_more=has_more)

    def normalize(self, raw: Mapping[str, Any]) -> MentionData:
        platform = fields.required_str(raw, "platform")
        if platform not in PLATFORMS:
            raise NormalizationError(f"unknown platform {platform!r}")
        return MentionData(
            platform=platform,
            external_id=fields.required_str(raw, "id"),
            text=fields.required_str(raw, "text"),
            title=fields.optional_str(raw, "title", max_length=500),
            posted_at=fields.timestamp(raw, "posted_at"),
            url=fields.optional_str(raw, "url"),
            author_handle=fields.optional_str(raw, "author_handle"),
            author_name=fields.optional_str(raw, "author_name"),
            author_followers=fields.optional_count(raw, "author_followers"),
            language=fields.optional_str(raw, "language"),
            likes=fields.count(raw, "likes"),
            shares=fields.count(raw, "shares"),
            replies=fields.count(raw, "replies"),
            rating=fields.optional_count(raw, "stars"),
            raw=raw,
        )
