from datetime import timedelta

import pytest
from django.utils import timezone

from clusters.models import Cluster, ClusterDay, ClusterMember
from clusters.services import clusters_assign, clusters_recluster
from tests.clusters.conftest import PARKING, PORTAL, WAITS, story
from tests.factories import HospitalFactory

pytestmark = pytest.mark.django_db


def test_clusters_assign_joins_the_nearest_cluster_or_starts_a_new_one(complaint):
    first = complaint(story(PARKING, 1))
    clusters_assign(mention_ids=[first.pk])
    second, other = complaint(story(PARKING, 2)), complaint(story(PORTAL, 3))

    result = clusters_assign(mention_ids=[second.pk, other.pk])

    assert (result.joined, result.started) == (1, 1)
    parking = ClusterMember.objects.get(mention=first).cluster
    assert ClusterMember.objects.get(mention=second).cluster == parking
    assert ClusterMember.objects.get(mention=other).cluster != parking
    parking.refresh_from_db()
    assert parking.size == 2
    assert parking.last_seen == second.posted_at
    assert ClusterDay.objects.filter(cluster=parking).values_list("count", flat=True).get() == 2


def test_clusters_assign_skips_non_complaints_and_already_placed_mentions(complaint, fake_embedder):
    placed = complaint(story(PARKING, 1))
    clusters_assign(mention_ids=[placed.pk])
    praise = complaint("lovely nurses", is_complaint=False)

    result = clusters_assign(mention_ids=[placed.pk, praise.pk])

    assert (result.joined, result.started) == (0, 0)
    assert len(fake_embedder) == 1  # Nothing was embedded a second time.


def test_clusters_assign_leaves_out_mentions_a_terms_exclusions_ruled_out(complaint):
    excluded = complaint(story(PARKING, 2), match_status="excluded")
    assert clusters_assign(mention_ids=[excluded.pk]).started == 0
    assert not ClusterMember.objects.exists()


def test_clusters_assign_never_mixes_hospitals(complaint):
    mercy = HospitalFactory(name="Mercy Valley Hospital", slug="mercy-valley")
    ours, theirs = complaint(story(PARKING, 1)), complaint(story(PARKING, 2), hospital=mercy)

    clusters_assign(mention_ids=[ours.pk, theirs.pk])

    assert ClusterMember.objects.get(mention=ours).cluster.hospital.slug == "riverside"
    assert ClusterMember.objects.get(mention=theirs).cluster.hospital == mercy


def test_recluster_separates_stories_and_keeps_the_id_for_the_biggest_overlap(complaint, settings):
    # Too loose a threshold lumps two stories into one cluster as they arrive.
    settings.CLUSTERS_ASSIGN_MIN_SIMILARITY = -1.0
    parking = [complaint(story(PARKING, n)) for n in range(6)]
    portal = [complaint(story(PORTAL, n)) for n in range(3)]
    clusters_assign(mention_ids=[m.pk for m in parking + portal])
    [lumped] = Cluster.objects.all()

    result = clusters_recluster()

    assert (result.kept, result.created, result.moved) == (1, 1, 3)
    assert {ClusterMember.objects.get(mention=m).cluster_id for m in parking} == {lumped.pk}
    [split_off] = {ClusterMember.objects.get(mention=m).cluster_id for m in portal}
    assert split_off != lumped.pk
    lumped.refresh_from_db()
    assert lumped.size == 6
    assert "parking" in lumped.label and lumped.label.endswith("at Riverside General Hospital")
    assert lumped.representative_id in {m.pk for m in parking}


def test_recluster_twice_in_a_row_keeps_every_cluster_identity(complaint):
    mentions = [complaint(story(topic, n)) for topic in (PARKING, PORTAL, WAITS) for n in range(4)]
    clusters_recluster()
    before = dict(ClusterMember.objects.values_list("mention_id", "cluster_id"))
    labels = dict(Cluster.objects.values_list("pk", "label"))

    result = clusters_recluster()

    assert (result.moved, result.created, result.retired) == (0, 0, 0)
    assert dict(ClusterMember.objects.values_list("mention_id", "cluster_id")) == before
    assert dict(Cluster.objects.values_list("pk", "label")) == labels
    assert len(set(before.values())) == 3 and len(before) == len(mentions)


def test_recluster_embeds_only_complaints_that_have_no_cluster_yet(complaint, fake_embedder):
    complaint(story(PARKING, 1))
    clusters_recluster()
    complaint(story(PARKING, 2))

    result = clusters_recluster()

    assert result.embedded == 1
    assert [len(batch) for batch in fake_embedder] == [1, 1]


def test_recluster_retires_clusters_left_without_members_in_the_window(complaint, settings):
    settings.CLUSTERS_WINDOW_DAYS = 30
    old = complaint(story(PORTAL, 1), days_ago=20)
    complaint(story(PARKING, 2), days_ago=1)
    clusters_recluster()
    old_cluster = ClusterMember.objects.get(mention=old).cluster
    settings.CLUSTERS_WINDOW_DAYS = 10

    result = clusters_recluster()

    old_cluster.refresh_from_db()
    assert result.retired == 1
    assert old_cluster.status == Cluster.Status.RETIRED
    assert ClusterMember.objects.filter(mention=old, cluster=old_cluster).exists()  # History is kept.
    assert Cluster.objects.filter(status=Cluster.Status.ACTIVE).count() == 1


def test_recluster_drops_members_that_are_no_longer_complaints(complaint):
    kept, corrected = complaint(story(PARKING, 1)), complaint(story(PARKING, 2))
    clusters_recluster()
    corrected.is_complaint = False
    corrected.save(update_fields=["is_complaint"])

    clusters_recluster()

    assert not ClusterMember.objects.filter(mention=corrected).exists()
    assert ClusterMember.objects.get(mention=kept).cluster.size == 1


def test_recluster_leaves_members_outside_the_window_in_place(complaint, settings):
    settings.CLUSTERS_WINDOW_DAYS = 30
    old = complaint(story(PARKING, 1), days_ago=60)
    clusters_assign(mention_ids=[old.pk])
    cluster = ClusterMember.objects.get(mention=old).cluster
    recent = complaint(story(PARKING, 2), days_ago=1)

    clusters_recluster(now=timezone.now() + timedelta(minutes=1))

    assert ClusterMember.objects.get(mention=old).cluster == cluster
    assert ClusterMember.objects.get(mention=recent).cluster == cluster
