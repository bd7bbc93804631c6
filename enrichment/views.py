from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from enrichment.models import RetagJob
from enrichment.selectors import classifier_summary, correction_count, retag_job_list
from enrichment.services import retag_job_start

VIEW_MENTION = "mentions.view_mention"


@login_required
@permission_required(VIEW_MENTION, raise_exception=True)
def classifier_overview(request: HttpRequest) -> HttpResponse:
    context = {"summary": classifier_summary(), "corrections": correction_count(), "jobs": retag_job_list()}
    return render(request, "enrichment/classifier_overview.html", context)


@require_POST
@login_required
@permission_required("enrichment.add_retagjob", raise_exception=True)
def retag_start(request: HttpRequest) -> HttpResponse:
    if RetagJob.objects.filter(status__in=[RetagJob.Status.PENDING, RetagJob.Status.RUNNING]).exists():
        messages.error(request, "A re-tag is already running; its progress is shown below.")
    else:
        retag_job_start(user=request.user)
        messages.success(request, "Re-tagging started. You can leave this page; progress is kept.")
    return redirect("enrichment:classifier_overview")


@login_required
@permission_required(VIEW_MENTION, raise_exception=True)
def retag_progress(request: HttpRequest, job_id: int) -> JsonResponse:
    job = get_object_or_404(RetagJob, pk=job_id)
    return JsonResponse(
        {
            "status": job.status,
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "error": job.error,
        }
    )
