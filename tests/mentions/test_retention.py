"""Retention: mentions older than MENTION_RETENTION_DAYS go with their raw payloads; open complaints stay."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from clusters.models import Cluster, ClusterDay, ClusterMember
from clusters.services import clusters_assign, embedding
from dashboards.models import MentionDay
from enrichment.models import ClassificationLabel
from mentions.models import ImportJob, Mention, RejectedPayload
from mentions.selectors import retention_summary
from mentions.services import mentions_delete_expired
from mentions.tasks import mentions_delete_expired_task
from tests.clusters.conftest import fake_embed
from tests.factories import HospitalFactory, MentionFactory, UserFactory
from triage.models import AuditEntry, Note, QueueItem, Reply
from triage.services import queue_item_ensure, queue_item_note_add, reply_draft_save

DAYS = 730


@pytest.fixture(autouse=True)
def retention(settings, tmp_path):
    settings.MENTION_RETENTION_DAYS = DAYS
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def riverside(db):
    return HospitalFactory(name="Riverside General Hospital", slug="riverside", is_own=True)


def _aged(days: float, **fields) -> Mention:
    return MentionFactory(posted_at=timezone.now() - timedelta(days=days), **fields)


def _mention_day_total(day) -> int:
    return sum(MentionDay.objects.filter(day=day).values_list("count", flat=True))


def _raw_payload_rows(mention_id: int) -> int:
    """Reads the table itself: the raw payload is a column of the mention row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM mentions_mention WHERE id = %s AND raw IS NOT NULL", [mention_id]
        )
        return cursor.fetchone()[0]


def test_it_deletes_old_mentions_with_their_raw_payloads_and_keeps_recent_ones(riverside):
    old = _aged(DAYS + 1, hospital=riverside, raw={"id": "old", "text": "my name is Jane Doe"})
    recent = _aged(DAYS - 1, hospital=riverside)

    assert mentions_delete_expired() == 1

    assert list(Mention.objects.values_list("pk", flat=True)) == [recent.pk]
    assert _raw_payload_rows(old.pk) == 0
    assert _raw_payload_rows(recent.pk) == 1


def test_it_refreshes_the_dashboard_rollup_of_the_affected_days(riverside):
    old_day = timezone.localdate(timezone.now() - timedelta(days=DAYS + 3))
    _aged(DAYS + 3, hospital=riverside)
    kept = _aged(DAYS + 3, hospital=riverside)
    QueueItem.objects.create(
        mention=kept,
        sla_first_response_due=timezone.now(),
        sla_resolution_due=timezone.now(),
    )
    assert _mention_day_total(old_day) == 2

    mentions_delete_expired()

    assert _mention_day_total(old_day) == 1, "the open complaint is still counted, the other is gone"


def test_it_keeps_mentions_whose_queue_item_is_open_and_deletes_closed_ones_with_their_trail(riverside, db):
    officer = UserFactory(username="officer")
    open_item = queue_item_ensure(mention=_aged(DAYS + 10, hospital=riverside, is_complaint=True))
    closed_item = queue_item_ensure(mention=_aged(DAYS + 10, hospital=riverside, is_complaint=True))
    queue_item_note_add(item=closed_item, user=officer, text="Called them back.")
    reply_draft_save(item=closed_item, user=officer, text="We are sorry to hear this.")
    QueueItem.objects.filter(pk=closed_item.pk).update(status=QueueItem.Status.RESOLVED)

    assert mentions_delete_expired() == 1

    assert list(QueueItem.objects.values_list("pk", flat=True)) == [open_item.pk]
    assert not Note.objects.filter(item_id=closed_item.pk).exists()
    assert not Reply.objects.filter(item_id=closed_item.pk).exists()
    assert not AuditEntry.objects.filter(item_id=closed_item.pk).exists()
    assert AuditEntry.objects.filter(item_id=open_item.pk).exists()


def test_it_updates_or_retires_the_clusters_that_lost_members(riverside, monkeypatch):
    monkeypatch.setattr(embedding, "mentions_embed", fake_embed)
    old = [
        _aged(DAYS + 5, hospital=riverside, is_complaint=True, text=f"parking fee garage {n}")
        for n in range(2)
    ]
    clusters_assign(mention_ids=[mention.pk for mention in old])
    cluster = Cluster.objects.get()
    assert ClusterDay.objects.filter(cluster=cluster).exists()

    mentions_delete_expired()

    cluster.refresh_from_db()
    assert (cluster.size, cluster.status, cluster.representative_id) == (0, Cluster.Status.RETIRED, None)
    assert not ClusterMember.objects.exists()
    assert not ClusterDay.objects.filter(cluster=cluster).exists()
    assert "parking" not in cluster.label, "a provisional label quoting a deleted complaint is rebuilt"


def test_it_deletes_corrections_of_deleted_mentions(riverside):
    old = _aged(DAYS + 1, hospital=riverside)
    ClassificationLabel.objects.create(mention=old, is_complaint=False)
    mentions_delete_expired()
    assert not ClassificationLabel.objects.exists()


def test_it_deletes_old_rejected_payloads_and_import_files(db):
    old = RejectedPayload.objects.create(payload={"text": "unreadable"}, error="bad")
    RejectedPayload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=DAYS + 1))
    recent = RejectedPayload.objects.create(payload={"text": "unreadable too"}, error="bad")
    job = ImportJob(original_name="export.csv", status=ImportJob.Status.DONE)
    job.file.save("export.csv", ContentFile(b"text\nmy post\n"), save=True)
    path = job.file.path
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=DAYS + 1))

    mentions_delete_expired()

    assert list(RejectedPayload.objects.values_list("pk", flat=True)) == [recent.pk]
    job.refresh_from_db()
    assert job.file.name == ""
    assert not Path(path).exists()


def test_it_deletes_in_batches(riverside):
    for _ in range(5):
        _aged(DAYS + 1, hospital=riverside, rollup=False)
    assert mentions_delete_expired(batch_size=2) == 5
    assert not Mention.objects.exists()


def test_retention_zero_keeps_everything(riverside, settings):
    settings.MENTION_RETENTION_DAYS = 0
    _aged(5000, hospital=riverside)
    assert mentions_delete_expired() == 0
    assert Mention.objects.count() == 1


def test_the_dry_run_prints_counts_and_deletes_nothing(riverside):
    _aged(DAYS + 1, hospital=riverside)
    _aged(DAYS + 1, hospital=riverside)
    queue_item_ensure(mention=_aged(DAYS + 1, hospital=riverside, is_complaint=True))
    out = StringIO()

    call_command("delete_expired_mentions", "--dry-run", stdout=out)

    assert "2 mentions to delete, 1 kept while their queue item is open" in out.getvalue()
    assert "nothing deleted" in out.getvalue()
    assert Mention.objects.count() == 3


def test_the_command_deletes(riverside):
    _aged(DAYS + 1, hospital=riverside)
    out = StringIO()
    call_command("delete_expired_mentions", stdout=out)
    assert "Deleted 1 mentions." in out.getvalue()
    assert retention_summary().mentions == 0


def test_the_nightly_task_delegates_to_the_service(riverside):
    _aged(DAYS + 1, hospital=riverside)
    mentions_delete_expired_task.apply()
    assert not Mention.objects.exists()
