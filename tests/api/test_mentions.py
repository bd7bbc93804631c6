"""Mentions through the API are filtered by the one MentionFilterSet the pages and exports use."""

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from administration import roles
from clusters.models import Cluster, ClusterMember
from mentions.filters import MentionFilterSet
from mentions.models import Mention
from mentions.selectors import mention_base_queryset
from tests.factories import HospitalFactory, MentionFactory, TrackedTermFactory
from tracking.models import Clinician, Department, HealthSystem, Location

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    """Mentions that differ in every way a filter can tell apart."""
    now = timezone.now()
    system = HealthSystem.objects.create(name="Riverside Health", slug="riverside-health")
    riverside = HospitalFactory(
        slug="riverside", name="Riverside General Hospital", is_own=True, system=system
    )
    mercy = HospitalFactory(slug="mercy", name="Mercy Valley Hospital")
    location = Location.objects.create(hospital=riverside, name="North campus")
    department = Department.objects.create(hospital=riverside, location=location, name="Emergency")
    clinician = Clinician.objects.create(hospital=riverside, department=department, name="Dr. Osei")
    term = TrackedTermFactory(hospital=riverside, clinician=clinician, text="Dr. Osei")
    rows = [
        MentionFactory(
            hospital=riverside,
            text="Parking at Riverside is $30 now",
            posted_at=now - timedelta(days=1),
            is_complaint=True,
            category="facilities_environment",
            severity="low",
            sentiment_label="negative",
        ),
        MentionFactory(
            hospital=riverside,
            text="Dr. Osei was wonderful",
            platform="reddit",
            posted_at=now - timedelta(days=3),
            is_complaint=False,
            sentiment_label="positive",
        ),
        MentionFactory(
            hospital=mercy,
            text="Mercy billed me twice",
            posted_at=now - timedelta(days=5),
            is_complaint=True,
            category="billing_insurance",
            severity="high",
            sentiment_label="negative",
        ),
        MentionFactory(
            hospital=mercy,
            text="Lord have mercy",
            posted_at=now - timedelta(days=2),
            match_status=Mention.MatchStatus.EXCLUDED,
        ),
        MentionFactory(hospital=None, text="Old news", platform="news", posted_at=now - timedelta(days=200)),
    ]
    rows[1].matched_terms.add(term)
    cluster = Cluster.objects.create(hospital=riverside, label="parking fees")
    ClusterMember.objects.create(
        mention=rows[0],
        cluster=cluster,
        similarity=1.0,
        assigned_by="staff",
        embedding=b"",
        posted_at=rows[0].posted_at,
    )
    # Only the first mention changed in the last hour (a plain update() leaves auto_now alone).
    Mention.objects.exclude(pk=rows[0].pk).update(updated_at=now - timedelta(days=1))
    today = timezone.localdate()
    return {
        "q": "parking",
        "hospital": "riverside",
        "platform": "reddit",
        "sentiment": "negative",
        "complaint": "true",
        "category": "billing_insurance",
        "severity": "high",
        "cluster": str(cluster.pk),
        "date_from": (today - timedelta(days=2)).isoformat(),
        "date_to": (today - timedelta(days=2)).isoformat(),
        "match": "excluded",
        "system": "riverside-health",
        "location": str(location.pk),
        "department": str(department.pk),
        "clinician": str(clinician.pk),
        "updated_since": (now - timedelta(hours=1)).isoformat(),
    }


@pytest.fixture
def reader(make_token, api_client):
    return api_client(make_token(roles.MARKETING))


def _api_ids(client, params: dict) -> list[int]:
    response = client.get("/api/v1/mentions/", params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def _filterset_ids(params: dict) -> list[int]:
    data = QueryDict(mutable=True)
    data.update(params)
    filterset = MentionFilterSet(data=data, queryset=mention_base_queryset())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs.order_by("-posted_at", "-id").values_list("id", flat=True))


def test_every_filter_of_the_filterset_has_a_case_here(world):
    """A filter added to MentionFilterSet reaches the API by itself; this makes sure it is tested too."""
    assert set(MentionFilterSet.base_filters) <= set(world)


@pytest.mark.parametrize("name", sorted(MentionFilterSet.base_filters))
def test_each_filter_passes_through_to_the_api(world, reader, name):
    params = {name: world[name]}
    expected = _filterset_ids(params)
    assert _api_ids(reader, params) == expected
    # The filter narrows something, so the test would notice it being ignored.
    assert expected != _filterset_ids({})


def test_filters_combine(world, reader):
    params = {"hospital": "riverside", "complaint": "true", "date_from": world["date_from"]}
    params["date_from"] = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert _api_ids(reader, params) == _filterset_ids(params) != []


def test_an_invalid_filter_says_which_and_why(world, reader):
    response = reader.get("/api/v1/mentions/", {"severity": "apocalyptic", "date_from": "yesterday"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"severity", "date_from"}


def test_a_mention_reads_as_on_its_page(world, reader):
    mention = Mention.objects.get(text="Parking at Riverside is $30 now")
    body = reader.get(f"/api/v1/mentions/{mention.pk}/").json()
    assert body["hospital"] == "riverside" and body["category"] == "facilities_environment"
    # Found by id whatever its match status.
    excluded = Mention.objects.get(text="Lord have mercy")
    assert reader.get(f"/api/v1/mentions/{excluded.pk}/").status_code == 200


def test_a_post_link_that_is_not_http_is_not_sent(world, reader):
    mention = MentionFactory(url="javascript:alert(1)")
    assert reader.get(f"/api/v1/mentions/{mention.pk}/").json()["url"] == ""
