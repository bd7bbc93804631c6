import csv
from datetime import timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clusters.selectors import cluster_list
from dashboards import charts
from dashboards.exports import CHART_EXPORTS, csv_safe
from dashboards.forms import WeeklySummaryForm
from dashboards.links import MentionLinks
from dashboards.rollup_selectors import overview_aggregates
from dashboards.selectors import first_response_medians
from dashboards.structure import structure_level
from dashboards.summary import weekly_summary
from enrichment.taxonomy import Category
from mentions.models import Mention
from mentions.selectors import mention_filterset, mention_filterset_previous_period
from sources.selectors import coverage_gaps_between, source_freshness
from tracking.models import Hospital

TOP_CLUSTERS = 8


def _period(request: HttpRequest) -> str:
    return "week" if request.GET.get("period") == "week" else "day"


def _previous_shift(start, end, period: str) -> timedelta:
    """How far back the previous period's bucket under each of this period's buckets starts: the period's
    length, in whole weeks for weekly buckets so that Mondays line up with Mondays."""
    days = (end - start).days
    return timedelta(weeks=round(days / 7)) if period == "week" else timedelta(days=days)


@login_required
@permission_required("mentions.view_mention", raise_exception=True)
def overview(request: HttpRequest) -> HttpResponse:
    filterset = mention_filterset(data=request.GET, default_period=True)
    if not filterset.is_valid():
        return render(
            request, "dashboards/overview.html", {"filterset": filterset, "freshness": source_freshness()}
        )
    start, end = filterset.period()
    period = _period(request)
    cleaned = filterset.form.cleaned_data
    # From the daily rollup when the filters allow (no text search), else from the mentions themselves.
    aggregates = overview_aggregates(
        filterset=filterset, previous=mention_filterset_previous_period(filterset), period=period
    )
    context = {
        "filterset": filterset,
        "period": period,
        "totals": aggregates.totals,
        "previous": aggregates.previous,
        "first_response": first_response_medians(
            start=start, end=end, previous_start=start - (end - start), hospital=cleaned.get("hospital")
        ),
        "freshness": source_freshness(),
        "gaps": list(coverage_gaps_between(start=start, end=end, include_unsupported=False)),
    }
    context["top_clusters"] = cluster_list(
        since=start,
        until=end,
        hospital=cleaned.get("hospital"),
        category=cleaned.get("category") or None,
        source_platform=cleaned.get("platform") or None,
        limit=TOP_CLUSTERS,
    )
    if context["totals"].total:
        links = MentionLinks(filterset.data)
        by_hospital = aggregates.by_hospital
        first, last = start.date(), end.date()
        context["charts"] = {
            "volume": charts.shade_gaps(
                charts.volume_chart(
                    aggregates.volume,
                    start=first,
                    end=last,
                    period=period,
                    link=links.sentiment_in_period,
                ),
                context["gaps"],
                start=start,
                end=end,
            ),
            "sentiment": charts.sentiment_trend_chart(
                aggregates.volume,
                aggregates.previous_volume,
                start=first,
                end=last,
                period=period,
                shift=_previous_shift(start, end, period),
                link=lambda _, first_day, last_day: links.in_period(first_day, last_day),
            ),
            "categories": charts.category_chart(
                aggregates.categories,
                names={**dict(Category.choices), "": "Uncategorised"},
                start=first,
                end=last,
                period=period,
                link=links.category_in_period,
            ),
            "share": charts.share_chart(by_hospital, link=links.hospital),
            "hospitals": charts.breakdown_chart(
                by_hospital, title="Your hospital beside competitors", y_title="Hospital", link=links.hospital
            ),
            "platforms": charts.breakdown_chart(
                aggregates.by_platform,
                title="Mentions by source",
                y_title="Source",
                link=links.platform,
            ),
        }
    return render(request, "dashboards/overview.html", context)


# Every filter a place in the structure is selected by.
PLACE_FILTERS = ("system", "hospital", "location", "department", "clinician")


def _structure_links(filterset, level) -> dict:
    """Links of the structure page: the trail up to the top, each row's next level and its mentions, and
    the chart's bars. Each keeps the place's ancestors in the URL, so the filter bar's hospital agrees."""
    mentions = MentionLinks(filterset.data)
    drill = MentionLinks(filterset.data, url_name="dashboards:structure")
    place: dict[str, str] = dict.fromkeys(PLACE_FILTERS, "")
    trail = [(None, drill.url(**place))]
    for node in level.trail:
        place = {**place, node.kind: node.value}
        trail.append((node, drill.url(**place)))

    def below(key: str) -> dict[str, str]:
        kind, value = key.split(":", 1)
        return {**place, kind: value}

    rows = [
        (row, drill.url(**below(row.key)) if row.has_children else "", mentions.url(**below(row.key)))
        for row in level.rows
    ]
    return {
        "trail": trail,
        "rows": rows,
        "mentions_url": mentions.url(**place),
        "bar_link": lambda key, sentiment: mentions.url(**below(key), sentiment=sentiment),
    }


@login_required
@permission_required("mentions.view_mention", raise_exception=True)
def structure(request: HttpRequest) -> HttpResponse:
    filterset = mention_filterset(data=request.GET, default_period=True)
    context = {"filterset": filterset}
    if filterset.is_valid():
        level = structure_level(filterset=filterset)
        if level is None:
            raise Http404("No such place in the organization's structure.")
        context.update(level=level, **_structure_links(filterset, level))
        if any(row.mentions for row in level.rows):
            context["chart"] = charts.breakdown_chart(
                level.rows,
                title=f"Mentions by {level.children_title.lower()}, by sentiment",
                y_title=level.child_noun,
                link=context.pop("bar_link"),
            )
    return render(request, "dashboards/structure.html", context)


@login_required
@permission_required("mentions.export_mentions", raise_exception=True)
def overview_chart_csv(request: HttpRequest, chart: str) -> HttpResponse:
    if chart not in CHART_EXPORTS:
        raise Http404("No such chart.")
    filterset = mention_filterset(data=request.GET, default_period=True)
    mentions = filterset.qs if filterset.is_valid() else Mention.objects.none()
    header, rows = CHART_EXPORTS[chart](mentions=mentions, period=_period(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hospitallisten-{chart}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([csv_safe(value) for value in row] for row in rows)
    return response


@login_required
@permission_required("mentions.view_mention", raise_exception=True)
def weekly_summary_page(request: HttpRequest) -> HttpResponse:
    form = WeeklySummaryForm(request.GET or None)
    # An invalid field is reported and left out; the page still shows the last complete week.
    cleaned = form.cleaned_data if form.is_valid() else {}
    summary = weekly_summary(last_day=cleaned.get("week_ending"), hospital=cleaned.get("hospital"))
    form_error = " ".join(" ".join(errors) for errors in form.errors.values()) if form.is_bound else ""
    context = {"summary": summary, "hospitals": Hospital.objects.all(), "form_error": form_error}
    return render(request, "dashboards/weekly_summary.html", context)
