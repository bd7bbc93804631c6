"""Reads of mentions for pages, dashboards and exports."""

from datetime import timedelta

from django.db.models import QuerySet
from django.http import QueryDict

from mentions.filters import MentionFilterSet
from mentions.models import Mention


def mention_filterset(*, data: QueryDict | None, default_period: bool = False) -> MentionFilterSet:
    """The filters from a request; with default_period, an unset date range means the last 90 days."""
    data = data.copy() if data is not None else QueryDict(mutable=True)
    filterset = MentionFilterSet(data=data, queryset=mention_base_queryset())
    if default_period and filterset.is_valid() and not data.get("date_from"):
        start, _ = filterset.period()
        data["date_from"] = start.date().isoformat()
        filterset = MentionFilterSet(data=data, queryset=mention_base_queryset())
    return filterset


def mention_base_queryset() -> QuerySet[Mention]:
    return Mention.objects.select_related("hospital", "source").defer("raw", "search_vector")


def mention_get(*, mention_id: int) -> Mention:
    return (
        Mention.objects.select_related("hospital", "source")
        .prefetch_related("matched_terms")
        .get(pk=mention_id)
    )


def mention_filterset_previous_period(filterset: MentionFilterSet) -> MentionFilterSet:
    """The same filters over the period of equal length just before the selected one (for change figures)."""
    start, end = filterset.period()
    length = end - start
    data = filterset.data.copy()
    data["date_from"] = (start - length).date().isoformat()
    data["date_to"] = (start - timedelta(days=1)).date().isoformat()
    previous = MentionFilterSet(data=data, queryset=mention_base_queryset())
    previous.is_valid()
    return previous
