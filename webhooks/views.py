from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from webhooks.forms import EndpointForm
from webhooks.models import Delivery, Endpoint
from webhooks.selectors import delivery_get, endpoint_deliveries, endpoint_list
from webhooks.services import (
    endpoint_create,
    endpoint_disable,
    endpoint_enable,
    endpoint_secret_rotate,
    endpoint_update,
    webhook_delivery_replay,
)

VIEW = "webhooks.view_endpoint"
ADD = "webhooks.add_endpoint"
CHANGE = "webhooks.change_endpoint"
PAGE_SIZE = 50


def _get_endpoint(endpoint_id: int) -> Endpoint:
    try:
        return Endpoint.objects.select_related("hospital").get(pk=endpoint_id)
    except Endpoint.DoesNotExist:
        raise Http404("No such webhook endpoint.") from None


@login_required
@permission_required(VIEW, raise_exception=True)
def endpoint_list_page(request: HttpRequest) -> HttpResponse:
    return render(request, "webhooks/endpoint_list.html", {"endpoints": endpoint_list()})


def _secret_page(request: HttpRequest, endpoint: Endpoint, secret: str) -> HttpResponse:
    # Rendered in the POST response, never redirected or stored: this is the only time the secret is shown.
    response = render(request, "webhooks/endpoint_secret.html", {"endpoint": endpoint, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@permission_required((VIEW, ADD), raise_exception=True)
def endpoint_create_page(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint, secret = endpoint_create(user=request.user, **form.cleaned_data)
        return _secret_page(request, endpoint, secret)
    return render(request, "webhooks/endpoint_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@permission_required((VIEW, CHANGE), raise_exception=True)
def endpoint_edit(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _get_endpoint(endpoint_id)
    initial = {
        field: getattr(endpoint, field) for field in ("name", "url", "events", "category", "min_severity")
    }
    form = EndpointForm(request.POST or None, initial=initial | {"hospital": endpoint.hospital})
    if request.method == "POST" and form.is_valid():
        endpoint_update(endpoint=endpoint, user=request.user, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect("webhooks:endpoint_detail", endpoint_id=endpoint.pk)
    context = {"form": form, "endpoint": endpoint}
    return render(request, "webhooks/endpoint_form.html", context, status=400 if form.errors else 200)


@login_required
@permission_required(VIEW, raise_exception=True)
def endpoint_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _get_endpoint(endpoint_id)
    page = Paginator(endpoint_deliveries(endpoint=endpoint), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "webhooks/endpoint_detail.html", {"endpoint": endpoint, "page": page})


@require_POST
@login_required
@permission_required((VIEW, CHANGE), raise_exception=True)
def endpoint_enable_view(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _get_endpoint(endpoint_id)
    was_paused = endpoint.paused_at is not None
    endpoint_enable(endpoint=endpoint, user=request.user)
    messages.success(
        request, "Resumed: deliveries held while it was paused are being sent." if was_paused else "Enabled."
    )
    return redirect("webhooks:endpoint_detail", endpoint_id=endpoint.pk)


@require_POST
@login_required
@permission_required((VIEW, CHANGE), raise_exception=True)
def endpoint_disable_view(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _get_endpoint(endpoint_id)
    endpoint_disable(endpoint=endpoint, user=request.user)
    messages.success(request, "Disabled: nothing is sent to it until it is enabled again.")
    return redirect("webhooks:endpoint_detail", endpoint_id=endpoint.pk)


@require_POST
@login_required
@permission_required((VIEW, CHANGE), raise_exception=True)
def endpoint_rotate_secret(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _get_endpoint(endpoint_id)
    secret = endpoint_secret_rotate(endpoint=endpoint, user=request.user)
    return _secret_page(request, endpoint, secret)


def _get_delivery(delivery_id: int) -> Delivery:
    try:
        return delivery_get(delivery_id=delivery_id)
    except Delivery.DoesNotExist:
        raise Http404("No such delivery.") from None


@login_required
@permission_required(VIEW, raise_exception=True)
def delivery_detail(request: HttpRequest, delivery_id: int) -> HttpResponse:
    return render(request, "webhooks/delivery_detail.html", {"delivery": _get_delivery(delivery_id)})


@require_POST
@login_required
@permission_required((VIEW, CHANGE), raise_exception=True)
def delivery_replay(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = _get_delivery(delivery_id)
    webhook_delivery_replay(delivery=delivery, user=request.user)
    messages.success(request, "Replay queued: the same event is being sent again with a fresh signature.")
    return redirect("webhooks:delivery_detail", delivery_id=delivery.pk)
