from datetime import timedelta

import pytest
from django.utils import timezone

from clusters.models import Cluster, ClusterMember
from clusters.selectors import cluster_crowd, cluster_detail, cluster_list
from clusters.services import clusters_recluster
from tests.clusters.conftest import PARKING, PORTAL, WAITS, story
from tests.factories import HospitalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories(complaint):
    """Parking: 6 this month and 1 the month before; ER waits: 4 now, 4 before; portal: 3 on Reddit."""
    parking = [complaint(story(PARKING, n), days_ago=1 + n) for n in range(6)]
    parking.append(complaint(story(PARKING, 9), days_ago=40))
    waits = [complaint(story(WAITS, n), days_ago=2 + n * 7) for n in range(8)]
    portal = [
        complaint(story(PORTAL, n), days_ago=3, platform="reddit", category="appointments_access")
        for n in range(3)
    ]
    clusters_recluster()

    def cluster_of(mentions):
        return ClusterMember.objects.get(mention=mentions[0]).cluster

    return {"parking": cluster_of(parking), "waits": cluster_of(waits), "portal": cluster_of(portal)}


def _period():
    today = timezone.localdate()
    return {"since": today - timedelta(days=29), "until": today}


def test_cluster_list_counts_the_period_against_the_one_before_with_weekly_sparklines(
    stories, django_assert_num_queries
):
    with django_assert_num_queries(3):
        rows = cluster_list(**_period())

    by_cluster = {row.cluster: row for row in rows}
    parking = by_cluster[stories["parking"]]
    assert (parking.size, parking.previous_size, parking.change, parking.trend_pct) == (6, 1, 5, 500.0)
    assert len(parking.sparkline) == 12 and sum(parking.sparkline) == 7 and parking.sparkline[-1] == 6
    assert [row.cluster for row in rows] == [stories["parking"], stories["waits"], stories["portal"]]
    assert by_cluster[stories["waits"]].size == 4


def test_cluster_list_puts_emerging_clusters_first(stories):
    Cluster.objects.filter(pk=stories["portal"].pk).update(is_emerging=True)

    rows = cluster_list(**_period())

    assert rows[0].cluster == stories["portal"]


def test_cluster_list_filters_by_platform_category_and_hospital(stories):
    assert [row.cluster for row in cluster_list(**_period(), source_platform="reddit")] == [stories["portal"]]
    assert [row.cluster for row in cluster_list(**_period(), category="appointments_access")] == [
        stories["portal"]
    ]
    assert cluster_list(**_period(), hospital=HospitalFactory(slug="elsewhere")) == []
    assert len(cluster_list(**_period(), hospital=stories["parking"].hospital)) == 3


def test_cluster_list_leaves_out_clusters_smaller_than_the_minimum(stories):
    assert [row.cluster for row in cluster_list(**_period(), min_size=5)] == [stories["parking"]]


def test_cluster_detail_gives_volume_breakdowns_examples_and_related_clusters(
    stories, django_assert_num_queries
):
    parking = stories["parking"]

    with django_assert_num_queries(6):
        detail = cluster_detail(parking)

    assert sum(count for _, count in detail.volume_by_week) == 7
    assert sum(count for _, count in detail.volume_by_day) == 7
    assert detail.by_platform == [("x", 7)]
    assert detail.by_hospital == [("Riverside General Hospital", 7)]
    assert detail.representative.pk == parking.representative_id
    assert [m.posted_at for m in detail.latest] == sorted((m.posted_at for m in detail.latest), reverse=True)
    assert {cluster for cluster, _ in detail.related} == {stories["waits"], stories["portal"]}


def test_cluster_crowd_counts_authors_repeat_complainers_and_replies(complaint, django_assert_num_queries):
    for n, (handle, status) in enumerate(
        [
            ("dana", "new"),
            ("dana", "replied"),
            ("dana", "new"),
            ("eli", "resolved"),
            ("fay", "new"),
            ("", "new"),
        ]
    ):
        complaint(story(PARKING, n), author_handle=handle, triage_status=status)
    complaint(story(PARKING, 7), author_handle="dana", platform="reddit")
    clusters_recluster()
    [cluster] = Cluster.objects.all()

    with django_assert_num_queries(1):
        crowd = cluster_crowd(cluster)

    assert (crowd.mentions, crowd.authors, crowd.replied) == (7, 4, 2)
    assert crowd.repeat_complainers == [("x", "dana", 3)]
    assert crowd.repeat_authors == 1
    assert crowd.reply_rate == pytest.approx(2 / 7)
