from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sources.models import CoverageGap, Source, SourceUsage, SyncRun
from sources.services.costs import month_start
from tests.factories import MentionFactory, SourceFactory


@pytest.mark.parametrize("name", ["sources:source_list", "sources:coverage"])
def test_pages_require_login(client, db, name):
    assert client.get(reverse(name)).status_code == 302


def test_source_list_shows_health_spend_and_how_to_fix(admin_client, db, django_assert_max_num_queries):
    broken = SourceFactory(
        name="X main",
        kind=Source.Kind.X,
        status=Source.Status.BROKEN,
        last_error="401 Unauthorized",
        how_to_fix="Create a new bearer token in the X developer portal.",
        monthly_budget_usd=Decimal("50"),
    )
    SourceUsage.objects.create(source=broken, month=month_start(), reads=2000, cost_usd="10")
    SyncRun.objects.create(source=broken, status=SyncRun.Status.FAILED, error="401 Unauthorized")
    MentionFactory(source=broken)
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("sources:source_list"))
    content = response.content.decode()
    assert "Broken: needs attention" in content
    assert "Create a new bearer token" in content
    assert "$10.00 of $50.00" in content


def test_source_list_empty_state(admin_client, db):
    assert b"No sources yet" in admin_client.get(reverse("sources:source_list")).content


def test_coverage_page_shows_a_planted_outage(marketer_client, db):
    source = SourceFactory(name="Reddit city subs", kind=Source.Kind.REDDIT)
    Source.objects.filter(pk=source.pk).update(created_at=timezone.now() - timedelta(days=20))
    CoverageGap.objects.create(
        source=source,
        start=timezone.now() - timedelta(days=3),
        end=timezone.now() - timedelta(days=2),
        reason=CoverageGap.Reason.OUTAGE,
        detail="503 Service Unavailable",
    )
    response = marketer_client.get(reverse("sources:coverage"), {"days": "7"})
    assert response.status_code == 200
    assert "503 Service Unavailable" in response.content.decode()
    chart = response.context["chart"]
    outage = [trace for trace in chart["data"] if trace["name"] == "Platform outage or error"]
    assert outage and outage[0]["y"] == ["Reddit city subs"]
    assert outage[0]["x"][0] == pytest.approx(86_400_000, rel=0.01)


def test_coverage_page_says_when_there_are_no_gaps(marketer_client, db):
    SourceFactory(name="Demo")
    assert b"every source was listening" in marketer_client.get(reverse("sources:coverage")).content


def test_the_overview_marks_a_period_with_gaps(marketer_client, hospitals):
    source = SourceFactory(name="X main", kind=Source.Kind.X)
    MentionFactory(hospital=hospitals["riverside"])
    CoverageGap.objects.create(
        source=source, start=timezone.now() - timedelta(days=2), reason=CoverageGap.Reason.CREDENTIALS
    )
    response = marketer_client.get(reverse("dashboards:overview"))
    assert b"Coverage gaps in this period" in response.content
    assert b"still open" in response.content
    assert len(response.context["charts"]["volume"]["layout"]["shapes"]) == 1
