"""The tracking editor: the organization tree and its terms, a preview of a draft term, backfills."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tracking import forms
from tracking.help import query_guide_html
from tracking.models import BackfillJob, Clinician, Department, HealthSystem, Hospital, Location, TrackedTerm
from tracking.preview import term_preview as term_preview_run
from tracking.query import QuerySyntaxError
from tracking.selectors import backfill_progress as backfill_progress_of
from tracking.selectors import backfill_progress_active, organization_tree
from tracking.services import (
    backfill_job_start,
    organization_node_delete,
    organization_node_save,
    term_save,
)
from tracking.services import (
    term_delete as term_delete_run,
)

VIEW = "tracking.view_trackedterm"
CHANGE = "tracking.change_trackedterm"

# URL kind -> model, form, and what people call it.
NODE_TYPES = {
    "system": (HealthSystem, forms.HealthSystemForm, "health system"),
    "hospital": (Hospital, forms.HospitalForm, "hospital"),
    "location": (Location, forms.LocationForm, "location"),
    "department": (Department, forms.DepartmentForm, "department or service line"),
    "clinician": (Clinician, forms.ClinicianForm, "clinician"),
}
PLACES = ("hospital", "location", "department", "clinician")


def _node_type(kind: str):
    if kind not in NODE_TYPES:
        raise Http404("No such part of the organization.")
    return NODE_TYPES[kind]


def _add_errors(form: BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, on the field it names when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, field_messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, field_messages)


def _place_initial(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET[name] for name in PLACES if request.GET.get(name, "").isdigit()}


@login_required
@permission_required(VIEW, raise_exception=True)
def overview(request: HttpRequest) -> HttpResponse:
    context = {"systems": organization_tree(), "active_jobs": backfill_progress_active()}
    return render(request, "tracking/organization_overview.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def query_help(request: HttpRequest) -> HttpResponse:
    return render(request, "tracking/query_help.html", {"guide": query_guide_html()})


@login_required
@permission_required(CHANGE, raise_exception=True)
def node_create(request: HttpRequest, kind: str) -> HttpResponse:
    model, form_class, label = _node_type(kind)
    form = form_class(request.POST or None, initial=_place_initial(request))
    return _node_form(request, form, model(), kind, label)


@login_required
@permission_required(CHANGE, raise_exception=True)
def node_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model, form_class, label = _node_type(kind)
    node = get_object_or_404(model, pk=pk)
    return _node_form(request, form_class(request.POST or None, instance=node), node, kind, label)


def _node_form(request: HttpRequest, form, node, kind: str, label: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            node = organization_node_save(
                actor=request.user, instance=form.instance, values=form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Saved {label} “{node}”.")
            return redirect(f"{reverse('tracking:overview')}#{kind}-{node.pk}")
    context = {"form": form, "node": node, "kind": kind, "label": label}
    return render(request, "tracking/node_form.html", context)


@login_required
@permission_required(CHANGE, raise_exception=True)
def node_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model, _, label = _node_type(kind)
    node = get_object_or_404(model, pk=pk)
    if request.method == "POST":
        job = organization_node_delete(actor=request.user, instance=node)
        messages.success(request, f"Deleted {label} “{node}”.")
        return redirect("tracking:backfill_progress", job.pk) if job else redirect("tracking:overview")
    return render(request, "tracking/node_confirm_delete.html", {"node": node, "kind": kind, "label": label})


@login_required
@permission_required(CHANGE, raise_exception=True)
def term_create(request: HttpRequest) -> HttpResponse:
    form = forms.TrackedTermForm(request.POST or None, initial=_place_initial(request))
    return _term_form(request, form)


@login_required
@permission_required(CHANGE, raise_exception=True)
def term_edit(request: HttpRequest, pk: int) -> HttpResponse:
    term = get_object_or_404(TrackedTerm, pk=pk)
    return _term_form(request, forms.TrackedTermForm(request.POST or None, instance=term))


def _term_form(request: HttpRequest, form: forms.TrackedTermForm, preview=None) -> HttpResponse:
    if request.method == "POST" and preview is None and form.is_valid():
        try:
            job = term_save(
                actor=request.user,
                term=form.instance,
                values=form.cleaned_data,
                backfill="save_only" not in request.POST,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Saved term “{form.instance}”.")
            if job is not None:
                return redirect("tracking:backfill_progress", job.pk)
            return redirect(f"{reverse('tracking:overview')}#term-{form.instance.pk}")
    return render(
        request, "tracking/term_form.html", {"form": form, "term": form.instance, "preview": preview}
    )


@require_POST
@login_required
@permission_required(CHANGE, raise_exception=True)
def term_preview(request: HttpRequest) -> HttpResponse:
    """The term form posted to here: re-render it, unsaved, with what the draft would catch."""
    term_id = request.POST.get("term", "")
    term = get_object_or_404(TrackedTerm, pk=term_id) if term_id.isdigit() else TrackedTerm()
    form = forms.TrackedTermForm(request.POST, instance=term)
    draft = forms.TermPreviewForm(request.POST)
    preview = None
    # Validating shows the query's error (with its pointer) the same way saving would.
    query_readable = form.is_valid() or not {"text", "query"} & set(form.errors)
    if query_readable and draft.is_valid():
        try:
            preview = term_preview_run(name=draft.cleaned_data["text"], query=draft.cleaned_data["query"])
        except QuerySyntaxError:
            preview = None
    return _term_form(request, form, preview=preview or False)


@login_required
@permission_required(CHANGE, raise_exception=True)
def term_delete(request: HttpRequest, pk: int) -> HttpResponse:
    term = get_object_or_404(TrackedTerm.objects.select_related("hospital"), pk=pk)
    if request.method == "POST":
        job = term_delete_run(actor=request.user, term=term)
        messages.success(request, f"Deleted term “{term}”; its hospital's mentions are being re-matched.")
        return redirect("tracking:backfill_progress", job.pk)
    return render(
        request, "tracking/node_confirm_delete.html", {"node": term, "kind": "term", "label": "term"}
    )


@require_POST
@login_required
@permission_required(CHANGE, raise_exception=True)
def backfill_start(request: HttpRequest, pk: int) -> HttpResponse:
    hospital = get_object_or_404(Hospital, pk=pk)
    job = backfill_job_start(hospital=hospital, actor=request.user)
    return redirect("tracking:backfill_progress", job.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def backfill_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's page; with ?partial=1 only its progress block, which the page polls every 2 seconds."""
    job = get_object_or_404(BackfillJob.objects.select_related("hospital", "requested_by"), pk=pk)
    context = {"progress": backfill_progress_of(job)}
    if request.GET.get("partial"):
        return render(request, "tracking/_backfill_progress.html", context)
    return render(request, "tracking/backfill_progress.html", context)
