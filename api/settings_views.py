"""Settings → Integrations: admins create and revoke the API tokens of the hospital's systems."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.forms import IntegrationTokenForm
from api.models import IntegrationToken
from api.selectors import integration_token_list
from api.services import integration_token_create, integration_token_revoke

MANAGE_INTEGRATIONS = "api.manage_integrations"
PAGE_SIZE = 50


@login_required
@permission_required(MANAGE_INTEGRATIONS, raise_exception=True)
def token_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(integration_token_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "api/token_list.html", {"page": page, "query": ""})


# never_cache: the page that shows a new token once must not be kept by the browser or a proxy.
@never_cache
@login_required
@permission_required(MANAGE_INTEGRATIONS, raise_exception=True)
def token_create(request: HttpRequest) -> HttpResponse:
    form = IntegrationTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = integration_token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "api/token_created.html", {"created": created})
    return render(request, "api/token_create.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
@login_required
@permission_required(MANAGE_INTEGRATIONS, raise_exception=True)
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    integration = get_object_or_404(IntegrationToken, pk=token_id)
    if integration_token_revoke(actor=request.user, integration=integration):
        messages.success(request, f"{integration.name}'s token is revoked: it is refused from now on.")
    else:
        messages.info(request, f"{integration.name}'s token was already revoked.")
    return redirect("integrations:token_list")
