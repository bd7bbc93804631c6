"""Writes for mentions: the ingest step every source and import goes through."""

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from psycopg2.extras import execute_values

from dashboards.rollups import mention_days_refresh_for_mentions
from enrichment.sentiment import sentiment_score
from enrichment.services import mentions_enrich_enqueue
from hospitallisten.lib.text import json_without_nul, without_nul
from mentions.models import ImportJob, Mention, RejectedPayload
from sources.connectors.base import MentionData, NormalizationError
from sources.models import Source
from tracking.matching import TermMatcher
from tracking.selectors import term_matcher_build

logger = logging.getLogger(__name__)

Normalizer = Callable[[Mapping[str, Any]], MentionData]


@dataclass(slots=True)
class IngestResult:
    new: int = 0
    duplicates: int = 0
    rejected: int = 0
    new_ids: tuple[int, ...] = ()

    def __add__(self, other: "IngestResult") -> "IngestResult":
        return IngestResult(
            new=self.new + other.new,
            duplicates=self.duplicates + other.duplicates,
            rejected=self.rejected + other.rejected,
            new_ids=self.new_ids + other.new_ids,
        )


def mention_ingest(
    *,
    source: Source,
    raw_items: Sequence[Mapping[str, Any]],
    normalize: Normalizer,
    matcher: TermMatcher | None = None,
    import_job: ImportJob | None = None,
    row_numbers: Sequence[int] | None = None,
) -> IngestResult:
    """Normalize, match, score and store a batch of raw items.

    Writes Mention rows (skipping any already stored), their matched terms, and a RejectedPayload for each
    item that could not be normalized; enqueues enrichment of the new mentions after commit. Safe to
    repeat: a retried or concurrent batch stores nothing twice.
    """
    matcher = matcher or term_matcher_build()
    mentions: list[Mention] = []
    term_ids_by_key: dict[tuple[str, str], tuple[int, ...]] = {}
    rejected: list[RejectedPayload] = []
    for position, raw in enumerate(raw_items):
        row_number = row_numbers[position] if row_numbers else None
        try:
            data = normalize(raw)
        except NormalizationError as error:
            rejected.append(_rejected(source, import_job, raw, str(error), row_number))
            continue
        mention, term_ids = _mention_from_data(source, data, matcher)
        mentions.append(mention)
        term_ids_by_key[(mention.platform, mention.external_id)] = term_ids

    with transaction.atomic():
        inserted = _insert_ignoring_duplicates(mentions)
        through = Mention.matched_terms.through
        through.objects.bulk_create(
            [
                through(mention_id=mention_id, trackedterm_id=term_id)
                for mention_id, platform, external_id in inserted
                for term_id in term_ids_by_key[(platform, external_id)]
            ],
            ignore_conflicts=True,
        )
        RejectedPayload.objects.bulk_create(rejected)
        new_ids = [mention_id for mention_id, _, _ in inserted]
        mentions_enrich_enqueue(mention_ids=new_ids)
        mention_days_refresh_for_mentions(mention_ids=new_ids)
    if rejected:
        logger.warning("source %s: kept %d payloads that failed to normalize", source.pk, len(rejected))
    return IngestResult(
        new=len(inserted),
        duplicates=len(mentions) - len(inserted),
        rejected=len(rejected),
        new_ids=tuple(mention_id for mention_id, _, _ in inserted),
    )


def _mention_from_data(
    source: Source, data: MentionData, matcher: TermMatcher
) -> tuple[Mention, tuple[int, ...]]:
    text = without_nul(data.text)
    title = without_nul(data.title)
    searchable = f"{title}\n{text}" if title else text
    match = matcher.match(searchable)
    sentiment = sentiment_score(searchable)
    mention = Mention(
        source=source,
        platform=data.platform,
        external_id=without_nul(data.external_id)[:255],
        url=without_nul(data.url)[:1000],
        author_handle=without_nul(data.author_handle)[:255],
        author_name=without_nul(data.author_name)[:255],
        author_followers=data.author_followers,
        title=title[:500],
        text=text,
        language=without_nul(data.language)[:12],
        posted_at=data.posted_at,
        likes=data.likes,
        shares=data.shares,
        replies=data.replies,
        rating=data.rating,
        raw=json_without_nul(dict(data.raw)),
        match_status=match.status,
        hospital_id=match.hospital_id,
        sentiment_score=sentiment.compound,
        sentiment_label=sentiment.label,
    )
    return mention, match.term_ids if match.status == Mention.MatchStatus.MATCHED else ()


def _rejected(
    source: Source, import_job: ImportJob | None, raw: Any, error: str, row_number: int | None
) -> RejectedPayload:
    payload, payload_text = (
        (json_without_nul(raw), "") if isinstance(raw, Mapping | list) else (None, str(raw))
    )
    return RejectedPayload(
        source=source,
        import_job=import_job,
        row_number=row_number,
        payload=payload,
        payload_text=without_nul(payload_text),
        error=error,
    )


def _insert_columns() -> list[models.Field]:
    return [
        f
        for f in Mention._meta.concrete_fields
        if not f.primary_key and not isinstance(f, models.GeneratedField)
    ]


def _insert_ignoring_duplicates(mentions: Sequence[Mention]) -> list[tuple[int, str, str]]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: (id, platform, external_id) of the rows that were new.

    Django's bulk_create(ignore_conflicts=True) cannot say which rows were new, and the counts of new and
    duplicate mentions are what a sync run reports.
    """
    if not mentions:
        return []
    columns = _insert_columns()
    table = Mention._meta.db_table
    column_sql = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(table)} ({column_sql}) VALUES %s "
        f"ON CONFLICT (platform, external_id) DO NOTHING RETURNING id, platform, external_id"
    )
    rows = [
        tuple(f.get_db_prep_save(f.pre_save(mention, add=True), connection) for f in columns)
        for mention in mentions
    ]
    with connection.cursor() as cursor:
        return execute_values(cursor.cursor, sql, rows, page_size=len(rows), fetch=True)
