from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from sources.connectors.base import CoverageGap as ReportedGap
from sources.connectors.base import FetchResult, TransientConnectorError
from sources.connectors.demo import DemoConnector
from sources.models import CoverageGap, Source, SourceUsage, SyncRun
from sources.services import costs, source_sync, sources_claim_due
from sources.services import sync as sync_service


class BillableDemoConnector(DemoConnector):
    """The demo connector, billed like X: every post read costs."""

    kind = "demo"
    reported_gaps: tuple[ReportedGap, ...] = ()

    def fetch(self, query, cursor):
        result = super().fetch(query, cursor)
        return FetchResult(
            items=result.items,
            next_cursor=result.next_cursor,
            has_more=result.has_more,
            billable_reads=len(result.items),
            coverage_gaps=self.reported_gaps,
        )


@pytest.fixture
def billed_source(demo_source, monkeypatch):
    monkeypatch.setattr(sync_service, "connector_for", lambda kind, config: BillableDemoConnector(config))
    demo_source.config = {**demo_source.config, "cost_per_read_usd": "0.005"}
    demo_source.save()
    return demo_source


def test_reads_are_counted_and_priced_per_source_and_hospital(billed_source, hospitals):
    run = source_sync(source_id=billed_source.pk)
    assert run.billable_reads == 7  # Mercy Valley's query reads 3 posts, Riverside's 4.
    assert run.cost_usd == Decimal("0.035")
    by_hospital = dict(SourceUsage.objects.values_list("hospital__slug", "reads"))
    assert by_hospital == {"mercy-valley": 3, "riverside": 4}
    assert costs.source_spend(billed_source) == Decimal("0.035")


def test_the_governor_stops_polling_at_the_source_budget(billed_source):
    billed_source.monthly_budget_usd = Decimal("0.01")
    billed_source.save()
    first = source_sync(source_id=billed_source.pk)
    assert first.status == SyncRun.Status.BUDGET_STOPPED
    assert first.billable_reads == 3, "the first page is read, then the budget check stops the second"
    second = source_sync(source_id=billed_source.pk)
    assert second.status == SyncRun.Status.BUDGET_STOPPED
    assert second.api_calls == 0
    gap = CoverageGap.objects.get()
    assert gap.reason == CoverageGap.Reason.BUDGET and gap.end is None
    billed_source.refresh_from_db()
    assert "monthly budget" in billed_source.last_error
    assert "Raise the monthly budget" in billed_source.how_to_fix


def test_the_governor_stops_a_hospital_at_its_budget(billed_source, hospitals):
    hospitals["mercy"].monthly_budget_usd = Decimal("0.001")
    hospitals["mercy"].save()
    SourceUsage.objects.create(
        source=billed_source,
        hospital=hospitals["mercy"],
        month=costs.month_start(),
        reads=1,
        cost_usd="0.005",
    )
    run = source_sync(source_id=billed_source.pk)
    assert run.status == SyncRun.Status.BUDGET_STOPPED
    assert "Mercy Valley Hospital reached its monthly budget" in run.error


def test_polling_slows_down_near_the_budget(billed_source):
    billed_source.monthly_budget_usd = Decimal("1.00")
    billed_source.poll_interval_minutes = 10
    billed_source.save()
    SourceUsage.objects.create(
        source=billed_source, hospital=None, month=costs.month_start(), cost_usd="0.85"
    )
    now = timezone.now()
    assert sources_claim_due(now=now) == [billed_source.pk]
    billed_source.refresh_from_db()
    assert billed_source.next_poll_at == now + timedelta(minutes=40)


def test_forecast_extrapolates_the_month_so_far(db):
    source = Source.objects.create(name="x", kind="x", monthly_budget_usd=Decimal("100"))
    now = timezone.make_aware(datetime(2026, 11, 16, 0, 0))
    SourceUsage.objects.create(source=source, hospital=None, month=costs.month_start(now), cost_usd="30")
    state = costs.source_budget_state(source, now)
    assert state.forecast == Decimal("60.00")  # 30 in 15 of 30 days.
    assert state.share_used == pytest.approx(0.3)
    assert not state.exhausted and not state.slow_down


def test_a_credential_failure_opens_a_gap_from_the_last_success_until_fixed(demo_source, monkeypatch):
    first = source_sync(source_id=demo_source.pk)
    from sources.connectors.base import ConnectorError

    def broken(query, cursor):
        raise ConnectorError("401 Unauthorized", how_to_fix="Paste a new token.")

    monkeypatch.setattr(DemoConnector, "fetch", staticmethod(broken))
    source_sync(source_id=demo_source.pk)
    source_sync(source_id=demo_source.pk)
    gap = CoverageGap.objects.get()
    assert gap.reason == CoverageGap.Reason.CREDENTIALS
    assert gap.start == first.finished_at
    assert gap.end is None
    demo_source.refresh_from_db()
    assert demo_source.status == Source.Status.BROKEN
    assert demo_source.how_to_fix == "Paste a new token."

    monkeypatch.undo()
    fixed = source_sync(source_id=demo_source.pk)
    gap.refresh_from_db()
    assert gap.end == fixed.finished_at


def test_a_rate_limit_is_recorded_as_its_own_kind_of_gap(demo_source, monkeypatch):
    def limited(query, cursor):
        raise TransientConnectorError("429 Too Many Requests", retry_after=600)

    monkeypatch.setattr(DemoConnector, "fetch", staticmethod(limited))
    with pytest.raises(TransientConnectorError):
        source_sync(source_id=demo_source.pk)
    assert CoverageGap.objects.get().reason == CoverageGap.Reason.RATE_LIMIT
    assert SyncRun.objects.get().rate_limit_wait_seconds == 600


def test_gaps_a_connector_reports_are_stored_per_query(billed_source):
    now = timezone.now()
    BillableDemoConnector.reported_gaps = (
        ReportedGap(now - timedelta(days=9), now - timedelta(days=7), "7 days"),
    )
    try:
        source_sync(source_id=billed_source.pk)
    finally:
        BillableDemoConnector.reported_gaps = ()
    gaps = CoverageGap.objects.filter(reason=CoverageGap.Reason.WINDOW)
    assert sorted(gaps.values_list("query_key", flat=True)) == ["hospital:mercy-valley", "hospital:riverside"]
    assert all(gap.end is not None for gap in gaps)
