"""Reads of sources, their runs, spend and coverage."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from mentions.models import Mention
from sources.models import CoverageGap, Source, SourceUsage, SyncRun, WebhookNotification
from sources.platforms import platform_requirements
from sources.services.costs import (
    BudgetState,
    QuotaState,
    forecast_month_spend,
    month_start,
    source_quota_state,
)
from sources.services.credentials import SecretState, credentials_readable, source_secret_states

# The secrets a source needs before Meta's webhook notifications can be checked and received.
WEBHOOK_SECRETS = frozenset({"app_secret", "webhook_verify_token"})


@dataclass(frozen=True, slots=True)
class Freshness:
    last_success_at: datetime | None
    broken_sources: list[str]
    failing_sources: list[str]
    month_spend: Decimal
    month_forecast: Decimal


def source_freshness() -> Freshness:
    """When data last arrived, which sources need attention, and this month's spend: on every dashboard."""
    sources = list(Source.objects.filter(is_enabled=True).exclude(kind=Source.Kind.FILE_IMPORT))
    last = SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED).aggregate(at=Max("finished_at"))["at"]
    spend = SourceUsage.objects.filter(month=month_start()).aggregate(c=Sum("cost_usd"))["c"] or Decimal(0)
    return Freshness(
        last_success_at=last,
        broken_sources=[s.name for s in sources if s.status == Source.Status.BROKEN],
        failing_sources=[s.name for s in sources if s.status == Source.Status.ERROR],
        month_spend=spend,
        month_forecast=forecast_month_spend(spend, timezone.now()),
    )


@dataclass(frozen=True, slots=True)
class SourceRow:
    source: Source
    mentions: int
    last_run: SyncRun | None
    budget: BudgetState
    open_gap: CoverageGap | None
    rate_limited_until: datetime | None = None
    credentials_readable: bool = True


def source_overview_list(*, source_ids: list[int] | None = None) -> list[SourceRow]:
    """Every source (or those in `source_ids`) with its health, latest run, mention count, spend, open
    gap and rate-limit state, in five queries."""
    sources = list(Source.objects.all() if source_ids is None else Source.objects.filter(pk__in=source_ids))
    ids = [source.pk for source in sources]
    mention_counts = dict(
        Mention.objects.filter(source__in=ids)
        .values("source")
        .annotate(n=Count("pk"))
        .values_list("source", "n")
    )
    latest_runs = {
        run.source_id: run
        for run in SyncRun.objects.filter(source__in=ids)
        .order_by("source_id", "-started_at")
        .distinct("source_id")
    }
    now = timezone.now()
    spend = dict(
        SourceUsage.objects.filter(month=month_start(now), source__in=ids)
        .values("source")
        .annotate(c=Sum("cost_usd"))
        .values_list("source", "c")
    )
    open_gaps = {
        gap.source_id: gap
        for gap in CoverageGap.objects.filter(end__isnull=True, query_key="", source__in=ids)
    }
    return [
        SourceRow(
            source=source,
            mentions=mention_counts.get(source.pk, 0),
            last_run=latest_runs.get(source.pk),
            budget=BudgetState(
                spent=spend.get(source.pk) or Decimal(0),
                budget=source.monthly_budget_usd,
                forecast=forecast_month_spend(spend.get(source.pk) or Decimal(0), now),
            ),
            open_gap=open_gaps.get(source.pk),
            rate_limited_until=_rate_limited_until(latest_runs.get(source.pk), now),
            credentials_readable=credentials_readable(source),
        )
        for source in sources
    ]


def _rate_limited_until(run: SyncRun | None, now: datetime) -> datetime | None:
    """When the platform said we may ask again, if that is still ahead."""
    if run is None or not run.rate_limit_wait_seconds:
        return None
    until = (run.finished_at or run.started_at) + timedelta(seconds=run.rate_limit_wait_seconds)
    return until if until > now else None


@dataclass(frozen=True, slots=True)
class SourceDetail:
    row: SourceRow
    runs: list[SyncRun]
    secrets: list[SecretState]
    gaps: list[CoverageGap]
    notifications: list[WebhookNotification]
    # None for kinds without webhooks.
    webhook_ready: bool | None
    # Today's use of the platform's daily quota; None for platforms without one.
    quota: QuotaState | None = None


def source_detail(*, source_id: int, runs: int = 10) -> SourceDetail:
    """One source as its page shows it: its overview row, recent runs, masked secrets, recent gaps and, for
    kinds with webhooks, recent notifications and whether the webhook's secrets are stored.
    Raises Source.DoesNotExist."""
    rows = source_overview_list(source_ids=[source_id])
    if not rows:
        raise Source.DoesNotExist(f"no source {source_id}")
    source = rows[0].source
    secrets = source_secret_states(source)
    requirements = platform_requirements(source.kind)
    has_webhook = requirements is not None and requirements.webhook
    return SourceDetail(
        row=rows[0],
        runs=list(SyncRun.objects.filter(source=source).order_by("-started_at")[:runs]),
        secrets=secrets,
        gaps=list(CoverageGap.objects.filter(source=source).order_by("-start")[:runs]),
        notifications=(
            list(WebhookNotification.objects.filter(source=source).order_by("-received_at")[:runs])
            if has_webhook
            else []
        ),
        webhook_ready=(
            {secret.key for secret in secrets if secret.is_set} >= WEBHOOK_SECRETS if has_webhook else None
        ),
        quota=source_quota_state(source),
    )


def coverage_gaps_between(
    *, start: datetime, end: datetime, include_unsupported: bool = True
) -> QuerySet[CoverageGap]:
    """Gaps that overlap [start, end), open ones included. include_unsupported=False leaves out what a
    platform never offers (no keyword search on LinkedIn): a permanent fact for the coverage page, not a
    period of silence to shade on a chart."""
    gaps = CoverageGap.objects.all()
    if not include_unsupported:
        gaps = gaps.exclude(reason=CoverageGap.Reason.UNSUPPORTED)
    return (
        gaps.filter(start__lt=end)
        .filter(Q(end__isnull=True) | Q(end__gt=start))
        .select_related("source")
        .order_by("start")
    )


def source_list() -> QuerySet[Source]:
    return Source.objects.all()
