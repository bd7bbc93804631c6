from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster, ClusterEdit
from clusters.services import clusters_assign
from tests.factories import MentionFactory, UserFactory


@pytest.fixture
def parking_cluster(hospitals):
    now = timezone.now()
    mentions = [
        MentionFactory(
            hospital=hospitals["riverside"],
            is_complaint=True,
            category="facilities_environment",
            severity="low",
            text=f"Parking garage fees at Riverside are a rip off, day {n}",
            author_handle=f"driver{n % 3}",
            posted_at=now - timedelta(days=n),
        )
        for n in range(6)
    ]
    clusters_assign(mention_ids=[m.pk for m in mentions])
    return Cluster.objects.get(hospital=hospitals["riverside"])


@pytest.mark.parametrize("name", ["clusters:cluster_list"])
def test_cluster_pages_require_login(client, db, name):
    assert client.get(reverse(name)).status_code == 302


def test_the_cluster_list_shows_clusters_with_sparklines(marketer_client, parking_cluster):
    response = marketer_client.get(reverse("clusters:cluster_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert parking_cluster.title in content
    assert '<svg class="sparkline"' in content


def test_the_cluster_list_empty_state(marketer_client, db):
    assert (
        b"No complaint clusters in this period"
        in marketer_client.get(reverse("clusters:cluster_list")).content
    )


def test_the_cluster_page_shows_its_crowd_and_links_to_its_mentions(marketer_client, parking_cluster):
    response = marketer_client.get(reverse("clusters:cluster_page", args=[parking_cluster.pk]))
    assert response.status_code == 200
    crowd = response.context["crowd"]
    assert (crowd.mentions, crowd.authors, crowd.repeat_authors, crowd.replied) == (6, 3, 3, 0)
    listed = marketer_client.get(response.context["mentions_url"]).context["page"].object_list
    assert len(listed) == 6
    assert b"Rename" not in response.content, "only people allowed to edit clusters see the forms"


def test_staff_rename_a_cluster(client, parking_cluster):
    editor = UserFactory(username="eve")
    editor.user_permissions.add(Permission.objects.get(codename="change_cluster"))
    client.force_login(editor)
    response = client.post(
        reverse("clusters:cluster_rename", args=[parking_cluster.pk]), {"name": "Garage fees"}
    )
    assert response.status_code == 302
    parking_cluster.refresh_from_db()
    assert parking_cluster.title == "Garage fees"
    assert ClusterEdit.objects.get().user == editor


def test_renaming_needs_permission(marketer_client, parking_cluster):
    url = reverse("clusters:cluster_rename", args=[parking_cluster.pk])
    assert marketer_client.post(url, {"name": "x"}).status_code == 403


def test_the_overview_lists_top_clusters(marketer_client, parking_cluster):
    response = marketer_client.get(reverse("dashboards:overview"))
    assert [row.cluster.pk for row in response.context["top_clusters"]] == [parking_cluster.pk]
    assert b"Top complaint clusters" in response.content


@pytest.fixture
def editor_client(client, db):
    editor = UserFactory(username="eve")
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_cluster", "view_cluster", "view_mention"])
    )
    client.force_login(editor)
    return client


def test_staff_split_complaints_into_a_named_cluster_that_survives_reclustering(
    editor_client, parking_cluster
):
    from clusters.models import ClusterMember
    from clusters.services import clusters_recluster

    page = editor_client.get(reverse("clusters:cluster_page", args=[parking_cluster.pk]))
    choices = [mention.pk for mention in page.context["split_choices"]]
    assert len(choices) == 6 and b"Split off complaints" in page.content
    chosen = choices[:2]

    response = editor_client.post(
        reverse("clusters:cluster_split", args=[parking_cluster.pk]),
        {"mentions": chosen, "name": "Night parking fees"},
    )
    new = Cluster.objects.get(name="Night parking fees")
    assert response.status_code == 302 and response.url == reverse("clusters:cluster_page", args=[new.pk])
    clusters_recluster()
    clusters_recluster()
    assert set(ClusterMember.objects.filter(cluster=new).values_list("mention_id", flat=True)) == set(chosen)
    left = set(ClusterMember.objects.filter(cluster=parking_cluster).values_list("mention_id", flat=True))
    assert left == set(choices[2:])
    new.refresh_from_db()
    assert (new.title, new.size, new.status) == ("Night parking fees", 2, Cluster.Status.ACTIVE)
    edit = ClusterEdit.objects.get(action=ClusterEdit.Action.SPLIT)
    assert (edit.cluster_id, edit.other_cluster_id, edit.user.username) == (parking_cluster.pk, new.pk, "eve")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Night parking"}, "Tick the complaints to split off."),
        ({"mentions": ["FIRST"]}, "Give the new cluster a name"),
        ({"mentions": ["999999"], "name": "Nope"}, "999999 is not a complaint of this cluster."),
    ],
)
def test_a_split_that_cannot_be_done_says_what_to_fix(editor_client, parking_cluster, data, message):
    first = parking_cluster.members.order_by("pk").first().mention_id
    data = {
        key: [str(first) if v == "FIRST" else v for v in value] if isinstance(value, list) else value
        for key, value in data.items()
    }
    response = editor_client.post(
        reverse("clusters:cluster_split", args=[parking_cluster.pk]), data, follow=True
    )
    assert message in response.content.decode()
    assert Cluster.objects.count() == 1


def test_people_who_cannot_edit_clusters_see_no_split_form_and_cannot_split(marketer_client, parking_cluster):
    page = marketer_client.get(reverse("clusters:cluster_page", args=[parking_cluster.pk]))
    assert "split_choices" not in page.context and b"Split off complaints" not in page.content
    response = marketer_client.post(
        reverse("clusters:cluster_split", args=[parking_cluster.pk]), {"mentions": [1], "name": "x"}
    )
    assert response.status_code == 403
