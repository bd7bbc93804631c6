"""The configuration audit trail (one call per change, from whichever service makes the change), and the
services that manage users: invitations, roles, teams and deactivation."""

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from administration.models import ConfigChange
from administration.roles import ADMIN as ADMIN_ROLE
from triage.models import Team

SECRET_PLACEHOLDER = "(changed)"


def config_snapshot(instance: models.Model, *, exclude: Collection[str] = ()) -> dict[str, Any]:
    """The editable fields of `instance` as plain JSON-ready values, for a before/after comparison."""
    values = model_to_dict(instance, exclude=list(exclude))
    return {name: _plain(value) for name, value in values.items()}


def config_change_record(
    *,
    actor,
    instance: models.Model,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    secret_fields: Collection[str] = (),
) -> ConfigChange | None:
    """Record who created, changed or deleted `instance`. For a change, only fields whose value differs
    are kept; fields named in `secret_fields` are recorded as changed without their values. A change that
    changed nothing records nothing and returns None."""
    before = dict(before or {})
    after = dict(after or {})
    changes: dict[str, list[Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in secret_fields:
            changes[name] = [SECRET_PLACEHOLDER, SECRET_PLACEHOLDER]
        else:
            changes[name] = [old, new]
    if action == ConfigChange.Action.CHANGED and not changes:
        return None
    return ConfigChange.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return sorted(_plain(item) for item in value)
    if isinstance(value, (str, int, float, bool, dict)) or value is None:
        return value
    return str(value)


# --- Users: invitations, roles, teams and the active flag ---------------------------------------------


def user_invite(
    *,
    actor,
    email: str,
    first_name: str = "",
    last_name: str = "",
    roles: Iterable[Group] = (),
    teams: Iterable[Team] = (),
    site_url: str,
) -> AbstractBaseUser:
    """Create a user who signs in with their email address once they have set a password, give them
    `roles` and `teams`, record the change, and email them an invitation link (after the rows are saved,
    so a failed save never sends a link to nobody). Raises ValidationError for an email already in use."""
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email.strip())
    if user_email_taken(email=email):
        raise ValidationError({"email": f"{email} already has an account."}, code="duplicate")
    roles, teams = list(roles), list(teams)
    with transaction.atomic():
        user = user_model(
            username=email.lower(),
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            is_staff=_has_admin_role(roles),
        )
        # No password until the invitation is accepted: nobody can sign in as them before that.
        user.set_unusable_password()
        user.full_clean()
        user.save()
        user.groups.set(roles)
        user.triage_teams.set(teams)
        config_change_record(
            actor=actor, instance=user, action=ConfigChange.Action.CREATED, after=user_access_snapshot(user)
        )
    user_invitation_send(user=user, site_url=site_url)
    return user


def user_email_taken(*, email: str) -> bool:
    """Whether an account already uses `email`, as its address or as its username (any case)."""
    return (
        get_user_model()
        .objects.filter(models.Q(email__iexact=email.strip()) | models.Q(username__iexact=email.strip()))
        .exists()
    )


def user_invitation_send(*, user, site_url: str) -> None:
    """Email `user` a link to set their password (Django's password-reset token, valid for
    PASSWORD_RESET_TIMEOUT and spent once a password is set). Sends one email; writes nothing.
    Raises ValidationError for someone deactivated or who already set a password."""
    if not user.is_active:
        raise ValidationError(f"{user_display_name(user)} is deactivated; reactivate them first.")
    if user.has_usable_password():
        raise ValidationError(f"{user_display_name(user)} has already set a password.")
    path = reverse(
        "administration:invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": site_url.rstrip("/") + path,
        "valid_for": _duration_text(settings.PASSWORD_RESET_TIMEOUT),
    }
    subject = render_to_string("administration/invitation_email_subject.txt", context)
    body = render_to_string("administration/invitation_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def user_access_update(*, actor, user, roles: Iterable[Group], teams: Iterable[Team]) -> ConfigChange | None:
    """Replace `user`'s roles and teams (staff access follows the Admin role) and record the change.
    Raises ValidationError when admins would remove their own Admin role."""
    roles, teams = list(roles), list(teams)
    _check_may_change(actor=actor, user=user)
    if actor.pk == user.pk and _has_admin_role(user.groups.all()) and not _has_admin_role(roles):
        raise ValidationError(
            "You cannot remove your own Admin role: ask another admin, so someone can always manage users."
        )
    with transaction.atomic():
        before = user_access_snapshot(user)
        user.is_staff = _has_admin_role(roles) or (user.is_superuser and user.is_staff)
        user.save(update_fields=["is_staff"])
        user.groups.set(roles)
        user.triage_teams.set(teams)
        return config_change_record(
            actor=actor,
            instance=user,
            action=ConfigChange.Action.CHANGED,
            before=before,
            after=user_access_snapshot(user),
        )


def user_deactivate(*, actor, user) -> ConfigChange | None:
    """Stop `user` from signing in (their open sessions end too) without deleting them, so notes,
    replies and audit entries keep their name. Records the change. Raises ValidationError for oneself."""
    if actor.pk == user.pk:
        raise ValidationError("You cannot deactivate yourself: ask another admin.")
    return _user_active_set(actor=actor, user=user, is_active=False)


def user_reactivate(*, actor, user) -> ConfigChange | None:
    """Let a deactivated `user` sign in again, with the roles and teams they had. Records the change."""
    return _user_active_set(actor=actor, user=user, is_active=True)


def user_access_snapshot(user) -> dict[str, Any]:
    """What an admin controls about a user, by name rather than id so the history stays readable after a
    team is renamed or deleted. Never the password."""
    return {
        "email": user.email,
        "name": user.get_full_name(),
        "groups": sorted(group.name for group in user.groups.all()),
        "teams": sorted(team.name for team in user.triage_teams.all()),
        "is_active": user.is_active,
        "is_staff": user.is_staff,
    }


def user_display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _user_active_set(*, actor, user, is_active: bool) -> ConfigChange | None:
    _check_may_change(actor=actor, user=user)
    with transaction.atomic():
        before = user_access_snapshot(user)
        user.is_active = is_active
        user.save(update_fields=["is_active"])
        return config_change_record(
            actor=actor,
            instance=user,
            action=ConfigChange.Action.CHANGED,
            before=before,
            after=user_access_snapshot(user),
        )


def _check_may_change(*, actor, user) -> None:
    # A superuser holds every permission whatever their roles; only another superuser may lock one out.
    if user.is_superuser and not actor.is_superuser:
        raise ValidationError(f"Only a superuser can change {user_display_name(user)}, who is a superuser.")


def _has_admin_role(roles: Iterable[Group]) -> bool:
    return any(role.name == ADMIN_ROLE for role in roles)


def _duration_text(seconds: int) -> str:
    days, rest = divmod(int(seconds), 86400)
    if days and not rest:
        return f"{days} day{'s' if days != 1 else ''}"
    hours = max(1, round(seconds / 3600))
    return f"{hours} hour{'s' if hours != 1 else ''}"
