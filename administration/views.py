from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from administration import forms
from administration.selectors import (
    config_change_list,
    config_change_rows,
    role_list,
    user_list,
    user_state,
)
from administration.services import (
    user_access_update,
    user_deactivate,
    user_display_name,
    user_invitation_send,
    user_invite,
    user_reactivate,
)

PAGE_SIZE = 50
MANAGE_USERS = "auth.change_user"
VIEW_HISTORY = "administration.view_configchange"
# Sending email can fail on the mail server's side; the account is kept and the invitation can be resent.
MAIL_ERRORS = (OSError,)


def _get_user(user_id: int):
    return get_object_or_404(get_user_model(), pk=user_id)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@permission_required(MANAGE_USERS, raise_exception=True)
def user_list_page(request: HttpRequest) -> HttpResponse:
    search = forms.UserSearchForm(request.GET or None)
    cleaned = search.cleaned_data if search.is_valid() else {}
    users = user_list(search=cleaned.get("q", ""), state=cleaned.get("state", ""), role=cleaned.get("role"))
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"search": search, "page": page, "query": _query_without_page(request)}
    return render(request, "administration/user_list.html", context)


@login_required
@permission_required((MANAGE_USERS, "auth.add_user"), raise_exception=True)
def user_invite_page(request: HttpRequest) -> HttpResponse:
    form = forms.UserInviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_invite(
                actor=request.user, site_url=request.build_absolute_uri("/"), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        except MAIL_ERRORS as error:
            messages.error(request, f"The account was created but the invitation email failed ({error}).")
            return redirect("administration:user_list")
        else:
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("administration:user_list")
    return render(request, "administration/user_invite.html", {"form": form, "roles": role_list()})


@login_required
@permission_required(MANAGE_USERS, raise_exception=True)
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    person = _get_user(user_id)
    initial = {"roles": person.groups.all(), "teams": person.triage_teams.all()}
    form = forms.UserAccessForm(
        # Unticking every box posts no fields at all: still a submission.
        request.POST if request.method == "POST" else None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = user_access_update(actor=request.user, user=person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Roles and teams saved." if change else "Nothing changed.")
            return redirect("administration:user_edit", user_id=person.pk)
    user_type = ContentType.objects.get_for_model(person)
    history = config_change_rows(config_change_list(content_type=user_type, object_id=person.pk)[:10])
    context = {
        "person": person,
        "person_type_id": user_type.pk,
        "state": user_state(person),
        "form": form,
        "history": history,
    }
    return render(request, "administration/user_edit.html", context)


@require_POST
@login_required
@permission_required(MANAGE_USERS, raise_exception=True)
def user_state_change(request: HttpRequest, user_id: int, action: str) -> HttpResponse:
    """Deactivate, reactivate or resend the invitation: one small POST each, from the edit page."""
    person = _get_user(user_id)
    name = user_display_name(person)
    try:
        if action == "deactivate":
            user_deactivate(actor=request.user, user=person)
            messages.success(request, f"{name} is deactivated and can no longer sign in.")
        elif action == "reactivate":
            user_reactivate(actor=request.user, user=person)
            messages.success(request, f"{name} can sign in again.")
        else:
            user_invitation_send(user=person, site_url=request.build_absolute_uri("/"))
            messages.success(request, f"Invitation sent again to {person.email}.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except MAIL_ERRORS as error:
        messages.error(request, f"The invitation email failed ({error}); try again later.")
    return redirect("administration:user_edit", user_id=person.pk)


@login_required
@permission_required(VIEW_HISTORY, raise_exception=True)
def history(request: HttpRequest) -> HttpResponse:
    filters = forms.ConfigChangeFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    changes = config_change_list(
        content_type=cleaned.get("object_type"),
        actor=cleaned.get("actor"),
        since=cleaned.get("since"),
        until=cleaned.get("until"),
    )
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "rows": config_change_rows(page.object_list),
        "query": _query_without_page(request),
    }
    return render(request, "administration/config_change_list.html", context)


class InvitationAcceptView(PasswordResetConfirmView):
    """Django's password-reset confirmation (its signed, expiring, single-use token) used to accept an
    invitation; a deactivated account's link stops working."""

    template_name = "registration/invitation_accept.html"
    success_url = reverse_lazy("login")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            f"Your password is set. Sign in with {form.user.get_username()} and your new password.",
        )
        return response
