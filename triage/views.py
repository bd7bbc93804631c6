from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from administration import roles
from hospitallisten.lib.streaming import export_response
from triage import forms
from triage.exports import QUEUE_HEADER, queue_export_rows, queue_filter_kwargs
from triage.models import ALLOWED_TRANSITIONS, QueueItem, Reply
from triage.phi import check_reply_draft, has_blocking, suggest_private_channel
from triage.selectors import (
    QueuePaginator,
    ResponseGroup,
    changes_made,
    queue_item_author_mentions,
    queue_item_case_items,
    queue_item_escalations,
    queue_item_list,
    queue_item_replies,
    queue_item_sla,
    queue_item_thread_parent,
    reply_templates_for,
    response_times,
)
from triage.services import (
    queue_item_assign,
    queue_item_close,
    queue_item_correct,
    queue_item_note_add,
    queue_item_reopen,
    queue_item_set_harm_level,
    queue_item_transition,
    queue_items_bulk_assign,
    queue_items_bulk_change_category,
    queue_items_bulk_dismiss,
    reply_approve,
    reply_draft_save,
    reply_mark_elsewhere,
    reply_send_enqueue,
    reply_submit,
    reply_template_render,
)
from triage.services.escalation import oncall_contacts_current, queue_item_escalate
from triage.services.links import (
    link_suggestion_confirm,
    link_suggestion_reject,
    queue_item_case_add,
    queue_item_case_remove,
    queue_item_link_suggestions,
)
from triage.services.replies import (
    MAX_REPLY_LENGTH,
    hospital_contacts,
    reply_approval_required,
    reply_length,
    reply_sending_unsupported_reason,
)

PAGE_SIZE = 50
VIEW_QUEUE = "triage.view_queueitem"
CHANGE_QUEUE = "triage.change_queueitem"
# Correcting tags writes a training label for the classifier, like a correction on the mention page.
CORRECT_TAGS = "enrichment.add_classificationlabel"


def _wants_partial(request: HttpRequest) -> bool:
    """The queue's script asks for the results alone, to swap them in without reloading the page."""
    return request.headers.get("X-Requested-With") == "fetch" or request.GET.get("partial") == "1"


@login_required
@permission_required(VIEW_QUEUE, raise_exception=True)
# The same URL answers with the whole page or the results alone: caches (and the back button) must not
# hand one out for the other.
@vary_on_headers("X-Requested-With")
def queue_list(request: HttpRequest) -> HttpResponse:
    filters = forms.QueueFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    items = queue_item_list(user=request.user, **queue_filter_kwargs(cleaned))
    page = QueuePaginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = request.GET.copy()
    shown.pop("partial", None)
    query = shown.copy()
    query.pop("page", None)
    partial = _wants_partial(request)
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        # Where a bulk action returns to: this very page, whether it was loaded whole or swapped in.
        "here": f"{request.path}?{shown.urlencode()}" if shown else request.path,
        "bulk_form": forms.BulkForm(auto_id="bulk_%s"),
        "partial": partial,
    }
    template = "triage/_queue_results.html" if partial else "triage/queue_list.html"
    return render(request, template, context)


@require_POST
@login_required
@permission_required(CHANGE_QUEUE, raise_exception=True)
def queue_bulk(request: HttpRequest) -> HttpResponse:
    form = forms.BulkForm(request.POST)
    back = _queue_next(request)
    if not form.is_valid():
        messages.error(request, "Choose some items, an action and its value. " + _errors(form))
        return redirect(back)
    data, items = form.cleaned_data, list(form.cleaned_data["items"])
    if data["action"] == "category" and not request.user.has_perm(CORRECT_TAGS):
        raise PermissionDenied(roles.access_denied_message(CORRECT_TAGS))
    try:
        if data["action"] == "assign":
            count = queue_items_bulk_assign(items=items, user=request.user, assignee=data["assignee"])
        elif data["action"] == "dismiss":
            count = queue_items_bulk_dismiss(items=items, user=request.user, reason=data["reason"])
        else:
            count = queue_items_bulk_change_category(
                items=items, user=request.user, category=data["category"]
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Updated {count} item{'s' if count != 1 else ''}.")
    return redirect(back)


def _queue_next(request: HttpRequest) -> str:
    """Back to the queue page the action came from; only a path on this site (no open redirect)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith("/"):
        return target
    return reverse("triage:queue_list")


def _get_item(item_id: int) -> QueueItem:
    return get_object_or_404(
        QueueItem.objects.select_related("mention", "mention__hospital", "assignee", "team", "case"),
        pk=item_id,
    )


@login_required
@permission_required(VIEW_QUEUE, raise_exception=True)
def queue_item_page(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _get_item(item_id)
    mention = item.mention
    context = {
        "item": item,
        "mention": mention,
        "sla": queue_item_sla(item=item),
        "next_states": [(s, QueueItem.Status(s).label) for s in ALLOWED_TRANSITIONS.get(item.status, ())],
        "can_mark_replied": QueueItem.Status.REPLIED in ALLOWED_TRANSITIONS.get(item.status, ()),
        "notes": item.notes.select_related("author").order_by("-created_at"),
        "audit": item.audit_entries.select_related("actor").order_by("-created_at"),
        "assign_form": forms.AssignForm(initial={"assignee": item.assignee_id, "team": item.team_id}),
        "transition_form": forms.TransitionForm(),
        "close_form": forms.CloseForm(),
        "note_form": forms.NoteForm(auto_id="note_%s"),
        "harm_form": forms.HarmLevelForm(initial={"harm_level": item.harm_level}),
        "correct_form": forms.CorrectForm(
            initial={"category": mention.category, "severity": mention.severity}
        ),
        "reply_form": forms.ReplyDraftForm(initial={"text": _starting_text(request, item)}),
        "replies": queue_item_replies(item=item),
        "templates": reply_templates_for(item=item),
        "cannot_post": reply_sending_unsupported_reason(mention=mention),
        "can_send": request.user.has_perms(_action_permissions("reply-send")),
        "elsewhere_form": forms.ReplyElsewhereForm(auto_id="elsewhere_%s"),
        "x_limit": MAX_REPLY_LENGTH[mention.platform] if mention.platform == "x" else None,
        **_context_of_post(item),
    }
    return render(request, "triage/queue_item.html", context)


def _context_of_post(item: QueueItem) -> dict:
    """The item page's thread, author, case, link-suggestion and escalation panels."""
    return {
        "thread_parent": queue_item_thread_parent(item=item),
        "author_mentions": queue_item_author_mentions(item=item),
        "case_items": queue_item_case_items(item=item),
        "case_link_form": forms.CaseLinkForm(item=item, auto_id="case_%s"),
        "link_suggestions": queue_item_link_suggestions(item=item),
        "escalations": queue_item_escalations(item=item),
        "oncall_contacts": oncall_contacts_current(),
        "link_actions": [("link-confirm", "Same incident: link"), ("link-reject", "Not related")],
    }


def _starting_text(request: HttpRequest, item: QueueItem) -> str:
    """The open draft's text, or a chosen template filled in for this item."""
    open_reply = item.replies.filter(status__in=OPEN_REPLY_STATUSES).order_by("-created_at").first()
    if open_reply:
        return open_reply.text
    template = reply_templates_for(item=item).filter(pk=request.GET.get("template") or 0).first()
    if template is None:
        return ""
    try:
        return reply_template_render(template=template, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return ""


OPEN_REPLY_STATUSES = (
    Reply.Status.DRAFT,
    Reply.Status.PENDING_APPROVAL,
    Reply.Status.APPROVED,
    Reply.Status.FAILED,
)


def _errors(form) -> str:
    return " ".join(f"{error}" for errors in form.errors.values() for error in errors)


# Each action: the form that reads its input, and the service call it makes.
ITEM_ACTIONS: dict[str, tuple[type, Callable]] = {
    "assign": (forms.AssignForm, lambda item, user, d: queue_item_assign(item=item, user=user, **d)),
    "transition": (
        forms.TransitionForm,
        lambda item, user, d: queue_item_transition(
            item=item, user=user, status=d["status"], reason=d["reason"]
        ),
    ),
    "close": (forms.CloseForm, lambda item, user, d: queue_item_close(item=item, user=user, **d)),
    "note": (forms.NoteForm, lambda item, user, d: queue_item_note_add(item=item, user=user, text=d["text"])),
    "harm": (forms.HarmLevelForm, lambda item, user, d: queue_item_set_harm_level(item=item, user=user, **d)),
    "correct": (
        forms.CorrectForm,
        lambda item, user, d: queue_item_correct(item=item, user=user, is_complaint=True, **d),
    ),
    "reply-save": (forms.ReplyDraftForm, lambda item, user, d: reply_draft_save(item=item, user=user, **d)),
    "reply-submit": (forms.ReplyPickForm, lambda item, user, d: reply_submit(reply=d["reply"], user=user)),
    "reply-approve": (forms.ReplyPickForm, lambda item, user, d: reply_approve(reply=d["reply"], user=user)),
    "reply-send": (
        forms.ReplyPickForm,
        lambda item, user, d: reply_send_enqueue(reply=d["reply"], user=user),
    ),
    "reply-elsewhere": (
        forms.ReplyElsewhereForm,
        lambda item, user, d: reply_mark_elsewhere(item=item, user=user, url=d["url"], note=d["note"]),
    ),
    "case-link": (
        forms.CaseLinkForm,
        lambda item, user, d: queue_item_case_add(item=item, other=d["other"], user=user),
    ),
    "case-unlink": (None, lambda item, user, d: queue_item_case_remove(item=item, user=user)),
    "link-confirm": (
        forms.LinkDecisionForm,
        lambda item, user, d: link_suggestion_confirm(
            item=item, other=d["mention"], user=user, score=d["score"], reasons=d["reasons"]
        ),
    ),
    "link-reject": (
        forms.LinkDecisionForm,
        lambda item, user, d: link_suggestion_reject(
            item=item, other=d["mention"], user=user, score=d["score"], reasons=d["reasons"]
        ),
    ),
    "escalate": (
        forms.EscalateForm,
        lambda item, user, d: queue_item_escalate(
            item=item, contact=d["contact"], user=user, note=d["note"], link=d["link"]
        ),
    ),
}
# Forms that check their input against the item itself.
ITEM_BOUND_FORMS = (forms.ReplyPickForm, forms.CaseLinkForm)


# What each action needs besides seeing the queue; anything not listed changes the item.
ACTION_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "note": ("triage.add_note",),
    "correct": (CHANGE_QUEUE, CORRECT_TAGS),
    "reply-save": ("triage.add_reply",),
    "reply-submit": ("triage.add_reply",),
    "reply-approve": ("triage.approve_reply",),
    "reply-send": ("triage.add_reply",),
    "reply-elsewhere": ("triage.add_reply",),
}


def _action_permissions(action: str) -> tuple[str, ...]:
    needed = ACTION_PERMISSIONS.get(action, (CHANGE_QUEUE,))
    if action == "reply-send" and reply_approval_required():
        # With approval on, whoever publishes must be allowed to approve: a drafter alone cannot post.
        needed += ("triage.approve_reply",)
    return needed


@require_POST
@login_required
@permission_required(VIEW_QUEUE, raise_exception=True)
def queue_item_action(request: HttpRequest, item_id: int, action: str) -> HttpResponse:
    missing = [name for name in _action_permissions(action) if not request.user.has_perm(name)]
    if missing:
        raise PermissionDenied(roles.access_denied_message(missing[0]))
    item = _get_item(item_id)
    if action == "reopen":
        form_class, call = None, lambda item, user, d: queue_item_reopen(item=item, user=user)
    elif action in ITEM_ACTIONS:
        form_class, call = ITEM_ACTIONS[action]
    else:
        raise Http404("No such action.")
    form = form_class(request.POST, item=item) if form_class in ITEM_BOUND_FORMS else None
    if form is None and form_class:
        form = form_class(request.POST)
    if form is not None and not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("triage:queue_item", item_id=item.pk)
    data = dict(form.cleaned_data) if form else {}
    if action == "escalate":
        # The contact opens the item from an email: the address this page was reached at.
        data["link"] = request.build_absolute_uri(reverse("triage:queue_item", kwargs={"item_id": item.pk}))
    try:
        call(item, request.user, data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error) or "You are not allowed to do that.")
    else:
        messages.success(request, "Saved.")
    return redirect("triage:queue_item", item_id=item.pk)


@require_POST
@login_required
@permission_required(VIEW_QUEUE, raise_exception=True)
def reply_check(request: HttpRequest, item_id: int) -> JsonResponse:
    """Check a reply draft for what a hospital must not say in public; the page shows the findings."""
    item = _get_item(item_id)
    form = forms.ReplyDraftForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": _errors(form)}, status=400)
    contacts = hospital_contacts()
    findings = check_reply_draft(
        form.cleaned_data["text"],
        hospital_phones=[contacts["phone"]] if contacts["phone"] else [],
        hospital_emails=[contacts["email"]] if contacts["email"] else [],
        hospital_domains=contacts["domains"],
    )
    return JsonResponse(
        {
            "blocked": has_blocking(findings),
            "findings": [
                {"kind": f.kind, "severity": f.severity, "message": f.message, "start": f.start, "end": f.end}
                for f in findings
            ],
            "suggestion": suggest_private_channel(findings) if findings else "",
            "length": reply_length(platform=item.mention.platform, text=form.cleaned_data["text"]),
            "limit": MAX_REPLY_LENGTH.get(item.mention.platform),
        }
    )


REPORT_PERIODS = {"30": 30, "90": 90, "365": 365}


@login_required
@permission_required(VIEW_QUEUE, raise_exception=True)
def queue_report(request: HttpRequest) -> HttpResponse:
    days = REPORT_PERIODS.get(request.GET.get("days", "90"), 90)
    until = timezone.now()
    since = until - timedelta(days=days)
    context = {
        "days": days,
        "periods": REPORT_PERIODS,
        "by_category": response_times(since=since, until=until, group_by=ResponseGroup.CATEGORY),
        "by_assignee": response_times(since=since, until=until, group_by=ResponseGroup.ASSIGNEE),
        "by_week": response_times(since=since, until=until, group_by=ResponseGroup.WEEK),
        "changes": changes_made(since=since, until=until),
    }
    return render(request, "triage/queue_report.html", context)


@login_required
@permission_required((VIEW_QUEUE, "mentions.export_mentions"), raise_exception=True)
def queue_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every item the queue's filters select (not just one page), streamed as CSV or JSON Lines."""
    filters = forms.QueueFilterForm(request.GET or None)
    if request.GET and not filters.is_valid():
        message = f"Fix the filters first: {filters.errors.as_text()}"
        return HttpResponse(message, status=400, content_type="text/plain")
    cleaned = filters.cleaned_data if request.GET else {}
    items = queue_item_list(user=request.user, **queue_filter_kwargs(cleaned))
    filename = f"queue-{timezone.localdate():%Y-%m-%d}"
    rows = queue_export_rows(items=items)
    return export_response(header=QUEUE_HEADER, rows=rows, fmt=fmt, filename=filename)
