"""Clusters with their time series, as the cluster pages show them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from administration import roles
from clusters.models import Cluster, ClusterDay, ClusterMember
from tests.triage.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster(db):
    today = timezone.localdate()
    complaints = [
        ComplaintFactory(
            text=f"Parking fee complaint {n}",
            author_handle=f"p{n % 3}",
            posted_at=timezone.now() - timedelta(days=n),
        )
        for n in range(6)
    ]
    cluster = Cluster.objects.create(
        hospital=complaints[0].hospital,
        label="parking fees",
        key_terms=["parking", "fee"],
        size=6,
        is_emerging=True,
        emerging_since=timezone.now() - timedelta(days=2),
        first_seen=complaints[-1].posted_at,
        representative=complaints[0],
    )
    for mention in complaints:
        ClusterMember.objects.create(
            mention=mention,
            cluster=cluster,
            similarity=0.9,
            assigned_by="incremental",
            embedding=b"",
            posted_at=mention.posted_at,
        )
        ClusterDay.objects.update_or_create(
            cluster=cluster,
            day=timezone.localdate(mention.posted_at),
            platform="x",
            category="wait_times",
            defaults={"count": 1},
        )
    assert ClusterDay.objects.filter(day__lte=today).count() == 6
    return cluster


@pytest.fixture
def reader(make_token, api_client):
    return api_client(make_token(roles.MARKETING))


def test_the_list_has_counts_and_weekly_series(cluster, reader):
    response = reader.get("/api/v1/clusters/")
    assert response.status_code == 200
    [row] = response.json()
    assert (row["id"], row["title"], row["is_emerging"], row["hospital"]) == (
        cluster.pk,
        "parking fees",
        True,
        "riverside",
    )
    assert row["size"] == 6 and sum(row["weekly_counts"]) == 6 and len(row["weekly_counts"]) >= 12


def test_the_list_takes_the_mention_filters(cluster, reader):
    assert reader.get("/api/v1/clusters/", {"category": "billing_insurance"}).json() == []
    assert reader.get("/api/v1/clusters/", {"hospital": "riverside", "platform": "x"}).json()
    old = (timezone.localdate() - timedelta(days=400)).isoformat()
    assert reader.get("/api/v1/clusters/", {"date_from": old, "date_to": old}).json() == []
    invalid = reader.get("/api/v1/clusters/", {"date_from": "soon"})
    assert invalid.status_code == 400 and "date_from" in invalid.json()["error"]["fields"]


def test_a_cluster_has_its_series_breakdowns_and_crowd(cluster, reader):
    body = reader.get(f"/api/v1/clusters/{cluster.pk}/").json()
    assert sum(point["count"] for point in body["volume_by_day"]) == 6
    assert len(body["volume_by_day"]) == 90
    assert sum(point["count"] for point in body["volume_by_week"]) == 6
    assert body["by_platform"] == [{"key": "x", "count": 6}]
    assert body["crowd"]["mentions"] == 6 and body["crowd"]["authors"] == 3
    assert body["representative_mention"]["text"] == "Parking fee complaint 0"
    assert len(body["latest_mentions"]) == 6


def test_an_unknown_cluster_is_a_404(reader):
    assert reader.get("/api/v1/clusters/0/").status_code == 404
    assert reader.get("/api/v1/clusters/abc/").status_code == 404
