"""The cost governor: counts billable reads per source, hospital and month, and units of a platform's daily
quota per day, and says when to slow or stop."""

import re
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


@dataclass(frozen=True, slots=True)
class DailyQuota:
    """A platform metered by a daily quota of units rather than money: the default quota, the units polling
    leaves for replies, and the zone whose midnight resets it."""

    units: int
    reply_reserve: int
    zone: str


# YouTube gives each Google Cloud project 10,000 units a day, reset at midnight Pacific; a reply costs 50, so
# polling leaves room for ten. Sources override both with daily_quota_units and reply_reserve_units.
DAILY_QUOTAS: dict[str, DailyQuota] = {
    "youtube": DailyQuota(units=10_000, reply_reserve=500, zone="America/Los_Angeles"),
}
# The day's units used are kept in a cursor row of the source under this key: it is written in the same
# transaction as the page that used them, under the source's poll lock, like every other cursor.
QUOTA_CURSOR_KEY = "quota:daily-units"
# The quota belongs to the Google Cloud project, and an OAuth client id starts with the project's number:
# sources whose clients share a project share one day's units.
_GOOGLE_PROJECT_CLIENT = re.compile(r"([0-9]+)-[A-Za-z0-9_]+\.apps\.googleusercontent\.com")


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
    """Units of a platform's daily quota used today (by every source on the same quota), the day's limit,
    the units polling leaves for replies, and when the day resets."""

    used: int
    limit: int
    reply_reserve: int
    resets_at: datetime

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    @property
    def polling_allowance(self) -> int:
        """What polling may still use today: the remaining units less the replies' reserve."""
        return max(self.limit - self.reply_reserve - self.used, 0)

    def polling_allows(self, units: int) -> bool:
        # A fetch that makes no call still needs a unit of room: once at the reserve, polling stops.
        return max(units, 1) <= self.polling_allowance

    def reply_allows(self, units: int) -> bool:
        return units <= self.remaining

    @property
    def exhausted(self) -> bool:
        return self.polling_allowance <= 0

    @property
    def slow_down(self) -> bool:
        return self.used >= self.limit * settings.BUDGET_SLOWDOWN_AT


def _quota_day(zone: ZoneInfo, now: datetime) -> tuple[str, datetime]:
    local = now.astimezone(zone)
    reset = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return local.date().isoformat(), reset


def _setting_units(source: Source, key: str, default: int, *, below: int | None = None) -> int:
    value = source.config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (below and value >= below):
        return default
    return value


def _quota_settings(source: Source) -> tuple[int, int, ZoneInfo] | None:
    quota = DAILY_QUOTAS.get(source.kind)
    if quota is None:
        return None
    limit = _setting_units(source, "daily_quota_units", quota.units) or quota.units
    reserve = _setting_units(source, "reply_reserve_units", min(quota.reply_reserve, limit // 2), below=limit)
    return limit, reserve, ZoneInfo(quota.zone)


def _quota_sharers(source: Source):
    """The sources counted against the same quota as `source`: those whose OAuth client belongs to the same
    Google Cloud project, or the source alone."""
    project = _GOOGLE_PROJECT_CLIENT.fullmatch(str(source.config.get("client_id") or "").strip())
    if project is None:
        return Source.objects.filter(pk=source.pk).values("pk")
    return Source.objects.filter(
        kind=source.kind, config__client_id__startswith=f"{project.group(1)}-"
    ).values("pk")


def source_quota_state(source: Source, now: datetime | None = None) -> QuotaState | None:
    """Today's use of the source's daily quota (its own calls and those of sources on the same Google Cloud
    project), or None when its platform has none. One query."""
    quota = _quota_settings(source)
    if quota is None:
        return None
    limit, reserve, zone = quota
    day, resets_at = _quota_day(zone, now or timezone.now())
    positions = SourceCursor.objects.filter(
        source__in=_quota_sharers(source), query_key=QUOTA_CURSOR_KEY
    ).values_list("position", flat=True)
    used = sum(
        int(position.get("units") or 0)
        for position in positions
        if isinstance(position, dict) and position.get("day") == day
    )
    return QuotaState(used=used, limit=limit, reply_reserve=reserve, resets_at=resets_at)


def quota_units_record(*, source: Source, units: int, now: datetime | None = None) -> None:
    """Add units to today's use of the source's daily quota (a new day starts from 0). Writes the source's
    quota cursor row; does nothing for platforms without a daily quota."""
    quota = _quota_settings(source)
    if quota is None or not units:
        return
    day, _ = _quota_day(quota[2], now or timezone.now())
    with transaction.atomic():
        row, _ = SourceCursor.objects.select_for_update().get_or_create(
            source=source, query_key=QUOTA_CURSOR_KEY
        )
        used = row.position.get("units", 0) if row.position.get("day") == day else 0
        row.position = {"day": day, "units": int(used) + units}
        row.save(update_fields=["position", "updated_at"])


def quota_spent_record(*, source: Source, now: datetime | None = None) -> None:
    """Count the rest of today's quota as used, because the platform said it is (YouTube's quotaExceeded:
    another app on the project, or calls made elsewhere). Writes the source's quota cursor row."""
    state = source_quota_state(source, now)
    if state is not None and state.remaining:
        quota_units_record(source=source, units=state.remaining, now=now)


def quota_reply_refusal(*, source: Source, units: int, now: datetime | None = None) -> str:
    """Why a reply costing `units` of the source's daily quota must not be posted now ("" when it may):
    what is left of today's quota cannot cover it."""
    state = source_quota_state(source, now)
    if state is None or state.reply_allows(units):
        return ""
    resets = timezone.localtime(state.resets_at).strftime("%Y-%m-%d %H:%M %Z")
    return (
        f"Not posted: a reply costs up to {units:,} units of {source.name}'s daily quota and only "
        f"{state.remaining:,} of {state.limit:,} are left today. The quota resets at {resets} (midnight in "
        f"{state.resets_at.tzinfo}); post the reply again then."
    )
