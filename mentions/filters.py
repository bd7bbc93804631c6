"""The one definition of how mentions are filtered: used by the mention list, the dashboards and exports."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db.models import QuerySet
from django.utils import timezone

from enrichment.taxonomy import Category, Severity
from mentions.models import Mention, Platform
from tracking.models import Hospital

DEFAULT_PERIOD_DAYS = 90


class MentionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": 'Words, "a phrase", -excluded', "type": "search"}),
    )
    hospital = django_filters.ModelChoiceFilter(
        queryset=Hospital.objects.all(), to_field_name="slug", empty_label="All hospitals"
    )
    platform = django_filters.ChoiceFilter(
        choices=Platform.choices, empty_label="All sources", label="Source"
    )
    sentiment = django_filters.ChoiceFilter(
        field_name="sentiment_label",
        choices=Mention.SentimentLabel.choices,
        empty_label="Any sentiment",
        label="Sentiment",
    )
    complaint = django_filters.BooleanFilter(
        field_name="is_complaint",
        label="Complaint",
        widget=forms.Select(
            choices=[("", "Complaints or not"), ("true", "Complaints"), ("false", "Not complaints")]
        ),
    )
    category = django_filters.ChoiceFilter(choices=Category.choices, empty_label="Any category")
    severity = django_filters.ChoiceFilter(choices=Severity.choices, empty_label="Any severity")
    cluster = django_filters.NumberFilter(
        field_name="cluster_member__cluster", label="Cluster", widget=forms.HiddenInput()
    )
    date_from = django_filters.DateFilter(
        method="filter_date_from", label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    match = django_filters.ChoiceFilter(
        field_name="match_status",
        choices=Mention.MatchStatus.choices,
        empty_label="Matched (default)",
        label="Matching",
        help_text="Excluded mentions named a term but also one of its exclusions.",
    )

    class Meta:
        model = Mention
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        query = SearchQuery(value, search_type="websearch", config="english")
        return queryset.filter(search_vector=query)

    def filter_date_from(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # Compare against an aware datetime, not posted_at__date, so the posted_at index is used.
        start = timezone.make_aware(datetime.combine(value, time.min))
        return queryset.filter(posted_at__gte=start)

    def filter_date_to(self, queryset: QuerySet, name: str, value) -> QuerySet:
        end = timezone.make_aware(datetime.combine(value + timedelta(days=1), time.min))
        return queryset.filter(posted_at__lt=end)

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        if not self.form.cleaned_data.get("match"):
            queryset = queryset.filter(match_status=Mention.MatchStatus.MATCHED)
        return queryset

    def period(self) -> tuple[datetime, datetime]:
        """The date range the filters select, as aware datetimes [start, end)."""
        today = timezone.localdate()
        date_to = self.form.cleaned_data.get("date_to") or today
        date_from = self.form.cleaned_data.get("date_from") or date_to - timedelta(
            days=DEFAULT_PERIOD_DAYS - 1
        )
        return (
            timezone.make_aware(datetime.combine(date_from, time.min)),
            timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min)),
        )
