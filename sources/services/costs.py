"""The cost governor: counts billable reads per source, hospital and month, and says when to slow or stop."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from sources.models import Source, SourceCursor, SourceUsage
from tracking.models import Hospital

# Platforms metered by a daily quota of units rather than money: the default quota and the zone whose
# midnight resets it. YouTube gives each Google Cloud project 10,000 units a day, reset at midnight Pacific.
DAILY_QUOTAS: dict[str, tuple[int, str]] = {"youtube": (10_000, "America/Los_Angeles")}
# The day's units used are kept in a cursor row of the source under this key: it is written in the same
# transaction as the page that used them, under the source's poll lock, like every other cursor.
QUOTA_CURSOR_KEY = "quota:daily-units"
# Polling stops with this share of the day's quota left, so replies (50 units each on YouTube) and a
# connection test still fit, and a search started near the limit does not overrun it.
QUOTA_RESERVE_SHARE = 0.05


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


@dataclass(frozen=True, slots=True)
class QuotaState:
    """Units of a platform's daily quota used today, the day's limit and when it resets."""

    used: int
    limit: int
    resets_at: datetime

    @property
    def exhausted(self) -> bool:
        return self.used >= self.limit * (1 - QUOTA_RESERVE_SHARE)

    @property
    def slow_down(self) -> bool:
        return self.used >= self.limit * settings.BUDGET_SLOWDOWN_AT


def _quota_day(zone: ZoneInfo, now: datetime) -> tuple[str, datetime]:
    local = now.astimezone(zone)
    reset = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return local.date().isoformat(), reset


def _quota_settings(source: Source) -> tuple[int, ZoneInfo] | None:
    if source.kind not in DAILY_QUOTAS:
        return None
    default, zone = DAILY_QUOTAS[source.kind]
    limit = source.config.get("daily_quota_units", default)
    return (limit if isinstance(limit, int) and limit > 0 else default), ZoneInfo(zone)


def source_quota_state(source: Source, now: datetime | None = None) -> QuotaState | None:
    """Today's use of the source's daily quota, or None when its platform has none."""
    quota = _quota_settings(source)
    if quota is None:
        return None
    limit, zone = quota
    day, resets_at = _quota_day(zone, now or timezone.now())
    position = (
        SourceCursor.objects.filter(source=source, query_key=QUOTA_CURSOR_KEY)
        .values_list("position", flat=True)
        .first()
    ) or {}
    used = position.get("units", 0) if position.get("day") == day else 0
    return QuotaState(used=int(used), limit=limit, resets_at=resets_at)


def quota_units_record(*, source: Source, units: int, now: datetime | None = None) -> None:
    """Add units to today's use of the source's daily quota (a new day starts from 0). Writes the source's
    quota cursor row; does nothing for platforms without a daily quota."""
    quota = _quota_settings(source)
    if quota is None or not units:
        return
    day, _ = _quota_day(quota[1], now or timezone.now())
    with transaction.atomic():
        row, _ = SourceCursor.objects.select_for_update().get_or_create(
            source=source, query_key=QUOTA_CURSOR_KEY
        )
        used = row.position.get("units", 0) if row.position.get("day") == day else 0
        row.position = {"day": day, "units": int(used) + units}
        row.save(update_fields=["position", "updated_at"])
