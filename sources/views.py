from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dashboards import charts
from sources.selectors import coverage_gaps_between, source_list, source_overview_list

COVERAGE_PERIODS = {"7": 7, "30": 30, "90": 90}


@login_required
def source_overview(request: HttpRequest) -> HttpResponse:
    return render(request, "sources/source_list.html", {"rows": source_overview_list()})


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    days = COVERAGE_PERIODS.get(request.GET.get("days", "30"), 30)
    end = timezone.now()
    start = end - timedelta(days=days)
    gaps = list(coverage_gaps_between(start=start, end=end))
    sources = [s for s in source_list() if s.is_polled]
    context = {
        "days": days,
        "periods": COVERAGE_PERIODS,
        "gaps": gaps,
        "chart": charts.coverage_chart(sources, gaps, start=start, end=end) if sources else None,
    }
    return render(request, "sources/coverage.html", context)
