from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from enrichment.services import mention_correct
from hospitallisten.lib.streaming import export_response
from mentions.exports import MENTION_HEADER, mention_export_rows
from mentions.forms import MentionCorrectionForm
from mentions.models import Mention
from mentions.selectors import mention_filterset, mention_get

PAGE_SIZE = 50
VIEW_MENTION = "mentions.view_mention"


@login_required
@permission_required(VIEW_MENTION, raise_exception=True)
def mention_list(request: HttpRequest) -> HttpResponse:
    filterset = mention_filterset(data=request.GET)
    mentions = filterset.qs if filterset.is_valid() else Mention.objects.none()
    page = Paginator(mentions, PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "mentions/mention_list.html",
        {"filterset": filterset, "page": page, "query_without_page": query_without_page.urlencode()},
    )


def _get_mention(mention_id: int) -> Mention:
    try:
        return mention_get(mention_id=mention_id)
    except Mention.DoesNotExist:
        raise Http404("No such mention.") from None


@login_required
@permission_required(VIEW_MENTION, raise_exception=True)
def mention_detail(request: HttpRequest, mention_id: int) -> HttpResponse:
    return _mention_page(request, _get_mention(mention_id))


def _mention_page(request: HttpRequest, mention: Mention, correction_form=None) -> HttpResponse:
    if correction_form is None:
        correction_form = MentionCorrectionForm(
            initial={
                "is_complaint": "true" if mention.is_complaint else "false",
                "category": mention.category,
                "severity": mention.severity,
            }
        )
    context = {"mention": mention, "correction_form": correction_form}
    return render(
        request, "mentions/mention_detail.html", context, status=400 if correction_form.errors else 200
    )


@require_POST
@login_required
@permission_required((VIEW_MENTION, "enrichment.add_classificationlabel"), raise_exception=True)
def mention_correct_tags(request: HttpRequest, mention_id: int) -> HttpResponse:
    mention = _get_mention(mention_id)
    form = MentionCorrectionForm(request.POST)
    if not form.is_valid():
        return _mention_page(request, mention, correction_form=form)
    mention_correct(mention=mention, user=request.user, **form.cleaned_data)
    messages.success(request, "Thanks: the correction is saved and the next model version learns from it.")
    return redirect("mentions:mention_detail", mention_id=mention.pk)


@login_required
@permission_required((VIEW_MENTION, "mentions.export_mentions"), raise_exception=True)
def mention_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every mention the list's filters select (not just one page), streamed as CSV or JSON Lines."""
    filterset = mention_filterset(data=request.GET)
    if not filterset.is_valid():
        message = f"Fix the filters first: {filterset.errors.as_text()}"
        return HttpResponse(message, status=400, content_type="text/plain")
    rows = mention_export_rows(mentions=filterset.qs)
    filename = f"mentions-{timezone.localdate():%Y-%m-%d}"
    return export_response(header=MENTION_HEADER, rows=rows, fmt=fmt, filename=filename)
