"""Backfill after tracked terms change: re-match every stored mention with the current terms, then have
each polled source fetch the hospital's history again.

A job moves pending → matching → fetching → done. Matching walks the mentions in id order, one batch per
transaction; the batch's changes and the job's resume point (last_mention_id) commit together, so a
worker that dies mid-way resumes where the last batch ended and never counts a batch twice.
"""

import logging
from collections import defaultdict
from datetime import timedelta
from functools import partial, reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from dashboards.rollups import mention_days_of, mention_days_refresh
from mentions.models import Mention
from mentions.services import mention_match
from sources.models import Source, SourceCursor, SyncRun
from tracking.models import BackfillJob, Hospital
from tracking.selectors import term_matcher_build
from triage.services import queue_items_copies_refresh, queue_items_sync

logger = logging.getLogger(__name__)

BACKFILL_BATCH_SIZE = 1000
BACKFILL_ACTIVE_STATUSES = (
    BackfillJob.Status.PENDING,
    BackfillJob.Status.MATCHING,
    BackfillJob.Status.FETCHING,
)
# How long a backfill waits for the sources it asked for history to finish a poll. A source still busy
# after that (a long rate-limit wait) goes on fetching on its own schedule; the job says so.
BACKFILL_FETCH_WAIT = timedelta(minutes=15)
# First key of pg_advisory_xact_lock(int, int) for starting backfills; the second is the hospital id.
BACKFILL_START_LOCK = 0x4246


class _JobMoved(Exception):
    """The job changed under this worker: a newer request restarted it, or another worker did the batch."""


def backfill_job_start(*, hospital: Hospital | None, actor=None) -> BackfillJob:
    """Start a backfill for `hospital`, or reuse the one already running for it.

    A running job is restarted from the first mention (its counts are kept), so it matches with the terms
    as they are now; otherwise a new BackfillJob is written. Enqueues backfill_job_run_task after commit.
    With no hospital (one was deleted) the job only re-matches: there is no history to fetch.
    """
    from tracking.tasks import backfill_job_run_task  # The tasks module imports this one.

    with transaction.atomic():
        # Two saves at once for one hospital must share one job, not each start their own.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [BACKFILL_START_LOCK, hospital.pk if hospital else 0]
            )
        total = Mention.objects.count()
        job = BackfillJob.objects.filter(hospital=hospital, status__in=BACKFILL_ACTIVE_STATUSES).first()
        restarted = job is not None and BackfillJob.objects.filter(
            pk=job.pk, status__in=BACKFILL_ACTIVE_STATUSES
        ).exclude(status=BackfillJob.Status.PENDING).update(
            status=BackfillJob.Status.MATCHING,
            last_mention_id=0,
            done=0,
            total=total,
            sources_done=0,
            sources_total=0,
            fetch_requested_at=None,
            fetch_source_ids=[],
        )
        if job is None:
            job = BackfillJob.objects.create(
                hospital=hospital,
                requested_by=actor if getattr(actor, "is_authenticated", False) else None,
                total=total,
            )
        elif restarted:
            job.refresh_from_db()
        transaction.on_commit(partial(backfill_job_run_task.delay, job.pk))
    return job


def backfill_job_run(*, job_id: int, max_batches: int | None = None) -> BackfillJob:
    """Work on a backfill from where it stopped: re-match batches of stored mentions, then fetch history.

    Per batch, updates Mention.match_status, hospital and matched terms where they changed, refreshes the
    dashboards' rollup for those days and queues newly matched complaints about our own hospitals. Then,
    for every enabled polled source, drops the cursors of the hospital's queries and enqueues a sync,
    which fetches what the platform still offers (ingest skips what is already stored). Returns the job;
    it is still active if max_batches stopped it early (the task re-enqueues it). Raises
    BackfillJob.DoesNotExist when the job is gone.
    """
    BackfillJob.objects.filter(pk=job_id, status=BackfillJob.Status.PENDING).update(
        status=BackfillJob.Status.MATCHING, started_at=timezone.now()
    )
    job = BackfillJob.objects.get(pk=job_id)
    steps = 0
    while job.status in (BackfillJob.Status.MATCHING, BackfillJob.Status.FETCHING):
        if max_batches is not None and steps >= max_batches:
            break
        try:
            if job.status == BackfillJob.Status.MATCHING:
                _match_next_batch(job)
            elif job.fetch_requested_at is None:
                _fetch_history_request(job)
            else:
                # Waiting on the sources' polls: one look per run; the task comes back a little later.
                _fetch_history_check(job)
                job.refresh_from_db()
                break
        except _JobMoved:
            logger.info("backfill %s changed while running; continuing from its new state", job_id)
        job.refresh_from_db()
        steps += 1
    return job


def _match_next_batch(job: BackfillJob) -> None:
    mentions = list(
        Mention.objects.filter(pk__gt=job.last_mention_id)
        .order_by("pk")
        .only("id", "title", "text", "language", "match_status", "hospital_id")[:BACKFILL_BATCH_SIZE]
    )
    if not mentions:
        _matching_finish(job)
        return
    # Built per batch, so a term saved while the job runs applies from the next batch on (and the save
    # restarts the job, so the earlier batches are matched again too).
    matcher = term_matcher_build()
    through = Mention.matched_terms.through
    linked: dict[int, set[int]] = defaultdict(set)
    for mention_id, term_id in through.objects.filter(mention_id__in=[m.pk for m in mentions]).values_list(
        "mention_id", "trackedterm_id"
    ):
        linked[mention_id].add(term_id)

    changed: list[Mention] = []
    unlink: list[Q] = []
    link = []
    newly_matched = no_longer_matched = 0
    for mention in mentions:
        match = mention_match(
            title=mention.title, text=mention.text, matcher=matcher, language=mention.language
        )
        was_matched = mention.match_status == Mention.MatchStatus.MATCHED
        if (mention.match_status, mention.hospital_id) != (match.status, match.hospital_id):
            if match.status == Mention.MatchStatus.MATCHED:
                newly_matched += 1
            elif was_matched:
                no_longer_matched += 1
            mention.match_status, mention.hospital_id = match.status, match.hospital_id
            changed.append(mention)
        terms, old_terms = set(match.term_ids), linked.get(mention.pk, set())
        unlink.extend(Q(mention_id=mention.pk, trackedterm_id=term_id) for term_id in old_terms - terms)
        link.extend(through(mention_id=mention.pk, trackedterm_id=term_id) for term_id in terms - old_terms)

    batch_size = len(mentions)
    with transaction.atomic():
        # First statement: claims the batch and locks the job row until commit. A restart waits for it, and
        # a second worker on the same batch finds last_mention_id moved and writes nothing.
        claimed = BackfillJob.objects.filter(
            pk=job.pk, status=BackfillJob.Status.MATCHING, last_mention_id=job.last_mention_id
        ).update(
            last_mention_id=mentions[-1].pk,
            done=F("done") + batch_size,
            # Mentions stored since the job started are matched too.
            total=Greatest(F("total"), F("done") + batch_size),
            newly_matched=F("newly_matched") + newly_matched,
            no_longer_matched=F("no_longer_matched") + no_longer_matched,
        )
        if not claimed:
            raise _JobMoved
        if changed:
            # bulk_update does not apply auto_now: the new time is set on each row here.
            now = timezone.now()
            for mention in changed:
                mention.updated_at = now
            Mention.objects.bulk_update(changed, ["match_status", "hospital", "updated_at"], batch_size=500)
        if unlink:
            through.objects.filter(reduce(or_, unlink)).delete()
        through.objects.bulk_create(link, ignore_conflicts=True)
        if changed:
            changed_ids = [mention.pk for mention in changed]
            # In this transaction, so the rollup can never miss a committed batch (the refresh is idempotent).
            mention_days_refresh(days=mention_days_of(mention_ids=changed_ids))
            # Complaints that now belong to one of our own hospitals join the queue, as after enrichment.
            queue_items_sync(
                mention_ids=[m.pk for m in changed if m.match_status == Mention.MatchStatus.MATCHED]
            )
            # Items already queued filter on their own copy of the hospital.
            queue_items_copies_refresh(mention_ids=changed_ids)


def _matching_finish(job: BackfillJob) -> None:
    # A deleted hospital leaves nothing to fetch history for.
    following = BackfillJob.Status.FETCHING if job.hospital_id else BackfillJob.Status.DONE
    finished = BackfillJob.objects.filter(
        pk=job.pk, status=BackfillJob.Status.MATCHING, last_mention_id=job.last_mention_id
    ).update(
        status=following,
        total=F("done"),
        finished_at=timezone.now() if following == BackfillJob.Status.DONE else None,
    )
    if not finished:
        raise _JobMoved


def _fetch_history_request(job: BackfillJob) -> None:
    from sources.tasks import source_sync_task  # Imports sources.services, which imports tracking.

    slug = Hospital.objects.filter(pk=job.hospital_id).values_list("slug", flat=True).first()
    sources = list(
        Source.objects.filter(is_enabled=True)
        .exclude(kind=Source.Kind.FILE_IMPORT)
        .order_by("pk")
        .values_list("pk", "status")
    )
    # A broken source keeps its dropped cursors for when a person has mended it; the scheduler skips it
    # until then, and so does this.
    polled = [source_id for source_id, status in sources if status != Source.Status.BROKEN]
    with transaction.atomic():
        claimed = BackfillJob.objects.filter(
            pk=job.pk,
            status=BackfillJob.Status.FETCHING,
            last_mention_id=job.last_mention_id,
            fetch_requested_at__isnull=True,
        ).update(
            sources_total=len(polled),
            sources_done=0,
            fetch_source_ids=polled,
            fetch_requested_at=timezone.now(),
        )
        if not claimed:
            raise _JobMoved
        for source_id, _ in sources:
            if slug is not None:
                source_cursors_drop(source_id=source_id, hospital_slug=slug)
        for source_id in polled:
            transaction.on_commit(partial(source_sync_task.delay, source_id))
    if not polled:
        _fetch_history_check(BackfillJob.objects.get(pk=job.pk))


def _fetch_history_check(job: BackfillJob) -> None:
    """Count the sources that finished a poll since history was requested; done when all have, or when
    BACKFILL_FETCH_WAIT has passed."""
    finished_sources = (
        SyncRun.objects.filter(
            source_id__in=job.fetch_source_ids,
            started_at__gte=job.fetch_requested_at,
            finished_at__isnull=False,
        )
        .values("source_id")
        .distinct()
        .count()
    )
    all_done = finished_sources >= len(job.fetch_source_ids)
    timed_out = timezone.now() - job.fetch_requested_at > BACKFILL_FETCH_WAIT
    changes = {"sources_done": finished_sources}
    if all_done or timed_out:
        changes.update(status=BackfillJob.Status.DONE, finished_at=timezone.now())
        if not all_done:
            waiting = len(job.fetch_source_ids) - finished_sources
            changes["error"] = (
                f"{waiting} source{'s' if waiting != 1 else ''} had not finished a poll after "
                f"{BACKFILL_FETCH_WAIT.seconds // 60} minutes; they fetch the history on their next polls."
            )
    BackfillJob.objects.filter(
        pk=job.pk, status=BackfillJob.Status.FETCHING, fetch_requested_at=job.fetch_requested_at
    ).update(**changes)


def source_cursors_drop(*, source_id: int, hospital_slug: str) -> int:
    """Delete the source's cursors for the hospital's queries, so its next poll starts from the oldest
    item the platform still offers. Returns how many were deleted.

    A hospital's queries are keyed "hospital:<slug>", and the parts a connector splits one into append
    "#…" (see sources.services.sync.source_queries and each connector's plan_queries).
    """
    key = f"hospital:{hospital_slug}"
    deleted, _ = SourceCursor.objects.filter(
        Q(query_key=key) | Q(query_key__startswith=f"{key}#"), source_id=source_id
    ).delete()
    return deleted
