"""Writes for enrichment: tagging stored mentions, corrections by staff, and re-tagging after a retrain."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from django.db import connection, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from dashboards.rollups import mention_day, mention_days_refresh_for_mentions
from enrichment.classifier.predict import Classification, active_model, classify_texts
from enrichment.classifier.registry import ModelUnavailable
from enrichment.classifier.training import LabelledExample, ensure_active_model
from enrichment.models import ClassificationLabel, RetagJob
from hospitallisten.lib.tasks import task_send_or_log
from mentions.models import Mention

logger = logging.getLogger(__name__)

# One page of most connectors: a task's fixed costs (its queries, commits and follow-ups) are paid once per
# page, while a batch still classifies in well under a second.
ENRICH_BATCH_SIZE = 250
# Mentions stored this long ago and still untagged lost their task (for example to a broker restart).
UNENRICHED_GRACE = timedelta(minutes=2)
SWEEP_LIMIT = 20_000
RETAG_CHUNK_SIZE = 1000
ENRICHED_FIELDS = [
    "sentiment_score",
    "sentiment_label",
    "is_complaint",
    "complaint_probability",
    "category",
    "category_probability",
    "severity",
    "model_version",
    "enriched_at",
    "enrichment_error",
]


@dataclass(frozen=True, slots=True)
class EnrichResult:
    tagged: int
    failed: int
    # What the follow-ups need, so they do not read the batch again: the rollup days of every mention of the
    # batch, and its complaints, tagged now or earlier (a redelivered task still queues and clusters them).
    days: tuple[date, ...] = ()
    complaint_ids: tuple[int, ...] = ()


def _ensure_model_loaded() -> str:
    """The active version, loaded once per process; trains the default model when there is none yet."""
    try:
        return active_model().version
    except ModelUnavailable:
        return ensure_active_model()


def _searchable(mention: Mention) -> str:
    return f"{mention.title}\n{mention.text}" if mention.title else mention.text


def _apply(mention: Mention, result: Classification, now) -> None:
    mention.sentiment_score = result.sentiment.compound
    mention.sentiment_label = result.sentiment.label
    mention.is_complaint = result.is_complaint
    mention.complaint_probability = result.complaint_probability
    mention.category = result.category or ""
    mention.category_probability = result.category_probability
    mention.severity = result.severity or ""
    mention.model_version = result.model_version
    mention.enriched_at = now
    mention.enrichment_error = ""


def _classify_each(mentions: Sequence[Mention], now) -> int:
    """Classify one at a time after a batch failed, so one bad text cannot hold back the others."""
    failed = 0
    for mention in mentions:
        try:
            [result] = classify_texts([_searchable(mention)])
        # Anything a text can trigger in the model is caught here on purpose: the mention is kept, flagged
        # with the reason and shown as "not classified" rather than lost or blocking its batch.
        except Exception as error:  # noqa: BLE001
            failed += 1
            mention.enrichment_error = f"{type(error).__name__}: {error}"[:1000]
            logger.exception("could not classify mention %s", mention.pk)
        else:
            _apply(mention, result, now)
    return failed


def mentions_enrich(*, mention_ids: Sequence[int], force: bool = False) -> EnrichResult:
    """Tag mentions with sentiment, complaint, category and severity from the active model.

    Updates those fields, model_version and enriched_at on each Mention; a mention the model cannot tag
    keeps its row and gets enrichment_error. Already tagged mentions are skipped unless force is set.
    Trains the default model first if no version is active.
    """
    _ensure_model_loaded()
    batch = list(
        Mention.objects.filter(pk__in=mention_ids).only(
            "id", "title", "text", "posted_at", "is_complaint", "enriched_at"
        )
    )
    mentions = batch if force else [mention for mention in batch if mention.enriched_at is None]
    if not mentions:
        return _enrich_result(batch, tagged=0, failed=0)
    now = timezone.now()
    failed = 0
    try:
        results = classify_texts([_searchable(mention) for mention in mentions])
    except Exception:  # noqa: BLE001  (narrowed down item by item below)
        failed = _classify_each(mentions, now)
    else:
        for mention, result in zip(mentions, results, strict=True):
            _apply(mention, result, now)
    _enriched_fields_save(mentions, now=timezone.now())
    return _enrich_result(batch, tagged=len(mentions) - failed, failed=failed)


def _enrich_result(batch: Sequence[Mention], *, tagged: int, failed: int) -> EnrichResult:
    return EnrichResult(
        tagged=tagged,
        failed=failed,
        days=tuple(sorted({mention_day(mention.posted_at) for mention in batch})),
        complaint_ids=tuple(mention.pk for mention in batch if mention.is_complaint),
    )


def _enriched_fields_save(mentions: Sequence[Mention], *, now) -> None:
    """One UPDATE … FROM (VALUES …) for the batch. Django's bulk_update builds a CASE per field and row in
    Python, which took four times as long as classifying the batch. Moves updated_at, which a raw UPDATE
    does not do by itself."""
    for mention in mentions:
        mention.updated_at = now
    fields = [Mention._meta.get_field(name) for name in [*ENRICHED_FIELDS, "updated_at"]]
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in fields]
    assignments = ", ".join(f"{column} = v.{column}" for column in columns)
    sql = (
        f"UPDATE {quote(Mention._meta.db_table)} AS m SET {assignments} "
        f"FROM (VALUES %s) AS v (id, {', '.join(columns)}) WHERE m.id = v.id"
    )
    # Typed placeholders: a NULL or a bare string in VALUES would otherwise be taken for text.
    template = "(%s::integer, " + ", ".join(f"%s::{field.cast_db_type(connection)}" for field in fields) + ")"
    rows = [
        (
            mention.pk,
            *(field.get_db_prep_save(getattr(mention, field.attname), connection) for field in fields),
        )
        for mention in mentions
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        execute_values(cursor.cursor, sql, rows, template=template, page_size=500)


def mentions_enrich_enqueue(*, mention_ids: Sequence[int]) -> None:
    """Enqueue enrichment of new mentions in batches once the transaction that stored them commits."""
    from enrichment.tasks import mentions_enrich_task  # The tasks module imports this one.

    for start in range(0, len(mention_ids), ENRICH_BATCH_SIZE):
        batch = list(mention_ids[start : start + ENRICH_BATCH_SIZE])
        transaction.on_commit(
            partial(task_send_or_log, mentions_enrich_task, batch, fallback="the enrichment-pending schedule")
        )


def mentions_enrich_pending() -> int:
    """Enqueue enrichment of mentions stored a while ago and still untagged (their task was lost)."""
    ids = list(
        Mention.objects.filter(
            enriched_at__isnull=True, enrichment_error="", collected_at__lt=timezone.now() - UNENRICHED_GRACE
        )
        .order_by("collected_at")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    mentions_enrich_enqueue(mention_ids=ids)
    return len(ids)


def mention_correct(
    *, mention: Mention, user, is_complaint: bool, category: str = "", severity: str = ""
) -> ClassificationLabel:
    """Record a person's correction of a mention's tags and apply it to the mention.

    Writes a ClassificationLabel (the next training run includes it) and updates the Mention.
    """
    if not is_complaint:
        category, severity = "", ""
    previous = {
        "is_complaint": mention.is_complaint,
        "category": mention.category,
        "severity": mention.severity,
    }
    with transaction.atomic():
        label = ClassificationLabel.objects.create(
            mention=mention,
            is_complaint=is_complaint,
            category=category,
            severity=severity,
            previous=previous,
            labelled_by=user,
        )
        mention.is_complaint, mention.category, mention.severity = is_complaint, category, severity
        mention.save(update_fields=["is_complaint", "category", "severity", "updated_at"])
        mention_days_refresh_for_mentions(mention_ids=[mention.pk])
        _queue_copies_refresh([mention.pk])
    return label


def _queue_copies_refresh(mention_ids: Sequence[int]) -> None:
    """The complaint queue filters on its own copies of the tags; keep them equal to the new ones."""
    from triage.services import queue_items_copies_refresh  # triage.services imports this module.

    queue_items_copies_refresh(mention_ids=mention_ids)


def correction_examples() -> list[LabelledExample]:
    """Staff corrections as training examples: the latest label of each mention."""
    latest = ClassificationLabel.objects.select_related("mention").order_by("mention_id", "-created_at")
    examples = []
    for label in latest.distinct("mention_id"):
        examples.append(
            LabelledExample(
                id=f"correction-{label.mention_id}",
                text=_searchable(label.mention),
                is_complaint=label.is_complaint,
                category=label.category or None if label.is_complaint else None,
                severity=label.severity or None if label.is_complaint else None,
                style=label.mention.platform,
            )
        )
    return examples


def retag_job_start(*, user=None) -> RetagJob:
    """Create a re-tag job over every stored mention and enqueue it after commit."""
    from enrichment.tasks import retag_job_run_task

    job = RetagJob.objects.create(requested_by=user, total=Mention.objects.count())
    transaction.on_commit(partial(retag_job_run_task.delay, job.pk))
    return job


def retag_job_run(*, job_id: int, max_chunks: int | None = None) -> RetagJob:
    """Re-tag mentions in id order from where the job stopped, saving progress after each chunk.

    Returns the job; it is still running if max_chunks stopped it early (the task re-enqueues it).
    """
    version = _ensure_model_loaded()
    RetagJob.objects.filter(pk=job_id, status=RetagJob.Status.PENDING).update(
        status=RetagJob.Status.RUNNING, started_at=timezone.now(), model_version=version
    )
    job = RetagJob.objects.get(pk=job_id)
    chunks = 0
    while max_chunks is None or chunks < max_chunks:
        ids = list(
            Mention.objects.filter(pk__gt=job.last_mention_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:RETAG_CHUNK_SIZE]
        )
        if not ids:
            job.status, job.finished_at = RetagJob.Status.DONE, timezone.now()
            job.save(update_fields=["status", "finished_at"])
            break
        mentions_enrich(mention_ids=ids, force=True)
        mention_days_refresh_for_mentions(mention_ids=ids)
        _queue_copies_refresh(ids)
        job.last_mention_id, job.done = ids[-1], job.done + len(ids)
        job.total = max(job.total, job.done)  # Mentions stored since the job started are re-tagged too.
        job.save(update_fields=["last_mention_id", "done", "total"])
        chunks += 1
    return job
