import logging
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dashboards import charts
from sources.constants import SETTINGS_GUIDES
from sources.forms import CREATABLE_KINDS, SourceForm
from sources.models import Source
from sources.platforms import platform_requirements
from sources.selectors import coverage_gaps_between, source_detail, source_list, source_overview_list
from sources.services.accounts import ConnectionCheck, source_connection_test, source_create, source_update
from sources.services.webhooks import WebhookRejected, meta_webhook_challenge, meta_webhook_receive

logger = logging.getLogger(__name__)

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
    detail = source_detail(source_id=source.pk)
    context = {
        "detail": detail,
        "form": form,
        "check": check,
        "can_change": can_change,
        "guide": SETTINGS_GUIDES.get(source.kind),
        **_requirements_context(request, source.kind, source.get_kind_display()),
        "webhook_ready": detail.webhook_ready,
    }
    return render(request, "sources/source_detail.html", context)


def _requirements_context(request: HttpRequest, kind: str, kind_label: str) -> dict:
    return {
        "requirements": platform_requirements(kind),
        "kind_label": kind_label,
        "webhook_url": request.build_absolute_uri(reverse("sources:meta_webhook")),
        "webhook_ready": None,
    }


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
        "guide": SETTINGS_GUIDES.get(kind),
        **_requirements_context(request, kind, dict(CREATABLE_KINDS)[kind]),
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


# Public: Meta calls it without a session or CSRF token. A GET must carry a source's verify token and a
# POST the app secret's signature, or it is refused with 403.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def meta_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        try:
            challenge = meta_webhook_challenge(
                mode=request.GET.get("hub.mode", ""),
                verify_token=request.GET.get("hub.verify_token", ""),
                challenge=request.GET.get("hub.challenge", ""),
            )
        except WebhookRejected as refusal:
            logger.warning("refused a Meta webhook verification: %s", refusal)
            return HttpResponseForbidden()
        return HttpResponse(challenge, content_type="text/plain")
    body = request.body
    try:
        meta_webhook_receive(body=body, signature=request.headers.get("X-Hub-Signature-256", ""))
    except WebhookRejected as refusal:
        # Only the size: an unsigned body is anyone's, and may carry anything.
        logger.warning("refused a Meta webhook notification (%d bytes): %s", len(body), refusal)
        return HttpResponseForbidden()
    # Stored and queued: Meta wants a quick 200, and retries (for up to a day) until it gets one.
    return HttpResponse(status=200)
