from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dashboards import charts
from dashboards.selectors import (
    mention_counts_by_hospital,
    mention_counts_by_platform,
    mention_totals,
    mention_volume_by_period,
)
from mentions.models import Mention
from mentions.selectors import mention_filterset
from sources.selectors import coverage_gaps_between, source_freshness


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    filterset = mention_filterset(data=request.GET, default_period=True)
    valid = filterset.is_valid()
    mentions = filterset.qs if valid else Mention.objects.none()
    start, end = filterset.period() if valid else (None, None)
    period = "week" if request.GET.get("period") == "week" else "day"
    context = {
        "filterset": filterset,
        "period": period,
        "totals": mention_totals(mentions=mentions),
        "freshness": source_freshness(),
    }
    if valid:
        context["gaps"] = list(coverage_gaps_between(start=start, end=end))
    if valid and context["totals"].total:
        by_hospital = mention_counts_by_hospital(mentions=mentions)
        context["charts"] = {
            "volume": charts.shade_gaps(
                charts.volume_chart(
                    mention_volume_by_period(mentions=mentions, period=period),
                    start=start.date(),
                    end=end.date(),
                    period=period,
                ),
                context["gaps"],
                start=start,
                end=end,
            ),
            "platforms": charts.breakdown_chart(
                mention_counts_by_platform(mentions=mentions), title="Mentions by source", y_title="Source"
            ),
            "hospitals": charts.breakdown_chart(
                [(name + (" (yours)" if own else ""), counts) for name, own, counts in by_hospital],
                title="Your hospital beside competitors",
                y_title="Hospital",
            ),
        }
    return render(request, "dashboards/overview.html", context)
