"""The catch-up that places complaints whose assign task was lost (for example while the broker was down)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from clusters import tasks
from clusters.models import ClusterMember
from clusters.services import clusters_assign, clusters_assign_pending
from enrichment.tasks import mentions_enrich_task
from mentions.models import Mention
from tests.clusters.conftest import PARKING, story
from tests.factories import MentionFactory
from triage.models import QueueItem

pytestmark = pytest.mark.django_db

SAFETY = "RGH gave my father the wrong medication twice and he ended up in intensive care. Lawyer called."


def _later(minutes: float = 5):
    return timezone.now() + timedelta(minutes=minutes)


def test_complaints_whose_assign_task_could_not_be_sent_are_clustered_by_the_catch_up(
    riverside, monkeypatch, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.clusters_assign_task, "delay", broker_down)
    mentions = [MentionFactory(text=f"{SAFETY} Visit {n}.", hospital=riverside) for n in range(3)]

    # The enrichment task finishes: tags saved, complaints queued, the failed send logged, not raised.
    mentions_enrich_task.apply(args=[[m.pk for m in mentions]]).get()

    assert Mention.objects.filter(is_complaint=True).count() == 3
    assert QueueItem.objects.count() == 3
    assert not ClusterMember.objects.exists()
    assert "clusters.clusters_assign" in caplog.text and "clusters-assign-pending" in caplog.text

    assert clusters_assign_pending(now=_later()) == 3

    assert set(ClusterMember.objects.values_list("mention_id", flat=True)) == {m.pk for m in mentions}


def test_the_catch_up_leaves_fresh_old_placed_and_non_complaints_alone(complaint):
    now = timezone.now()
    lost = complaint(story(PARKING, 1), days_ago=0.5, enriched_at=now - timedelta(minutes=10))
    complaint(story(PARKING, 2), days_ago=0.5, enriched_at=now - timedelta(seconds=30))  # Task in flight.
    complaint(story(PARKING, 3), days_ago=5, enriched_at=now - timedelta(minutes=10))  # For re-clustering.
    complaint(story(PARKING, 4), days_ago=0.5, enriched_at=now - timedelta(minutes=10), is_complaint=False)
    placed = complaint(story(PARKING, 5), days_ago=0.5, enriched_at=now - timedelta(minutes=10))
    clusters_assign(mention_ids=[placed.pk])

    assert clusters_assign_pending(now=now) == 1

    assert set(ClusterMember.objects.values_list("mention_id", flat=True)) == {lost.pk, placed.pk}
    assert clusters_assign_pending(now=now) == 0


def test_the_catch_up_places_at_most_its_limit_newest_first(complaint, settings):
    settings.CLUSTERS_CATCH_UP_LIMIT = 2
    enriched_at = timezone.now() - timedelta(minutes=10)
    made = [complaint(story(PARKING, n), days_ago=0.1 * (n + 1), enriched_at=enriched_at) for n in range(3)]

    assert clusters_assign_pending() == 2
    assert set(ClusterMember.objects.values_list("mention_id", flat=True)) == {made[0].pk, made[1].pk}
    assert clusters_assign_pending() == 1


def test_the_catch_up_with_nothing_to_do_is_one_query(complaint, django_assert_num_queries):
    complaint(story(PARKING, 1), days_ago=5, enriched_at=timezone.now() - timedelta(minutes=10))

    with django_assert_num_queries(1):
        assert clusters_assign_pending() == 0


def test_the_catch_up_task_runs_on_its_own_schedule():
    assert tasks.clusters_assign_pending_task.name == "clusters.clusters_assign_pending"
    entry = settings.PERIODIC_TASK_DEFAULTS["clusters-assign-pending"]
    assert entry["task"] == "clusters.clusters_assign_pending"
    assert entry["options"]["expires"] < 300  # Within its five-minute interval.
