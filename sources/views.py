from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dashboards import charts
from sources.constants import SETTINGS_GUIDES
from sources.forms import CREATABLE_KINDS, SourceForm
from sources.models import Source
from sources.selectors import coverage_gaps_between, source_detail, source_list, source_overview_list
from sources.services.accounts import ConnectionCheck, source_connection_test, source_create, source_update

COVERAGE_PERIODS = {"7": 7, "30": 30, "90": 90}


def _get_source(source_id: int) -> Source:
    try:
        return Source.objects.get(pk=source_id)
    except Source.DoesNotExist:
        raise Http404("No such source") from None


def _render_detail(
    request: HttpRequest,
    source: Source,
    *,
    form: SourceForm | None = None,
    check: ConnectionCheck | None = None,
) -> HttpResponse:
    can_change = request.user.has_perm("sources.change_source")
    if form is None and can_change and source.is_polled:
        form = SourceForm(kind=source.kind, source=source)
    context = {
        "detail": source_detail(source_id=source.pk),
        "form": form,
        "check": check,
        "can_change": can_change,
        "guide": SETTINGS_GUIDES.get(source.kind),
    }
    return render(request, "sources/source_detail.html", context)


@login_required
@permission_required("sources.view_source", raise_exception=True)
@require_GET
def source_overview(request: HttpRequest) -> HttpResponse:
    return render(request, "sources/source_list.html", {"rows": source_overview_list()})


@login_required
@permission_required("sources.view_source", raise_exception=True)
@require_GET
def source_page(request: HttpRequest, source_id: int) -> HttpResponse:
    return _render_detail(request, _get_source(source_id))


@login_required
@permission_required("sources.change_source", raise_exception=True)
@require_POST
def source_edit(request: HttpRequest, source_id: int) -> HttpResponse:
    source = _get_source(source_id)
    form = SourceForm(request.POST, kind=source.kind, source=source)
    if not form.is_valid():
        return _render_detail(request, source, form=form)
    source_update(actor=request.user, source=source, edit=form.edit())
    messages.success(request, f"Saved {form.cleaned_data['name']}.")
    return redirect("sources:source_detail", source_id=source.pk)


@login_required
@permission_required("sources.change_source", raise_exception=True)
@require_POST
def source_test(request: HttpRequest, source_id: int) -> HttpResponse:
    source = _get_source(source_id)
    check = source_connection_test(source=source)
    return _render_detail(request, source, check=check)


@login_required
@permission_required("sources.add_source", raise_exception=True)
@require_http_methods(["GET", "POST"])
def source_new(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in dict(CREATABLE_KINDS):
        return render(request, "sources/source_create.html", {"kinds": CREATABLE_KINDS})
    form = SourceForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        source = source_create(actor=request.user, kind=kind, edit=form.edit())
        messages.success(request, f"Added {source.name}. Test the connection below before it polls.")
        return redirect("sources:source_detail", source_id=source.pk)
    context = {
        "form": form,
        "kind": kind,
        "kind_label": dict(CREATABLE_KINDS)[kind],
        "guide": SETTINGS_GUIDES.get(kind),
    }
    return render(request, "sources/source_create.html", context)


@login_required
@permission_required("mentions.view_mention", raise_exception=True)
@require_GET
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
