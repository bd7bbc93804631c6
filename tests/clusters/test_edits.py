import pytest
from django.core.exceptions import ValidationError

from clusters.models import Cluster, ClusterEdit, ClusterMember
from clusters.services import (
    cluster_member_move,
    cluster_merge,
    cluster_rename,
    cluster_split,
    clusters_recluster,
)
from tests.clusters.conftest import PARKING, PORTAL, WAITS, story
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return UserFactory(username="carol")


@pytest.fixture
def three_stories(complaint):
    """Four complaints each about parking, the portal and ER waits, clustered."""
    mentions = {topic: [complaint(story(topic, n)) for n in range(4)] for topic in (PARKING, PORTAL, WAITS)}
    clusters_recluster()
    return {
        topic: (items, ClusterMember.objects.get(mention=items[0]).cluster)
        for topic, items in mentions.items()
    }


def _cluster_of(mention) -> int:
    return ClusterMember.objects.get(mention=mention).cluster_id


def test_a_renamed_cluster_keeps_its_name_and_id_after_reclustering(three_stories, staff):
    _, parking = three_stories[PARKING]

    cluster_rename(cluster=parking, name="Garage fee hike", user=staff)
    clusters_recluster()

    parking.refresh_from_db()
    assert parking.title == "Garage fee hike"
    assert "parking" in parking.label
    edit = ClusterEdit.objects.get(cluster=parking)
    assert (edit.action, edit.user, edit.details["new"]) == ("rename", staff, "Garage fee hike")


def test_merged_clusters_stay_merged_after_reclustering(three_stories, staff):
    parking_mentions, parking = three_stories[PARKING]
    portal_mentions, portal = three_stories[PORTAL]

    cluster_merge(cluster=portal, into=parking, user=staff)
    clusters_recluster()

    portal.refresh_from_db()
    assert (portal.status, portal.merged_into, portal.size) == (Cluster.Status.MERGED, parking, 0)
    assert {_cluster_of(m) for m in parking_mentions + portal_mentions} == {parking.pk}
    parking.refresh_from_db()
    assert parking.size == 8
    assert ClusterEdit.objects.get(cluster=parking).other_cluster == portal


def test_merging_into_a_merged_or_the_same_cluster_is_refused(three_stories, staff):
    _, parking = three_stories[PARKING]
    _, portal = three_stories[PORTAL]
    cluster_merge(cluster=portal, into=parking, user=staff)

    with pytest.raises(ValidationError):
        cluster_merge(cluster=parking, into=portal, user=staff)
    with pytest.raises(ValidationError):
        cluster_merge(cluster=parking, into=parking, user=staff)


def test_split_off_mentions_stay_in_their_new_named_cluster_after_reclustering(three_stories, staff):
    waits_mentions, waits = three_stories[WAITS]

    new = cluster_split(
        cluster=waits, mention_ids=[m.pk for m in waits_mentions[:2]], user=staff, name="Night shift"
    )
    clusters_recluster()

    assert {_cluster_of(m) for m in waits_mentions[:2]} == {new.pk}
    assert {_cluster_of(m) for m in waits_mentions[2:]} == {waits.pk}
    new.refresh_from_db()
    assert (new.title, new.size, new.hospital_id) == ("Night shift", 2, waits.hospital_id)


def test_split_refuses_mentions_from_another_cluster(three_stories, staff):
    _, waits = three_stories[WAITS]
    portal_mentions, _ = three_stories[PORTAL]

    with pytest.raises(ValidationError):
        cluster_split(cluster=waits, mention_ids=[portal_mentions[0].pk], user=staff, name="Wrong")


def test_a_moved_member_stays_where_staff_put_it_after_reclustering(three_stories, staff):
    parking_mentions, parking = three_stories[PARKING]
    _, portal = three_stories[PORTAL]
    moved = parking_mentions[0]

    cluster_member_move(mention_id=moved.pk, to=portal, user=staff)
    clusters_recluster()
    clusters_recluster()

    member = ClusterMember.objects.get(mention=moved)
    assert (member.cluster_id, member.assigned_by) == (portal.pk, "staff")
    parking.refresh_from_db()
    portal.refresh_from_db()
    assert (parking.size, portal.size) == (3, 5)
    edit = ClusterEdit.objects.get(action="move")
    assert (edit.cluster_id, edit.other_cluster_id, edit.details["mention_id"]) == (
        parking.pk,
        portal.pk,
        moved.pk,
    )


def test_moving_the_last_member_out_retires_the_cluster(complaint, staff):
    lonely, other = complaint(story(PORTAL, 1)), complaint(story(PARKING, 2))
    clusters_recluster()
    emptied = ClusterMember.objects.get(mention=lonely).cluster

    cluster_member_move(mention_id=lonely.pk, to=ClusterMember.objects.get(mention=other).cluster, user=staff)

    emptied.refresh_from_db()
    assert (emptied.status, emptied.size) == (Cluster.Status.RETIRED, 0)
