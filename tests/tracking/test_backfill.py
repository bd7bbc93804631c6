"""Backfill: re-matching stored mentions after terms change, then asking the sources for history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dashboards.models import MentionDay
from mentions.models import Mention
from sources.models import Source, SourceCursor, SyncRun
from tests.factories import HospitalFactory, MentionFactory, SourceFactory, TrackedTermFactory, UserFactory
from tracking import tasks
from tracking.models import BackfillJob
from tracking.selectors import backfill_progress
from tracking.services import backfill, backfill_job_run, backfill_job_start
from triage.models import QueueItem

MERCY_QUERY = '"Mercy" AND (hospital OR ER OR clinic) NOT "have mercy"'


@pytest.fixture
def mercy(db):
    hospital = HospitalFactory(name="Mercy Medical Center", slug="mercy", is_own=True)
    TrackedTermFactory(hospital=hospital, text="Mercy", query=MERCY_QUERY)
    return hospital


@pytest.fixture
def source(db):
    return SourceFactory(name="Demo data")


@pytest.fixture
def stored(mercy):
    """Mentions stored before the Mercy term existed (so unmatched), and one that only a term since
    deactivated matched. Their source is switched off, so a backfill has no history to wait for unless
    a test adds a polled `source`."""
    source = SourceFactory(name="Archive", is_enabled=False)
    old_term = TrackedTermFactory(hospital=mercy, text="Mercy General", is_active=False)
    unmatched = {"match_status": Mention.MatchStatus.UNMATCHED, "hospital": None, "source": source}
    mentions = {
        "caught": MentionFactory(text="The Mercy ER saw us in ten minutes", **unmatched),
        "excluded": MentionFactory(text="Lord have mercy, Mercy hospital parking again", **unmatched),
        "no_coterm": MentionFactory(text="Mercy me, what a week", **unmatched),
        "complaint": MentionFactory(
            text="Mercy clinic lost my lab results twice",
            is_complaint=True,
            category="communication",
            severity="medium",
            enriched_at=timezone.now(),
            **unmatched,
        ),
        "stale": MentionFactory(text="Old ad for Mercy General", hospital=mercy, source=source),
    }
    mentions["stale"].matched_terms.add(old_term)
    return mentions


def _state():
    return {
        m.pk: (m.match_status, m.hospital_id, tuple(sorted(t.pk for t in m.matched_terms.all())))
        for m in Mention.objects.prefetch_related("matched_terms")
    }


def test_it_rematches_stored_mentions_like_ingest_and_reports_progress(mercy, stored):
    job = backfill_job_start(hospital=mercy, actor=UserFactory())
    job = backfill_job_run(job_id=job.pk)

    assert job.status == BackfillJob.Status.DONE
    assert (job.total, job.done) == (5, 5)
    assert job.last_mention_id == max(m.pk for m in stored.values())
    assert job.newly_matched == 2  # "caught" and "complaint"
    assert job.no_longer_matched == 1  # "stale": its only term is inactive
    assert job.started_at and job.finished_at
    for name in ("caught", "complaint"):
        stored[name].refresh_from_db()
        assert stored[name].match_status == Mention.MatchStatus.MATCHED
        assert stored[name].hospital == mercy
        assert [t.text for t in stored[name].matched_terms.all()] == ["Mercy"]
    stored["excluded"].refresh_from_db()
    assert stored["excluded"].match_status == Mention.MatchStatus.EXCLUDED
    assert stored["excluded"].matched_terms.count() == 0
    stored["stale"].refresh_from_db()
    assert (stored["stale"].match_status, stored["stale"].hospital) == (Mention.MatchStatus.UNMATCHED, None)
    assert stored["stale"].matched_terms.count() == 0


def test_newly_matched_complaints_about_our_hospital_join_the_queue(mercy, stored):
    backfill_job_run(job_id=backfill_job_start(hospital=mercy).pk)

    assert list(QueueItem.objects.values_list("mention_id", flat=True)) == [stored["complaint"].pk]


def test_it_refreshes_the_dashboard_rollup_of_the_changed_days(mercy, stored):
    day = timezone.localdate(stored["caught"].posted_at)
    matched = MentionDay.objects.filter(day=day, hospital=mercy, match_status="matched")
    assert sum(r.count for r in matched) == 1  # Only "stale" so far.

    backfill_job_run(job_id=backfill_job_start(hospital=mercy).pk)

    rows = MentionDay.objects.filter(day=day)
    assert sum(r.count for r in rows.filter(hospital=mercy, match_status="matched")) == 2
    assert sum(r.count for r in rows.filter(match_status="excluded")) == 1
    assert sum(r.count for r in rows.filter(hospital=None, match_status="unmatched")) == 2
    assert sum(r.count for r in rows) == Mention.objects.count()


def test_it_resumes_from_last_mention_id_after_a_worker_restart(mercy, stored, monkeypatch):
    monkeypatch.setattr(backfill, "BACKFILL_BATCH_SIZE", 2)
    job = backfill_job_start(hospital=mercy)

    job = backfill_job_run(job_id=job.pk, max_batches=1)  # The worker stops after one batch...
    ids = sorted(m.pk for m in stored.values())
    assert (job.status, job.done, job.last_mention_id) == (BackfillJob.Status.MATCHING, 2, ids[1])
    assert job.newly_matched == 1  # "caught"; "excluded" is not a match

    job = backfill_job_run(job_id=job.pk)  # ...and a new one picks the job up where it stopped.
    assert job.status == BackfillJob.Status.DONE
    assert (job.done, job.total, job.newly_matched, job.no_longer_matched) == (5, 5, 2, 1)


def test_running_it_twice_gives_the_same_matches_and_no_duplicates(mercy, stored):
    backfill_job_run(job_id=backfill_job_start(hospital=mercy).pk)
    first = _state()
    links = Mention.matched_terms.through.objects.count()

    second = backfill_job_run(job_id=backfill_job_start(hospital=mercy).pk)

    assert _state() == first
    assert Mention.matched_terms.through.objects.count() == links
    assert (second.newly_matched, second.no_longer_matched, second.done) == (0, 0, 5)
    assert BackfillJob.objects.count() == 2


def test_a_second_request_while_one_runs_reuses_it_and_starts_matching_again(mercy, stored, monkeypatch):
    monkeypatch.setattr(backfill, "BACKFILL_BATCH_SIZE", 2)
    job = backfill_job_start(hospital=mercy)
    assert backfill_job_start(hospital=mercy).pk == job.pk  # Still pending: the same job.
    backfill_job_run(job_id=job.pk, max_batches=1)

    again = backfill_job_start(hospital=mercy)

    assert again.pk == job.pk
    assert (again.status, again.last_mention_id, again.done) == (BackfillJob.Status.MATCHING, 0, 0)
    assert backfill_job_start(hospital=HospitalFactory(slug="other")).pk != job.pk
    job = backfill_job_run(job_id=job.pk)
    assert (job.status, job.done, job.newly_matched) == (BackfillJob.Status.DONE, 5, 2)


def test_a_batch_done_by_another_worker_is_not_counted_twice(mercy, stored, monkeypatch):
    monkeypatch.setattr(backfill, "BACKFILL_BATCH_SIZE", 2)
    job = backfill_job_start(hospital=mercy)
    backfill_job_run(job_id=job.pk, max_batches=0)  # Claimed: now matching.
    stale_view = BackfillJob.objects.get(pk=job.pk)
    backfill_job_run(job_id=job.pk, max_batches=1)

    with pytest.raises(backfill._JobMoved):
        backfill._match_next_batch(stale_view)  # This worker's view of the job is out of date.

    assert BackfillJob.objects.get(pk=job.pk).done == 2


def test_it_drops_the_cursors_of_the_hospitals_queries_only_and_enqueues_a_sync_per_source(
    mercy, stored, source, monkeypatch, django_capture_on_commit_callbacks
):
    broken = SourceFactory(name="X", kind=Source.Kind.X, status=Source.Status.BROKEN)
    SourceFactory(name="Imports", kind=Source.Kind.FILE_IMPORT)
    SourceFactory(name="Switched off", is_enabled=False)
    keys = [
        "hospital:mercy",
        "hospital:mercy#2",
        "hospital:mercy#loc:accounts/1/locations/2",
        "hospital:mercy-west",
        "hospital:riverside",
        "feed:abc123",
    ]
    for polled in (source, broken):
        for key in keys:
            SourceCursor.objects.create(source=polled, query_key=key, position={"index": 10})
    synced = []
    monkeypatch.setattr("sources.tasks.source_sync_task.delay", synced.append)

    with django_capture_on_commit_callbacks(execute=True):
        job = backfill_job_run(job_id=backfill_job_start(hospital=mercy).pk)

    # The broken source gets its history once mended; the scheduler skips it until then.
    assert (job.status, job.sources_total, job.sources_done) == (BackfillJob.Status.FETCHING, 1, 0)
    for polled in (source, broken):
        left = sorted(SourceCursor.objects.filter(source=polled).values_list("query_key", flat=True))
        assert left == ["feed:abc123", "hospital:mercy-west", "hospital:riverside"]
    assert synced == [source.pk]


def test_it_is_done_once_every_asked_source_has_finished_a_poll_since(mercy, stored, source, monkeypatch):
    monkeypatch.setattr("sources.tasks.source_sync_task.delay", lambda source_id: None)
    job = backfill_job_run(job_id=backfill_job_start(hospital=mercy).pk)
    # A poll that started before history was asked for does not count, nor one still running.
    SyncRun.objects.create(source=source, finished_at=timezone.now())
    SyncRun.objects.filter(source=source).update(started_at=job.fetch_requested_at - timedelta(seconds=1))
    SyncRun.objects.create(source=source)
    job = backfill_job_run(job_id=job.pk)
    assert (job.status, job.sources_done) == (BackfillJob.Status.FETCHING, 0)
    assert backfill_progress(job).percent == 90

    SyncRun.objects.create(source=source, finished_at=timezone.now())
    job = backfill_job_run(job_id=job.pk)

    assert (job.status, job.sources_done, job.error) == (BackfillJob.Status.DONE, 1, "")
    assert backfill_progress(job).percent == 100


def test_it_stops_waiting_for_a_source_that_has_not_polled_in_time_and_says_so(
    mercy, stored, source, monkeypatch
):
    monkeypatch.setattr("sources.tasks.source_sync_task.delay", lambda source_id: None)
    job = backfill_job_run(job_id=backfill_job_start(hospital=mercy).pk)
    BackfillJob.objects.filter(pk=job.pk).update(
        fetch_requested_at=timezone.now() - backfill.BACKFILL_FETCH_WAIT - timedelta(seconds=1)
    )

    job = backfill_job_run(job_id=job.pk)

    assert (job.status, job.sources_done) == (BackfillJob.Status.DONE, 0)
    assert "1 source had not finished a poll after 15 minutes" in job.error


def test_after_a_hospital_is_deleted_it_only_rematches(mercy, stored, source):
    SourceCursor.objects.create(source=source, query_key="hospital:riverside", position={})

    job = backfill_job_run(job_id=backfill_job_start(hospital=None).pk)

    assert (job.status, job.sources_total) == (BackfillJob.Status.DONE, 0)
    assert SourceCursor.objects.count() == 1


def test_the_task_delegates_and_continues_in_a_new_task_until_done(mercy, stored, monkeypatch):
    monkeypatch.setattr(tasks, "BATCHES_PER_RUN", 1)
    monkeypatch.setattr(backfill, "BACKFILL_BATCH_SIZE", 2)
    follow_ups = []
    monkeypatch.setattr(
        tasks.backfill_job_run_task, "apply_async", lambda args, countdown: follow_ups.append(args[0])
    )
    job = backfill_job_start(hospital=mercy)

    tasks.backfill_job_run_task(job.pk)

    assert follow_ups == [job.pk]
    assert BackfillJob.objects.get(pk=job.pk).done == 2
    while follow_ups:
        tasks.backfill_job_run_task(follow_ups.pop())
    assert BackfillJob.objects.get(pk=job.pk).status == BackfillJob.Status.DONE


def test_the_task_ignores_a_deleted_job(db):
    tasks.backfill_job_run_task(123456)


def test_the_task_runs_on_the_default_queue():
    from hospitallisten.celery import app

    route = app.amqp.router.route({}, tasks.backfill_job_run_task.name)
    assert route["queue"].name == "default"
