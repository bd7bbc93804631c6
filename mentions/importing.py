"""Import mentions from CSV or JSON Lines files exported by other tools.

Columns are matched by name, ignoring case, using the aliases in COLUMN_ALIASES (documented in
docs/import.md). A row that cannot be read is kept as a rejected payload with its row number; the rest of
the file is imported. Re-importing a file stores nothing twice.
"""

import csv
import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mentions.models import ImportJob, Platform, RejectedPayload
from mentions.services import IngestResult, mention_ingest
from sources.connectors import fields
from sources.connectors.base import MentionData, NormalizationError
from sources.models import Source
from tracking.selectors import term_matcher_build

logger = logging.getLogger(__name__)

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "message", "snippet", "full_text"),
    "posted_at": ("posted_at", "date", "created_at", "published", "published_at", "timestamp", "time"),
    "external_id": ("external_id", "id", "post_id", "mention_id", "tweet_id"),
    "platform": ("platform", "network", "source", "site"),
    "url": ("url", "link", "permalink"),
    "author_handle": ("author_handle", "author", "username", "handle", "screen_name", "user"),
    "author_name": ("author_name", "name", "display_name"),
    "author_followers": ("author_followers", "followers"),
    "title": ("title", "headline", "subject"),
    "language": ("language", "lang"),
    "likes": ("likes", "like_count", "favorites", "upvotes", "score"),
    "shares": ("shares", "retweets", "retweet_count", "share_count", "reposts"),
    "replies": ("replies", "comments", "reply_count", "num_comments"),
    "rating": ("rating", "stars"),
}
PLATFORM_ALIASES = {
    "x": Platform.X,
    "twitter": Platform.X,
    "tweet": Platform.X,
    "reddit": Platform.REDDIT,
    "news": Platform.NEWS,
    "web": Platform.WEB,
    "blog": Platform.WEB,
    "forum": Platform.WEB,
    "review": Platform.REVIEW,
    "reviews": Platform.REVIEW,
    "yelp": Platform.REVIEW,
    "google": Platform.GOOGLE_REVIEWS,
    "google reviews": Platform.GOOGLE_REVIEWS,
    "google_reviews": Platform.GOOGLE_REVIEWS,
    "bluesky": Platform.BLUESKY,
    "bsky": Platform.BLUESKY,
    "other": Platform.OTHER,
}
# A stuck job is taken over once it has been "running" longer than its task may run.
STALE_RUNNING_AFTER = timedelta(minutes=35)
# A pending job whose task has not started within this is enqueued again.
PENDING_GRACE = timedelta(minutes=2)
MAX_FIELD_CHARS = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class UnreadableRow:
    """A line of the file that is not a readable row: kept as text with the reason."""

    text: str
    error: str

    def __str__(self) -> str:
        return self.text


def import_row_normalize(row: Mapping[str, Any] | UnreadableRow, *, default_platform: str) -> MentionData:
    if isinstance(row, UnreadableRow):
        raise NormalizationError(row.error)
    columns = {str(key).strip().lower(): value for key, value in row.items() if key is not None}
    mapped = {}
    for field_name, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if columns.get(alias) not in (None, ""):
                mapped[field_name] = columns[alias]
                break
    platform_name = fields.optional_str(mapped, "platform").lower()
    platform = PLATFORM_ALIASES.get(platform_name, default_platform) if platform_name else default_platform
    text = fields.required_str(mapped, "text")
    posted_at = fields.timestamp(mapped, "posted_at")
    author_handle = fields.optional_str(mapped, "author_handle").lstrip("@")
    external_id = fields.optional_str(mapped, "external_id")
    if not external_id:
        # Files without ids still dedupe on re-import: the same post always gets the same id.
        digest = hashlib.sha256(
            f"{platform}|{author_handle}|{posted_at.isoformat()}|{text}".encode()
        ).hexdigest()
        external_id = f"import-{digest[:32]}"
    return MentionData(
        platform=str(platform),
        external_id=external_id,
        text=text,
        posted_at=posted_at,
        url=fields.optional_str(mapped, "url"),
        author_handle=author_handle,
        author_name=fields.optional_str(mapped, "author_name"),
        author_followers=fields.optional_count(mapped, "author_followers"),
        title=fields.optional_str(mapped, "title", max_length=500),
        language=fields.optional_str(mapped, "language"),
        likes=fields.count(mapped, "likes"),
        shares=fields.count(mapped, "shares"),
        replies=fields.count(mapped, "replies"),
        rating=fields.optional_count(mapped, "rating"),
        raw=dict(row),
    )


def _is_jsonl(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return True
    if suffix == ".csv":
        return False
    with path.open("rb") as head:
        return head.read(1024).lstrip().startswith(b"{")


def read_rows(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | UnreadableRow]]:
    """(row number, row) for each row of a CSV or JSON Lines file; unreadable rows are UnreadableRow."""
    yield from (_read_jsonl(path) if _is_jsonl(path) else _read_csv(path))


def _read_jsonl(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | UnreadableRow]]:
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            line = line.rstrip(b"\r\n")
            if not line.strip():
                continue
            try:
                text = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                yield (
                    number,
                    UnreadableRow(
                        line.decode("utf-8", "replace"), f"line {number} is not valid UTF-8 ({error.reason})"
                    ),
                )
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as error:
                yield number, UnreadableRow(text, f"line {number} is not valid JSON: {error.msg}")
                continue
            if not isinstance(row, dict):
                yield (
                    number,
                    UnreadableRow(text, f"line {number} must be a JSON object, got {type(row).__name__}"),
                )
                continue
            yield number, row


def _read_csv(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | UnreadableRow]]:
    csv.field_size_limit(MAX_FIELD_CHARS)
    # surrogateescape keeps invalid bytes visible per row instead of failing the whole file.
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            number = reader.line_num
            values = [str(value) for value in row.values() if value is not None]
            if any(_has_surrogates(value) for value in values):
                text = ",".join(
                    v.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for v in values
                )
                yield number, UnreadableRow(text, f"row {number} is not valid UTF-8")
                continue
            if None in row:
                yield (
                    number,
                    UnreadableRow(
                        ",".join(values), f"row {number} has more values than the header has columns"
                    ),
                )
                continue
            yield number, row


def _has_surrogates(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def file_import_source() -> Source:
    source, _ = Source.objects.get_or_create(name="File imports", defaults={"kind": Source.Kind.FILE_IMPORT})
    return source


def import_job_create(
    *,
    file: File,
    original_name: str,
    default_platform: str = Platform.OTHER,
    uploaded_by=None,
    enqueue: bool = True,
) -> ImportJob:
    """Save an uploaded file as an ImportJob; enqueues its import after commit unless enqueue is False."""
    from mentions.tasks import import_job_run_task  # The tasks module imports this one.

    job = ImportJob(
        original_name=original_name[:255], default_platform=default_platform, uploaded_by=uploaded_by
    )
    job.file.save(Path(original_name).name or "import", file, save=False)
    job.save()
    if enqueue:
        transaction.on_commit(partial(import_job_run_task.delay, job.pk))
    return job


def _claim(job_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=ImportJob.Status.PENDING) | Q(
        status=ImportJob.Status.RUNNING, started_at__lt=now - STALE_RUNNING_AFTER
    )
    return bool(
        ImportJob.objects.filter(claimable, pk=job_id).update(
            status=ImportJob.Status.RUNNING,
            started_at=now,
            rows_imported=0,
            rows_duplicate=0,
            rows_rejected=0,
            error="",
        )
    )


def import_job_run(*, job_id: int, on_progress: Callable[[ImportJob], None] | None = None) -> ImportJob:
    """Import the job's file in batches, updating its counts after each batch.

    Writes mentions (through mention_ingest), rejected payloads with row numbers, and the job's status.
    A job that another worker is running is left alone; a stale one is taken over and re-run, which is
    safe because stored mentions are never stored twice.
    """
    job = ImportJob.objects.get(pk=job_id)
    if not _claim(job_id):
        logger.info("import job %s is not pending; leaving it", job_id)
        return job
    job.refresh_from_db()
    RejectedPayload.objects.filter(import_job=job).delete()
    path = Path(job.file.path)
    source = file_import_source()
    normalize = partial(import_row_normalize, default_platform=job.default_platform)
    matcher = term_matcher_build()
    try:
        job.rows_total = sum(1 for _ in read_rows(path))
        job.save(update_fields=["rows_total"])
        batch: list[tuple[int, Mapping[str, Any] | UnreadableRow]] = []
        for numbered_row in read_rows(path):
            batch.append(numbered_row)
            if len(batch) >= settings.INGEST_BATCH_SIZE:
                _import_batch(job, source, batch, normalize, matcher, on_progress)
                batch = []
        _import_batch(job, source, batch, normalize, matcher, on_progress)
    except (OSError, csv.Error) as error:
        job.status, job.error = (
            ImportJob.Status.FAILED,
            f"The file could not be read past this point: {error}",
        )
    else:
        job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    return job


def _import_batch(job, source, batch, normalize, matcher, on_progress) -> None:
    if not batch:
        return
    result: IngestResult = mention_ingest(
        source=source,
        raw_items=[row for _, row in batch],
        row_numbers=[number for number, _ in batch],
        normalize=normalize,
        matcher=matcher,
        import_job=job,
    )
    job.rows_imported += result.new
    job.rows_duplicate += result.duplicates
    job.rows_rejected += result.rejected
    job.save(update_fields=["rows_imported", "rows_duplicate", "rows_rejected"])
    if on_progress:
        on_progress(job)


def import_jobs_pending() -> list[int]:
    """Jobs whose task seems lost: pending past a grace period, or running past their time limit."""
    now = timezone.now()
    return list(
        ImportJob.objects.filter(
            Q(status=ImportJob.Status.PENDING, created_at__lt=now - PENDING_GRACE)
            | Q(status=ImportJob.Status.RUNNING, started_at__lt=now - STALE_RUNNING_AFTER)
        ).values_list("pk", flat=True)
    )
