"""Reads for the complaint queue: the queue page, one item's SLA clock, and the response-time report."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import models
from django.db.models import Case, Count, DurationField, ExpressionWrapper, F, Q, Value, When
from django.db.models.functions import Coalesce, Now, TruncMonth, TruncWeek
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from enrichment.taxonomy import Category, Severity
from triage.models import CLOSED_STATUSES, OPEN_STATUSES, QueueItem, ReplyTemplate

# Less than this share of the target's time left counts as "due soon".
DUE_SOON_SHARE = 0.25


class SavedView(models.TextChoices):
    MY_QUEUE = "my_queue", "My queue"
    CRITICAL = "critical", "Critical"
    UNASSIGNED = "unassigned", "Unassigned"


class SlaState(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    DUE_SOON = "due_soon", "Due soon"
    BREACHED = "breached", "Breached"


class ResponseGroup(models.TextChoices):
    CATEGORY = "category", "Category"
    ASSIGNEE = "assignee", "Assignee"
    WEEK = "week", "Week"


class PercentileCont(models.Aggregate):
    """Postgres percentile_cont(fraction) WITHIN GROUP (ORDER BY expression); works on intervals too."""

    function = "percentile_cont"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, *, fraction: float, **extra):
        # A float literal, never user input: formatted into the SQL rather than passed as a parameter because
        # Postgres needs it to be a constant of the aggregate.
        super().__init__(expression, fraction=float(fraction), **extra)


def _now_expression(now: datetime | None):
    return Value(now, output_field=models.DateTimeField()) if now else Now()


def _with_sla_state(queryset, now: datetime | None):
    """Annotate sla_due (the clock that is running: first response until there is one, then resolution) and
    sla_state (null for closed items), in SQL so the queue can filter and count on them."""
    now_expr = _now_expression(now)
    due = Case(
        When(first_response_at__isnull=True, then=F("sla_first_response_due")),
        default=F("sla_resolution_due"),
    )
    # Due soon: at most a quarter of the target's time left, i.e. 4 * (due - now) <= (due - created_at).
    left_times_four = ExpressionWrapper((F("sla_due") - now_expr) * int(1 / DUE_SOON_SHARE), DurationField())
    span = ExpressionWrapper(F("sla_due") - F("created_at"), DurationField())
    state = Case(
        When(status__in=CLOSED_STATUSES, then=Value(None)),
        When(sla_due__isnull=True, then=Value(SlaState.ON_TRACK)),
        When(sla_due__lte=now_expr, then=Value(SlaState.BREACHED)),
        When(LessThanOrEqual(left_times_four, span), then=Value(SlaState.DUE_SOON)),
        default=Value(SlaState.ON_TRACK),
        output_field=models.CharField(),
    )
    return queryset.annotate(sla_due=due).annotate(sla_state=state)


def _saved_view(queryset, *, view: str, user):
    open_items = queryset.filter(status__in=OPEN_STATUSES)
    if view == SavedView.MY_QUEUE:
        # A subquery rather than a join on team members, so an item never appears twice.
        return open_items.filter(Q(assignee=user) | Q(team__in=user.triage_teams.values("pk")))
    if view == SavedView.CRITICAL:
        return open_items.filter(mention__severity=Severity.CRITICAL)
    if view == SavedView.UNASSIGNED:
        return open_items.filter(assignee__isnull=True, team__isnull=True)
    raise ValueError(f"Unknown saved view {view!r}.")


def queue_item_list(
    *,
    user,
    status: str | None = None,
    category: str | None = None,
    hospital=None,
    source_platform: str | None = None,
    assignee=None,
    team=None,
    sla_state: str | None = None,
    view: str | None = None,
    now: datetime | None = None,
):
    """Queue items, most urgent first (priority, then id), ready for the queue page.

    status: a status value, "open" (the default when None: new, assigned, in progress, replied), "closed"
    or "all". sla_state (on_track / due_soon / breached) only matches open items. view: a SavedView.
    hospital, assignee and team take an instance or an id. now freezes the SLA clock (tests); by default
    the database's now() is used. Each row carries sla_due and sla_state.
    """
    items = QueueItem.objects.select_related(
        "mention", "mention__hospital", "assignee", "team", "case"
    ).defer("mention__raw", "mention__search_vector")
    if status in (None, "open"):
        items = items.filter(status__in=OPEN_STATUSES)
    elif status == "closed":
        items = items.filter(status__in=CLOSED_STATUSES)
    elif status != "all":
        items = items.filter(status=status)
    if view:
        items = _saved_view(items, view=view, user=user)
    filters = {
        "mention__category": category,
        "mention__hospital": hospital,
        "mention__platform": source_platform,
        "assignee": assignee,
        "team": team,
    }
    items = items.filter(**{lookup: value for lookup, value in filters.items() if value is not None})
    items = _with_sla_state(items, now)
    if sla_state:
        items = items.filter(sla_state=sla_state)
    return items.order_by("-priority", "id")


@dataclass(frozen=True, slots=True)
class SlaSnapshot:
    """One item's SLA clocks at a moment."""

    first_response_due: datetime | None
    resolution_due: datetime | None
    time_to_first_response: timedelta | None
    time_to_resolution: timedelta | None
    first_response_breached: bool
    resolution_breached: bool
    # Time left on the running clock (negative once overdue); None when closed or without a target.
    time_left: timedelta | None
    state: str | None


def queue_item_sla(*, item: QueueItem, now: datetime | None = None) -> SlaSnapshot:
    """The item's SLA clocks. The first-response clock stops at the first reply, or at closing if the item
    was closed without one; the resolution clock stops when it is resolved or dismissed."""
    now = now or timezone.now()
    first_stop = item.first_response_at or item.resolved_at or now
    resolution_stop = item.resolved_at or now
    first_breached = bool(item.sla_first_response_due and first_stop > item.sla_first_response_due)
    resolution_breached = bool(item.sla_resolution_due and resolution_stop > item.sla_resolution_due)
    due = item.sla_first_response_due if item.first_response_at is None else item.sla_resolution_due
    time_left = due - now if due and item.is_open else None
    if not item.is_open:
        state = None
    elif time_left is None:
        state = SlaState.ON_TRACK
    elif time_left <= timedelta(0):
        state = SlaState.BREACHED
    elif time_left <= (due - item.created_at) * DUE_SOON_SHARE:
        state = SlaState.DUE_SOON
    else:
        state = SlaState.ON_TRACK
    return SlaSnapshot(
        first_response_due=item.sla_first_response_due,
        resolution_due=item.sla_resolution_due,
        time_to_first_response=item.first_response_at - item.created_at if item.first_response_at else None,
        time_to_resolution=item.resolved_at - item.created_at if item.resolved_at else None,
        first_response_breached=first_breached,
        resolution_breached=resolution_breached,
        time_left=time_left,
        state=state,
    )


@dataclass(frozen=True, slots=True)
class ResponseTimeRow:
    """Response figures for one group (a category, an assignee or a week). Shares are 0-1, None when no
    item in the group has a decided SLA outcome yet."""

    key: object
    label: str
    items: int
    median_first_response: timedelta | None
    p90_first_response: timedelta | None
    median_resolution: timedelta | None
    p90_resolution: timedelta | None
    first_response_sla_met: float | None
    resolution_sla_met: float | None
    sla_compliance: float | None


def _share(met: int, missed: int) -> float | None:
    return met / (met + missed) if met + missed else None


def _group_key(group_by: str):
    if group_by == ResponseGroup.CATEGORY:
        return F("mention__category"), None
    if group_by == ResponseGroup.ASSIGNEE:
        return F("assignee_id"), F("assignee__username")
    if group_by == ResponseGroup.WEEK:
        return TruncWeek("created_at"), None
    raise ValueError(f"Unknown grouping {group_by!r}; choose one of {', '.join(ResponseGroup.values)}.")


def _label(group_by: str, key, name: str | None) -> str:
    if group_by == ResponseGroup.CATEGORY:
        return str(Category(key).label) if key else "Not a complaint"
    if group_by == ResponseGroup.ASSIGNEE:
        return name or "Unassigned"
    return f"Week of {key:%Y-%m-%d}"


def response_times(
    *, since: datetime, until: datetime, group_by: str, now: datetime | None = None
) -> list[ResponseTimeRow]:
    """Median and 90th-percentile time to first response and to resolution, and SLA compliance, for items
    queued in [since, until), grouped by category, assignee or week (one query).

    An SLA outcome is decided once the clock has stopped (see queue_item_sla) or its due time has passed
    (at now); sla_compliance is the share of decided items that met both targets.
    """
    key, name = _group_key(group_by)
    now_expr = _now_expression(now)
    first_stop = Coalesce("first_response_at", "resolved_at")
    first_met = Q(first_stop__lte=F("sla_first_response_due"))
    first_missed = Q(first_stop__gt=F("sla_first_response_due")) | Q(
        first_stop__isnull=True, sla_first_response_due__lt=now_expr
    )
    resolution_met = Q(resolved_at__lte=F("sla_resolution_due"))
    resolution_missed = Q(resolved_at__gt=F("sla_resolution_due")) | Q(
        resolved_at__isnull=True, sla_resolution_due__lt=now_expr
    )
    to_first = ExpressionWrapper(F("first_response_at") - F("created_at"), DurationField())
    to_resolution = ExpressionWrapper(F("resolved_at") - F("created_at"), DurationField())
    rows = (
        QueueItem.objects.filter(created_at__gte=since, created_at__lt=until)
        .annotate(first_stop=first_stop)
        .values(key=key, **({"name": name} if name else {}))
        .annotate(
            items=Count("id"),
            median_first=PercentileCont(to_first, fraction=0.5, output_field=DurationField()),
            p90_first=PercentileCont(to_first, fraction=0.9, output_field=DurationField()),
            median_resolution=PercentileCont(to_resolution, fraction=0.5, output_field=DurationField()),
            p90_resolution=PercentileCont(to_resolution, fraction=0.9, output_field=DurationField()),
            first_met=Count("id", filter=first_met),
            first_missed=Count("id", filter=first_missed),
            resolution_met=Count("id", filter=resolution_met),
            resolution_missed=Count("id", filter=resolution_missed),
            both_met=Count("id", filter=first_met & resolution_met),
            any_missed=Count("id", filter=first_missed | resolution_missed),
        )
        .order_by("key")
    )
    return [
        ResponseTimeRow(
            key=row["key"],
            label=_label(group_by, row["key"], row.get("name")),
            items=row["items"],
            median_first_response=row["median_first"],
            p90_first_response=row["p90_first"],
            median_resolution=row["median_resolution"],
            p90_resolution=row["p90_resolution"],
            first_response_sla_met=_share(row["first_met"], row["first_missed"]),
            resolution_sla_met=_share(row["resolution_met"], row["resolution_missed"]),
            sla_compliance=_share(row["both_met"], row["any_missed"]),
        )
        for row in rows
    ]


def queue_item_replies(*, item: QueueItem):
    """The item's replies, newest first, with the people involved."""
    return item.replies.select_related("created_by", "approved_by").order_by("-created_at")


def reply_templates_for(*, item: QueueItem):
    """Active templates for the item's category, then those for any category."""
    category = item.mention.category
    templates = ReplyTemplate.objects.filter(is_active=True).filter(Q(category=category) | Q(category=""))
    return templates.order_by("-category", "name")


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """ "You said, we did": closed complaints that led to a change, for one category and month."""

    category: str
    month: datetime
    changes: int
    departments: list[str]


def changes_made(*, since: datetime, until: datetime) -> list[ChangeRow]:
    """Complaints closed in [since, until) with a recorded action, by category and month (one query)."""
    rows = (
        QueueItem.objects.filter(resolved_at__gte=since, resolved_at__lt=until)
        .exclude(action_taken="")
        .annotate(month=TruncMonth("resolved_at"))
        .values("mention__category", "month")
        .annotate(changes=Count("id"), departments=ArrayAgg("action_department", distinct=True))
        .order_by("-month", "-changes")
    )
    return [
        ChangeRow(
            category=row["mention__category"] or "uncategorised",
            month=row["month"],
            changes=row["changes"],
            departments=sorted(d for d in row["departments"] if d),
        )
        for row in rows
    ]
