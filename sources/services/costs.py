"""The cost governor: counts billable reads per source, hospital and month, and says when to slow or stop."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Sum
from django.utils import timezone

from sources.models import Source, SourceUsage
from tracking.models import Hospital


def month_start(moment: datetime | None = None) -> date:
    return timezone.localdate(moment or timezone.now()).replace(day=1)


def cost_per_read(source: Source) -> Decimal:
    price = source.config.get("cost_per_read_usd", settings.SOURCE_COST_PER_READ_USD.get(source.kind, "0"))
    return Decimal(str(price))


def usage_record(*, source: Source, hospital_id: int | None, reads: int, api_calls: int) -> Decimal:
    """Add a page's reads to this month's usage. Writes one SourceUsage row (upsert). Returns the cost."""
    cost = cost_per_read(source) * reads
    if not reads and not api_calls:
        return cost
    usage, _ = SourceUsage.objects.get_or_create(source=source, hospital_id=hospital_id, month=month_start())
    SourceUsage.objects.filter(pk=usage.pk).update(
        reads=F("reads") + reads, api_calls=F("api_calls") + api_calls, cost_usd=F("cost_usd") + cost
    )
    return cost


def source_spend(source: Source, month: date | None = None) -> Decimal:
    total = SourceUsage.objects.filter(source=source, month=month or month_start()).aggregate(
        c=Sum("cost_usd")
    )
    return total["c"] or Decimal(0)


def hospital_spend(hospital_id: int, month: date | None = None) -> Decimal:
    total = SourceUsage.objects.filter(hospital_id=hospital_id, month=month or month_start()).aggregate(
        c=Sum("cost_usd")
    )
    return total["c"] or Decimal(0)


@dataclass(frozen=True, slots=True)
class BudgetState:
    spent: Decimal
    budget: Decimal | None
    forecast: Decimal

    @property
    def exhausted(self) -> bool:
        return self.budget is not None and self.spent >= self.budget

    @property
    def slow_down(self) -> bool:
        return self.budget is not None and self.spent >= self.budget * Decimal(
            str(settings.BUDGET_SLOWDOWN_AT)
        )

    @property
    def share_used(self) -> float | None:
        return float(self.spent / self.budget) if self.budget else None


def forecast_month_spend(spent: Decimal, now: datetime) -> Decimal:
    """This month's spend if the rate so far holds to the month's end."""
    today = timezone.localdate(now)
    first = today.replace(day=1)
    next_month = (first.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)
    days_in_month = (next_month - first).days
    elapsed = (today - first).days + (now.hour * 3600 + now.minute * 60) / 86400
    return (spent * Decimal(days_in_month) / Decimal(max(elapsed, 0.25))).quantize(Decimal("0.01"))


def source_budget_state(source: Source, now: datetime | None = None) -> BudgetState:
    now = now or timezone.now()
    spent = source_spend(source, month_start(now))
    return BudgetState(
        spent=spent, budget=source.monthly_budget_usd, forecast=forecast_month_spend(spent, now)
    )


def hospital_budget_state(hospital: Hospital, now: datetime | None = None) -> BudgetState:
    now = now or timezone.now()
    spent = hospital_spend(hospital.pk, month_start(now))
    return BudgetState(
        spent=spent, budget=hospital.monthly_budget_usd, forecast=forecast_month_spend(spent, now)
    )
