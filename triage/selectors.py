"""Reads for the complaint queue: the queue page, one item's SLA clock, and the response-time report."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.paginator import Paginator
from django.db import models
from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Now, TruncMonth, TruncWeek
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from enrichment.taxonomy import Category, Severity
from mentions.models import Mention
from sources.connectors.linkedin import comment_url as linkedin_comment_url
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
    """Annotate sla_state (null for closed items) from the running clock, QueueItem.sla_due, in SQL so the
    queue can filter and count on it."""
    now_expr = _now_expression(now)
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
    return queryset.annotate(sla_state=state)


def _saved_view(queryset, *, view: str, user):
    open_items = queryset.filter(status__in=OPEN_STATUSES)
    if view == SavedView.MY_QUEUE:
        # The teams first (a list, not a join on team members, so an item never appears twice); without
        # any, the view and its count are one index-only scan of the person's items.
        teams = list(user.triage_teams.values_list("pk", flat=True))
        return open_items.filter(Q(assignee=user) | Q(team__in=teams) if teams else Q(assignee=user))
    if view == SavedView.CRITICAL:
        return open_items.filter(severity=Severity.CRITICAL)
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
    cluster=None,
    location=None,
    updated_since: datetime | None = None,
    now: datetime | None = None,
):
    """Queue items, most urgent first (priority, then id), ready for the queue page.

    status: a status value, "open" (the default when None: new, assigned, in progress, replied), "closed"
    or "all". sla_state (on_track / due_soon / breached) only matches open items. view: a SavedView.
    hospital, assignee, team, cluster and location take an instance or an id. updated_since keeps items
    changed at or after that time (QueueItem.updated_at). now freezes the SLA clock
    (tests); by default the database's now() is used. Each row carries sla_due and sla_state.
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
    # The item's own copies of the mention's fields, so filtering and counting never join the mentions.
    filters = {
        "category": category,
        "hospital": hospital,
        "platform": source_platform,
        "assignee": assignee,
        "team": team,
    }
    items = items.filter(**{lookup: value for lookup, value in filters.items() if value is not None})
    if updated_since is not None:
        items = items.filter(updated_at__gte=updated_since)
    if cluster is not None:
        items = items.filter(mention__cluster_member__cluster=cluster)
    if location is not None:
        # A mention is at a location when one of the terms it matched belongs to it.
        matched_there = Mention.matched_terms.through.objects.filter(
            mention_id=OuterRef("mention_id"), trackedterm__location=location
        )
        items = items.filter(Exists(matched_there))
    if sla_state == SlaState.BREACHED:
        # The same test as the annotation, on the indexed column alone (an index-only count).
        items = items.filter(_breached(now))
    items = _with_sla_state(items, now)
    if sla_state and sla_state != SlaState.BREACHED:
        items = items.filter(sla_state=sla_state)
    return items.order_by("-priority", "id")


def _breached(now: datetime | None) -> Q:
    return Q(status__in=OPEN_STATUSES, sla_due__lte=_now_expression(now))


class QueuePaginator(Paginator):
    """Pages of queue_item_list in two short queries rather than one long one.

    A plain OFFSET over the joined rows makes Postgres build (and throw away) every joined row before the
    page, so page 500 cost hundreds of milliseconds. Here the page's ids come first from QueueItem alone,
    an index-only scan on the filter's partial index however deep the page, then only those rows are
    loaded with their mention, people and SLA state. The count runs on QueueItem alone too (Django drops
    select_related and unused annotations from count()).
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        # A row closed between the two queries drops out of this page rather than showing stale.
        rows = list(self.object_list.filter(pk__in=ids)) if ids else []
        return self._get_page(rows, number, self)


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


# --- The item page: the post in context, the author's other posts, the case, escalations -----------------

AUTHOR_MENTIONS_LIMIT = 10


@dataclass(frozen=True, slots=True)
class ThreadParent:
    """What the item's post answers: the stored mention when we have it, else a link to it on the
    platform (url may be blank when the payload gives only an id)."""

    platform: str
    external_id: str
    url: str
    mention: object | None
    description: str


def _x_parent(raw: dict) -> tuple[str, str, str] | None:
    references = raw.get("referenced_tweets")
    for ref in references if isinstance(references, list) else []:
        if isinstance(ref, dict) and ref.get("type") == "replied_to" and str(ref.get("id", "")).isdigit():
            post_id = str(ref["id"])
            return post_id, f"https://x.com/i/web/status/{post_id}", "a reply to an X post"
    conversation = str(raw.get("conversation_id") or "")
    if conversation.isdigit() and conversation != str(raw.get("id")):
        return conversation, f"https://x.com/i/web/status/{conversation}", "part of an X thread"
    return None


def _reddit_parent(raw: dict) -> tuple[str, str, str] | None:
    parent = str(raw.get("parent_id") or "")
    if raw.get("kind") != "t1" or not parent.startswith(("t1_", "t3_")):
        return None
    post_id = str(raw.get("link_id") or "").removeprefix("t3_")
    subreddit = str(raw.get("subreddit") or "")
    base = f"https://www.reddit.com/r/{subreddit}" if subreddit else "https://www.reddit.com"
    if parent.startswith("t3_"):
        permalink = str(raw.get("link_permalink") or "")
        url = permalink if permalink.startswith("https://") else f"{base}/comments/{parent[3:]}/"
        title = str(raw.get("link_title") or "")
        return parent, url, f"a comment on the post “{title}”" if title else "a comment on a Reddit post"
    url = f"{base}/comments/{post_id}/_/{parent[3:]}/" if post_id else ""
    return parent, url, "a reply to a Reddit comment"


def _bluesky_parent(raw: dict) -> tuple[str, str, str] | None:
    record = raw.get("record") if isinstance(raw.get("record"), dict) else {}
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    parent = reply.get("parent") if isinstance(reply.get("parent"), dict) else {}
    uri = str(parent.get("uri") or "")
    match = uri.removeprefix("at://").split("/")
    if len(match) != 3 or match[1] != "app.bsky.feed.post":
        return None
    return uri, f"https://bsky.app/profile/{match[0]}/post/{match[2]}", "a reply to a Bluesky post"


def _youtube_parent(raw: dict) -> tuple[str, str, str] | None:
    snippet = raw.get("snippet") if isinstance(raw.get("snippet"), dict) else {}
    video = str(snippet.get("videoId") or "")
    parent = str(snippet.get("parentId") or "")
    if raw.get("kind") != "youtube#comment" or not video:
        return None
    watch = f"https://www.youtube.com/watch?v={video}"
    if parent:
        return parent, f"{watch}&lc={parent}", "a reply to a YouTube comment"
    title = str(raw.get("video_title") or "")
    # A video found by search is stored as a mention "video:<id>", so the item links to it.
    return f"video:{video}", watch, f"a comment on the video “{title}”" if title else "a comment on a video"


def _linkedin_parent(raw: dict) -> tuple[str, str, str] | None:
    parent = str(raw.get("parentComment") or "")
    if parent.startswith("urn:li:comment:"):
        return parent, linkedin_comment_url(parent), "a reply to a LinkedIn comment"
    post = str(raw.get("post_urn") or "")
    if post.startswith("urn:li:"):
        return post, f"https://www.linkedin.com/feed/update/{post}/", "a comment on the page's LinkedIn post"
    return None


_PARENT_READERS = {
    "x": _x_parent,
    "reddit": _reddit_parent,
    "bluesky": _bluesky_parent,
    "youtube": _youtube_parent,
    "linkedin": _linkedin_parent,
}


def queue_item_thread_parent(*, item: QueueItem) -> ThreadParent | None:
    """The post the item's post answers, where the platform's payload says so (X replies and threads,
    Reddit comments, Bluesky replies, YouTube and LinkedIn comments and replies); None for a post that
    starts its own thread."""
    from mentions.models import Mention

    mention = item.mention
    reader = _PARENT_READERS.get(mention.platform)
    raw = mention.raw if isinstance(mention.raw, dict) else {}
    found = reader(raw) if reader else None
    if found is None:
        return None
    external_id, url, description = found
    stored = (
        Mention.objects.filter(platform=mention.platform, external_id=external_id)
        .select_related("queue_item")
        .defer("raw", "search_vector")
        .first()
    )
    return ThreadParent(
        platform=mention.platform, external_id=external_id, url=url, mention=stored, description=description
    )


def queue_item_author_mentions(*, item: QueueItem, limit: int = AUTHOR_MENTIONS_LIMIT):
    """The author's other mentions on the same platform, newest first, each with its queue item (if any)."""
    from mentions.models import Mention

    mention = item.mention
    if not mention.author_handle:
        return Mention.objects.none()
    return (
        Mention.objects.filter(platform=mention.platform, author_handle=mention.author_handle)
        .exclude(pk=mention.pk)
        .select_related("queue_item", "hospital")
        .defer("raw", "search_vector")
        .order_by("-posted_at", "-id")[:limit]
    )


def queue_item_case_items(*, item: QueueItem):
    """The other items in the item's case, oldest post first."""
    if not item.case_id:
        return QueueItem.objects.none()
    return (
        QueueItem.objects.filter(case_id=item.case_id)
        .exclude(pk=item.pk)
        .select_related("mention")
        .defer("mention__raw", "mention__search_vector")
        .order_by("mention__posted_at", "id")
    )


def queue_item_escalations(*, item: QueueItem):
    """The item's escalations with their contacts, oldest first."""
    return item.escalations.select_related("contact", "escalated_by").order_by("created_at", "id")
