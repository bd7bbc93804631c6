"""The columns of a mention export (CSV or JSON Lines of any filtered mention list)."""

from collections.abc import Iterator

from django.db.models import QuerySet

from hospitallisten.lib.streaming import keyset_iterate

# (column, field): the mention as the list shows it, never its raw platform payload.
MENTION_COLUMNS = [
    ("id", "id"),
    ("posted_at", "posted_at"),
    ("platform", "platform"),
    ("hospital", "hospital__name"),
    ("author_handle", "author_handle"),
    ("author_name", "author_name"),
    ("title", "title"),
    ("text", "text"),
    ("url", "url"),
    ("sentiment", "sentiment_label"),
    ("sentiment_score", "sentiment_score"),
    ("is_complaint", "is_complaint"),
    ("category", "category"),
    ("severity", "severity"),
    ("triage_status", "triage_status"),
    ("likes", "likes"),
    ("shares", "shares"),
    ("replies", "replies"),
    ("rating", "rating"),
    ("match_status", "match_status"),
]
MENTION_HEADER = [column for column, _ in MENTION_COLUMNS]


def mention_export_rows(*, mentions: QuerySet, chunk_size: int | None = None) -> Iterator[tuple]:
    """Each mention as a tuple of MENTION_HEADER values, read in keyset pages (bounded memory)."""
    fields = [field for _, field in MENTION_COLUMNS]
    return keyset_iterate(mentions, fields=fields, chunk_size=chunk_size)
