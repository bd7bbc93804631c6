from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mentions.models import Mention
from mentions.selectors import mention_filterset, mention_get

PAGE_SIZE = 50


@login_required
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


@login_required
def mention_detail(request: HttpRequest, mention_id: int) -> HttpResponse:
    try:
        mention = mention_get(mention_id=mention_id)
    except Mention.DoesNotExist:
        raise Http404("No such mention.") from None
    return render(request, "mentions/mention_detail.html", {"mention": mention})
