"""The one definition of how mentions are filtered: used by the mention list, the dashboards and exports."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from enrichment.taxonomy import Category, Severity
from mentions.models import Mention, Platform
from tracking.models import HealthSystem, Hospital, TrackedTerm

# Where a tracked term sits in the organization's structure. A term may name a clinician, a department or a
# location directly; it belongs to the department of its clinician and the location of its department too,
# so counts roll up: a post naming a doctor counts for the doctor's department and that department's site.
TERM_LOCATION = ("location", "department__location", "clinician__department__location")
TERM_DEPARTMENT = ("department", "clinician__department")
TERM_CLINICIAN = ("clinician",)


def term_place(fields: tuple[str, ...], prefix: str = "") -> Coalesce | F:
    """The id of the term's location, department or clinician (TERM_*), as an expression; `prefix` is the
    path to the term from the model queried (e.g. "trackedterm__")."""
    paths = [f"{prefix}{field}" for field in fields]
    return Coalesce(*paths) if len(paths) > 1 else F(paths[0])


def mentions_of_place(queryset: QuerySet, fields: tuple[str, ...], place_id: int) -> QuerySet:
    """Mentions that matched a term of the place. A semi-join, so a mention matching two of its terms is
    listed once."""
    terms = TrackedTerm.objects.annotate(place=term_place(fields)).filter(place=place_id).values("pk")
    through = Mention.matched_terms.through
    matched = through.objects.filter(mention_id=OuterRef("pk"), trackedterm_id__in=terms)
    return queryset.filter(Exists(matched))


DEFAULT_PERIOD_DAYS = 90
# Dates outside these are refused: the period arithmetic (previous period, weekly series) would run past
# the calendar's ends (year 1 or 9999) and fail instead of finding nothing.
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2999, 12, 31)


UPDATED_SINCE_HELP = (
    "Only rows changed at or after this ISO 8601 date and time, e.g. 2026-03-01T08:00:00Z "
    "(write + in an offset as %2B)."
)
# No percent sign here: django-filter formats error messages with %.
UPDATED_SINCE_INVALID = (
    "Give an ISO 8601 date and time, e.g. 2026-03-01T08:00:00Z; encode the + of an offset in a query string."
)


def validate_plausible_date(value: date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            f"Choose a date between {EARLIEST_DATE:%Y-%m-%d} and {LATEST_DATE:%Y-%m-%d}.", code="out_of_range"
        )


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
    # The organization's structure below the hospital, as the structure page drills into it.
    system = django_filters.ModelChoiceFilter(
        field_name="hospital__system",
        queryset=HealthSystem.objects.all(),
        to_field_name="slug",
        label="Health system",
        widget=forms.HiddenInput(),
    )
    location = django_filters.NumberFilter(method="filter_location", widget=forms.HiddenInput())
    department = django_filters.NumberFilter(method="filter_department", widget=forms.HiddenInput())
    clinician = django_filters.NumberFilter(method="filter_clinician", widget=forms.HiddenInput())
    date_from = django_filters.DateFilter(
        method="filter_date_from",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_plausible_date],
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_plausible_date],
    )
    # For integrations syncing incrementally (the API); hidden on the pages.
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Updated since",
        help_text=UPDATED_SINCE_HELP,
        widget=forms.HiddenInput(),
        error_messages={"invalid": UPDATED_SINCE_INVALID},
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

    def filter_location(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return mentions_of_place(queryset, TERM_LOCATION, int(value))

    def filter_department(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return mentions_of_place(queryset, TERM_DEPARTMENT, int(value))

    def filter_clinician(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return mentions_of_place(queryset, TERM_CLINICIAN, int(value))

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
