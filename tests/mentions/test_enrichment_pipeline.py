"""The enrichment step: tagging stored mentions, flagging failures, corrections and re-tagging."""

from datetime import UTC, datetime

from django.core.cache import cache
from kombu.exceptions import OperationalError

from clusters.tasks import clusters_assign_task
from dashboards.rollups import mention_days_of
from dashboards.tasks import mention_days_refresh_task
from enrichment import services
from enrichment.models import ClassificationLabel, RetagJob
from enrichment.services import (
    correction_examples,
    mention_correct,
    mentions_enrich,
    mentions_enrich_pending,
    retag_job_run,
)
from enrichment.tasks import mentions_enrich_task
from mentions.models import Mention
from mentions.services import mention_ingest
from sources.connectors.demo import DemoConnector
from tests.factories import MentionFactory, SourceFactory, UserFactory, demo_post

SAFETY = (
    "The nurse gave my father the wrong medication twice and he ended up in intensive care. Lawyer called."
)
PRAISE = "Thank you to the wonderful maternity nurses at Riverside General, best care we could ask for!"


def test_enrich_tags_complaints_and_records_the_model_version(db):
    complaint = MentionFactory(text=SAFETY)
    praise = MentionFactory(text=PRAISE)
    result = mentions_enrich(mention_ids=[complaint.pk, praise.pk])
    assert (result.tagged, result.failed) == (2, 0)
    complaint.refresh_from_db()
    praise.refresh_from_db()
    assert complaint.is_complaint is True
    assert complaint.category == "safety"
    assert complaint.severity == "critical"
    assert complaint.model_version and complaint.enriched_at is not None
    assert praise.is_complaint is False
    assert praise.category == "" and praise.severity == ""
    assert praise.sentiment_label == "positive"


def test_enrich_skips_mentions_already_tagged_unless_forced(db):
    mention = MentionFactory(text=SAFETY)
    mentions_enrich(mention_ids=[mention.pk])
    assert mentions_enrich(mention_ids=[mention.pk]).tagged == 0
    assert mentions_enrich(mention_ids=[mention.pk], force=True).tagged == 1


def test_a_mention_that_cannot_be_classified_is_kept_and_flagged(db, monkeypatch):
    good = MentionFactory(text=PRAISE)
    poison = MentionFactory(text="this text breaks the model")
    real_classify = services.classify_texts

    def fragile(texts, **kwargs):
        if any("breaks the model" in text for text in texts):
            raise ValueError("model blew up on this text")
        return real_classify(texts, **kwargs)

    monkeypatch.setattr(services, "classify_texts", fragile)
    result = mentions_enrich(mention_ids=[good.pk, poison.pk])
    assert (result.tagged, result.failed) == (1, 1)
    poison.refresh_from_db()
    good.refresh_from_db()
    assert poison.is_complaint is None
    assert "model blew up" in poison.enrichment_error
    assert good.enriched_at is not None
    assert Mention.objects.count() == 2


def test_ingest_enqueues_enrichment_of_new_mentions_after_commit(
    hospitals, monkeypatch, django_capture_on_commit_callbacks
):
    enqueued = []
    monkeypatch.setattr(mentions_enrich_task, "delay", lambda ids: enqueued.append(ids))
    source = SourceFactory(name="Demo data")
    count = services.ENRICH_BATCH_SIZE + 50
    items = [
        {**demo_post(n, f"RGH post {n}"), "posted_at": "2026-11-20T10:00:00+00:00"} for n in range(count)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        mention_ingest(source=source, raw_items=items, normalize=DemoConnector({}).normalize)
    assert [len(batch) for batch in enqueued] == [services.ENRICH_BATCH_SIZE, 50]
    assert sorted(sum(enqueued, [])) == sorted(Mention.objects.values_list("pk", flat=True))


def test_the_sweeper_re_enqueues_mentions_whose_task_was_lost(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    enqueued = []
    monkeypatch.setattr(mentions_enrich_task, "delay", lambda ids: enqueued.append(ids))
    lost = MentionFactory(collected_at=timezone.now() - timedelta(minutes=10))
    MentionFactory()  # Just stored: its task is probably still queued.
    MentionFactory(collected_at=timezone.now() - timedelta(minutes=10), enrichment_error="failed before")
    with django_capture_on_commit_callbacks(execute=True):
        assert mentions_enrich_pending() == 1
    assert enqueued == [[lost.pk]]


def test_a_correction_is_applied_and_kept_as_a_training_example(db):
    manager = UserFactory(username="pat")
    mention = MentionFactory(text="Parking at RGH cost me $40 today", is_complaint=False)
    mention_correct(
        mention=mention, user=manager, is_complaint=True, category="facilities_environment", severity="low"
    )
    mention.refresh_from_db()
    assert (mention.is_complaint, mention.category, mention.severity) == (
        True,
        "facilities_environment",
        "low",
    )
    label = ClassificationLabel.objects.get()
    assert label.labelled_by == manager
    assert label.previous == {"is_complaint": False, "category": "", "severity": ""}
    [example] = correction_examples()
    assert example.is_complaint and example.category == "facilities_environment"
    assert example.text == "Parking at RGH cost me $40 today"


def test_only_the_latest_correction_of_a_mention_trains(db):
    mention = MentionFactory(text="Nobody told us anything at RGH")
    mention_correct(
        mention=mention, user=None, is_complaint=True, category="communication", severity="medium"
    )
    mention_correct(mention=mention, user=None, is_complaint=False)
    [example] = correction_examples()
    assert example.is_complaint is False and example.category is None


def test_a_retag_job_resumes_where_it_stopped(db, monkeypatch):
    monkeypatch.setattr(services, "RETAG_CHUNK_SIZE", 2)
    mentions = MentionFactory.create_batch(5, text=SAFETY)
    job = RetagJob.objects.create(total=5)
    job = retag_job_run(job_id=job.pk, max_chunks=1)
    assert (job.status, job.done, job.percent) == (RetagJob.Status.RUNNING, 2, 40)
    job = retag_job_run(job_id=job.pk)
    assert (job.status, job.done, job.percent) == (RetagJob.Status.DONE, 5, 100)
    assert all(m.model_version for m in Mention.objects.filter(pk__in=[m.pk for m in mentions]))


def test_ingest_stores_the_page_when_the_broker_cannot_take_its_enrichment(
    hospitals, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(mentions_enrich_task, "delay", broker_down)
    monkeypatch.setattr(mention_days_refresh_task, "apply_async", broker_down)
    cache.clear()  # Rollup refreshes are coalesced per day in the cache: none enqueued before this test.
    source = SourceFactory(name="Demo data")
    items = [{**demo_post(n, f"RGH post {n}"), "posted_at": "2026-11-20T10:00:00+00:00"} for n in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        result = mention_ingest(source=source, raw_items=items, normalize=DemoConnector({}).normalize)

    # Stored and counted; the enrichment-pending schedule tags them later (see the sweeper's test).
    assert result.new == 3 == Mention.objects.filter(enriched_at__isnull=True).count()
    assert "enrichment.mentions_enrich" in caplog.text and "dashboards.mention_days_refresh" in caplog.text


def test_enrich_names_the_days_and_complaints_of_the_batch_even_if_tagged_before(db):
    complaint = MentionFactory(text=SAFETY, posted_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    praise = MentionFactory(text=PRAISE, posted_at=datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    mentions_enrich(mention_ids=[complaint.pk])

    # A redelivered task: the complaint was tagged by the first delivery and still needs its follow-ups.
    result = mentions_enrich(mention_ids=[complaint.pk, praise.pk])

    assert (result.tagged, result.complaint_ids) == (1, (complaint.pk,))
    # Local days (settings.TIME_ZONE), as the rollup counts them.
    assert list(result.days) == mention_days_of(mention_ids=[complaint.pk, praise.pk])


def test_a_batch_without_complaints_sends_nothing_to_clustering(db, monkeypatch):
    sent = []
    monkeypatch.setattr(clusters_assign_task, "delay", lambda ids: sent.append(ids))
    monkeypatch.setattr(mention_days_refresh_task, "apply_async", lambda **kwargs: None)
    praise = [MentionFactory(text=f"{PRAISE} Visit {n}.") for n in range(3)]

    mentions_enrich_task.apply(args=[[m.pk for m in praise]]).get()

    assert Mention.objects.filter(is_complaint=False).count() == 3
    assert sent == []


def test_the_enrichment_task_sends_only_the_complaints_to_clustering(db, monkeypatch):
    sent = []
    monkeypatch.setattr(clusters_assign_task, "delay", lambda ids: sent.append(ids))
    monkeypatch.setattr(mention_days_refresh_task, "apply_async", lambda **kwargs: None)
    complaint, praise = MentionFactory(text=SAFETY), MentionFactory(text=PRAISE)

    mentions_enrich_task.apply(args=[[complaint.pk, praise.pk]]).get()

    assert sent == [[complaint.pk]]
