"""Mentions partitioned by month: dedupe through the key table, partitions made ahead, the default partition,
and retention dropping whole months."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from clusters.models import Cluster, ClusterMember
from clusters.services import clusters_assign, embedding
from dashboards.models import MentionDay
from enrichment.models import ClassificationLabel
from mentions.models import Mention, MentionKey
from mentions.partitions import (
    DEFAULT_PARTITION,
    MentionPartition,
    mention_default_partition_counts,
    mention_partition_create,
    mention_partitions,
)
from mentions.selectors import retention_summary
from mentions.services import mention_ingest, mentions_delete_expired
from mentions.tasks import mention_partitions_ensure_task
from sources.connectors.demo import DemoConnector
from tests.clusters.conftest import fake_embed
from tests.factories import (
    HospitalFactory,
    MentionFactory,
    SourceFactory,
    TrackedTermFactory,
    UserFactory,
    demo_post,
)
from triage.models import LinkDecision, Note, QueueItem
from triage.services import queue_item_ensure, queue_item_note_add

RETENTION_DAYS = 730


@pytest.fixture
def source(db):
    return SourceFactory(name="Demo data")


def _partition_of(mention_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM mentions_mention WHERE id = %s", [mention_id])
        return cursor.fetchone()[0]


def _table_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return cursor.fetchone()[0]


def _ingest(source, *posts):
    return mention_ingest(source=source, raw_items=list(posts), normalize=DemoConnector({}).normalize)


def _key(mention: Mention) -> tuple:
    return MentionKey.objects.values_list("platform", "external_id", "mention_id", "posted_at").get(
        mention_id=mention.pk
    )


# --- Partitions and the default partition -----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_month_of_stored_mentions_a_partition_and_their_keys(request):
    # Tables outlive a transactional test: drop the months made here, so later tests see the usual layout.
    request.addfinalizer(_drop_partitions_of_2019_05_and_2024_02)
    before = [("mentions", "0005_mention_updated_at")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    source = SourceFactory()
    try:
        executor.migrate(before)
        unpartitioned = executor.loader.project_state(before).apps.get_model("mentions", "Mention")
        stored = [
            unpartitioned.objects.create(
                source_id=source.pk,
                platform="x",
                external_id=f"old-{n}",
                text="x",
                raw={},
                posted_at=posted_at,
            )
            for n, posted_at in enumerate(
                [datetime(2019, 5, 3, tzinfo=UTC), datetime(2024, 2, 29, 23, 30, tzinfo=UTC)]
            )
        ]
    finally:
        MigrationExecutor(connection).migrate(latest)

    assert {MentionPartition(date(2019, 5, 1)), MentionPartition(date(2024, 2, 1))} <= set(
        mention_partitions()
    )
    assert [_partition_of(mention.pk) for mention in stored] == [
        "mentions_mention_p2019_05",
        "mentions_mention_p2024_02",
    ]
    assert sorted(MentionKey.objects.values_list("external_id", "mention_id")) == [
        ("old-0", stored[0].pk),
        ("old-1", stored[1].pk),
    ]
    assert MentionFactory(source=source).pk > stored[1].pk, "ids carry on from the copied table"


def _drop_partitions_of_2019_05_and_2024_02():
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS mentions_mention_p2019_05, mentions_mention_p2024_02")


def test_the_current_month_and_three_ahead_have_partitions_and_mentions_land_in_their_month(source):
    this_month = MentionPartition.of(timezone.now())
    ahead = [this_month, this_month.next(), this_month.next().next(), this_month.next().next().next()]
    assert set(ahead) <= set(mention_partitions())

    mention = MentionFactory(source=source)

    assert _partition_of(mention.pk) == MentionPartition.of(mention.posted_at).name


def test_the_daily_task_creates_missing_months_ahead_once(db, monkeypatch):
    monkeypatch.setattr("mentions.partitions.timezone.now", lambda: datetime(2031, 11, 5, tzinfo=UTC))

    mention_partitions_ensure_task.apply()
    mention_partitions_ensure_task.apply()

    months = [partition.month for partition in mention_partitions() if partition.month.year >= 2031]
    assert months == [date(2031, 11, 1), date(2031, 12, 1), date(2032, 1, 1), date(2032, 2, 1)]


def test_the_daily_task_gives_the_planner_statistics_of_the_whole_partitioned_table(source):
    # Autovacuum analyzes partitions but never their parent: without this, queries across months plan
    # from no statistics at all.
    MentionFactory.create_batch(3, source=source)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_reset()")
        cursor.execute("DELETE FROM pg_statistic WHERE starelid = 'mentions_mention'::regclass")

    mention_partitions_ensure_task.apply()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stats WHERE tablename = 'mentions_mention' AND inherited "
            "AND attname = 'posted_at'"
        )
        assert cursor.fetchone()[0] == 1


def test_a_mention_outside_the_prepared_months_lands_in_the_default_partition_and_is_reported(source):
    posted_at = datetime(2035, 3, 14, 9, 30, tzinfo=UTC)
    mention = MentionFactory(source=source, posted_at=posted_at)
    out = StringIO()

    assert _partition_of(mention.pk) == DEFAULT_PARTITION
    assert mention_default_partition_counts() == {date(2035, 3, 1): 1}
    with pytest.raises(CommandError, match="1 mentions are in the default partition"):
        call_command("mention_partitions", "--check", stdout=out)
    assert "Default partition: 1 mentions posted in 2035-03." in out.getvalue()


def test_splitting_the_default_partition_moves_its_mentions_into_their_month(source, hospitals):
    mention = MentionFactory(
        source=source,
        hospital=hospitals["riverside"],
        is_complaint=True,
        posted_at=datetime(2035, 3, 14, tzinfo=UTC),
    )
    item = queue_item_ensure(mention=Mention.objects.get(pk=mention.pk))
    out = StringIO()

    call_command("mention_partitions", "--split-default", "--check", stdout=out)

    assert "Created mentions_mention_p2035_03 from the default partition." in out.getvalue()
    assert _partition_of(mention.pk) == "mentions_mention_p2035_03"
    assert mention_default_partition_counts() == {}
    assert QueueItem.objects.get(pk=item.pk).mention.text == mention.text
    assert _key(mention)[2:] == (mention.pk, mention.posted_at)


# --- Dedupe through the key table ---------------------------------------------------


def test_a_post_ingested_again_with_another_date_is_stored_once(source, hospitals):
    first = _ingest(source, demo_post(1, "RGH parking", posted_at="2026-10-20T10:00:00+00:00"))
    again = _ingest(source, demo_post(1, "RGH parking", posted_at="2026-11-20T10:00:00+00:00"))

    assert (first.new, again.new, again.duplicates) == (1, 0, 1)
    mention = Mention.objects.get()
    assert mention.posted_at == datetime(2026, 10, 20, 10, tzinfo=UTC)
    assert _key(mention) == ("x", "demo-000001", mention.pk, mention.posted_at)


def test_storing_a_post_twice_outside_ingest_is_refused(source):
    MentionFactory(source=source, platform="x", external_id="42", posted_at=datetime(2026, 10, 1, tzinfo=UTC))

    with pytest.raises(IntegrityError), transaction.atomic():
        MentionFactory(
            source=source, platform="x", external_id="42", posted_at=datetime(2026, 11, 1, tzinfo=UTC)
        )

    assert Mention.objects.count() == MentionKey.objects.count() == 1


def test_a_new_date_moves_the_mention_to_its_month_and_its_key_follows(source, hospitals):
    _ingest(source, demo_post(1, "RGH parking", posted_at="2026-11-20T10:00:00+00:00"))
    mention = Mention.objects.get()
    redated = datetime(2035, 1, 2, tzinfo=UTC)

    Mention.objects.filter(pk=mention.pk).update(posted_at=redated)

    assert _partition_of(mention.pk) == DEFAULT_PARTITION
    assert _key(mention) == ("x", "demo-000001", mention.pk, redated)
    assert _ingest(source, demo_post(1, "RGH parking", posted_at="2026-11-20T10:00:00+00:00")).duplicates == 1


def test_a_deleted_mention_frees_its_key(source, hospitals):
    post = demo_post(1, "RGH parking", posted_at="2026-11-20T10:00:00+00:00")
    _ingest(source, post)
    Mention.objects.get().delete()

    assert not MentionKey.objects.exists()
    assert _ingest(source, post).new == 1


# --- Retention drops whole months ---------------------------------------------------


@pytest.fixture
def retention(settings, tmp_path):
    settings.MENTION_RETENTION_DAYS = RETENTION_DAYS
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def expired_month(db, retention):
    """A month wholly before the retention cutoff, with its partition."""
    partition = MentionPartition.of(timezone.now() - timedelta(days=RETENTION_DAYS + 62))
    mention_partition_create(partition=partition)
    return partition


def _posted_in(partition: MentionPartition, day: int, **fields) -> Mention:
    return MentionFactory(posted_at=partition.start + timedelta(days=day, hours=12), **fields)


def test_retention_drops_an_expired_month_with_everything_pointing_to_its_mentions(
    expired_month, monkeypatch
):
    monkeypatch.setattr(embedding, "mentions_embed", fake_embed)
    riverside = HospitalFactory(name="Riverside General Hospital", slug="riverside", is_own=True)
    term = TrackedTermFactory(hospital=riverside)
    old = [
        _posted_in(
            expired_month, day, hospital=riverside, is_complaint=True, text=f"parking fee garage {day}"
        )
        for day in (3, 4)
    ]
    kept = MentionFactory(hospital=riverside, posted_at=timezone.now() - timedelta(days=RETENTION_DAYS - 5))
    old[0].matched_terms.add(term)
    ClassificationLabel.objects.create(mention=old[0], is_complaint=True)
    LinkDecision.objects.create(mention_low=old[0], mention_high=kept, decision="rejected")
    clusters_assign(mention_ids=[mention.pk for mention in old])
    cluster = Cluster.objects.get()
    closed = queue_item_ensure(mention=old[1])
    queue_item_note_add(item=closed, user=UserFactory(username="officer"), text="Called them back.")
    QueueItem.objects.filter(pk=closed.pk).update(status=QueueItem.Status.RESOLVED)
    assert retention_summary().months_dropped == 1

    assert mentions_delete_expired() == 2

    assert not _table_exists(expired_month.name)
    assert expired_month not in mention_partitions()
    assert list(Mention.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(MentionKey.objects.values_list("mention_id", flat=True)) == [kept.pk]
    assert not Mention.matched_terms.through.objects.filter(mention_id__in=[m.pk for m in old]).exists()
    assert not ClassificationLabel.objects.exists()
    assert not LinkDecision.objects.exists()
    assert not QueueItem.objects.exists()
    assert not Note.objects.exists()
    assert not ClusterMember.objects.exists()
    cluster.refresh_from_db()
    assert (cluster.size, cluster.status, cluster.representative_id) == (0, Cluster.Status.RETIRED, None)
    assert not MentionDay.objects.filter(day__lt=expired_month.end.date()).exists()


def test_retention_keeps_a_month_holding_an_open_complaint_until_it_is_closed(expired_month, hospitals):
    open_complaint = _posted_in(expired_month, 3, hospital=hospitals["riverside"], is_complaint=True)
    other = _posted_in(expired_month, 4, hospital=hospitals["riverside"])
    item = queue_item_ensure(mention=open_complaint)

    assert mentions_delete_expired() == 1, "the month is deleted by row, its open complaint kept"

    assert expired_month in mention_partitions()
    assert list(Mention.objects.values_list("pk", flat=True)) == [open_complaint.pk]
    assert not MentionKey.objects.filter(mention_id=other.pk).exists()
    assert QueueItem.objects.filter(pk=item.pk).exists()

    QueueItem.objects.filter(pk=item.pk).update(status=QueueItem.Status.RESOLVED)
    assert mentions_delete_expired() == 1
    assert expired_month not in mention_partitions()
    assert not Mention.objects.exists()


def test_every_relation_to_mentions_is_one_retention_can_follow_when_it_drops_a_month():
    # Dropping a month's partition bypasses the database's own cascades (there are no foreign key
    # constraints to a partitioned table), so retention applies CASCADE and SET_NULL itself.
    from django.db import models

    relations = [
        relation
        for relation in Mention._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)
    ]
    assert relations
    assert {
        str(relation.field): relation.on_delete
        for relation in relations
        if relation.on_delete not in (models.CASCADE, models.SET_NULL)
    } == {}
