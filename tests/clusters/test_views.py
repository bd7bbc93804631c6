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
