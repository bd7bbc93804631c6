"""Reads for the user pages and the configuration history."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Case, Prefetch, Q, Value, When
from django.urls import NoReverseMatch, reverse

from administration import roles
from administration.models import ConfigChange
from administration.services import SECRET_PLACEHOLDER
from triage.models import Team


class UserState(models.TextChoices):
    ACTIVE = "active", "Active"
    INVITED = "invited", "Invited"
    DEACTIVATED = "deactivated", "Deactivated"


# What each role lets its members do, shown beside the role's checkbox.
ROLE_DESCRIPTIONS: dict[str, str] = {
    roles.MARKETING: "Dashboards, mention search, clusters and exports. No replies, no configuration.",
    roles.PATIENT_EXPERIENCE: "Everything in Marketing, plus the queue, notes, corrections and reply drafts.",
    roles.REPLY_APPROVER: "Approves public replies before they are posted.",
    roles.ADMIN: "Everything, plus tracked terms, sources, templates, users and the Django admin.",
}

# Fields whose stored name is not what people call them.
FIELD_LABELS: dict[str, str] = {"groups": "Roles", "is_active": "Active", "is_staff": "Django admin access"}


def user_list(*, search: str = "", state: str = "", role: Group | None = None) -> models.QuerySet:
    """Everyone with an account, active first, with their roles, teams and state ("invited": has not set a
    password yet) ready for the page. `search` matches every word against name, username and email.
    Integrations' accounts are left out: they are managed on the integrations page."""
    users = get_user_model().objects.filter(integration_token__isnull=True).annotate(
        state=Case(
            When(is_active=False, then=Value(UserState.DEACTIVATED)),
            When(password__startswith=UNUSABLE_PASSWORD_PREFIX, then=Value(UserState.INVITED)),
            default=Value(UserState.ACTIVE),
        )
    )
    for word in search.split():
        users = users.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    if state:
        users = users.filter(state=state)
    if role is not None:
        users = users.filter(groups=role)
    return users.prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name")),
        Prefetch("triage_teams", queryset=Team.objects.order_by("name")),
    ).order_by("-is_active", "first_name", "last_name", "username")


def user_state(user) -> str:
    """The same state `user_list` annotates, for one user already loaded."""
    if not user.is_active:
        return UserState.DEACTIVATED
    return UserState.ACTIVE if user.has_usable_password() else UserState.INVITED


def role_list() -> list[tuple[Group, str]]:
    """Every role with what it allows, in the order the forms show them."""
    return [(group, ROLE_DESCRIPTIONS.get(group.name, "")) for group in Group.objects.order_by("name")]


def config_change_list(
    *,
    content_type: ContentType | None = None,
    object_id: str | int | None = None,
    actor=None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> models.QuerySet:
    """Configuration changes, newest first, narrowed by object type (and id), by who made them and by
    day (both ends included, in the site's time zone)."""
    changes = ConfigChange.objects.select_related("actor", "content_type")
    if content_type is not None:
        changes = changes.filter(content_type=content_type)
    if object_id is not None:
        changes = changes.filter(object_id=str(object_id))
    if actor is not None:
        changes = changes.filter(actor=actor)
    if since is not None:
        changes = changes.filter(at__date__gte=since)
    if until is not None:
        changes = changes.filter(at__date__lte=until)
    return changes


def config_change_object_types() -> models.QuerySet:
    """The kinds of object the history holds changes for, for its filter."""
    return ContentType.objects.filter(pk__in=ConfigChange.objects.values("content_type").distinct()).order_by(
        "app_label", "model"
    )


def config_change_actors() -> models.QuerySet:
    """Everyone who has changed the configuration, deactivated people included, for the history's filter."""
    return (
        get_user_model()
        .objects.filter(pk__in=ConfigChange.objects.exclude(actor=None).values("actor").distinct())
        .order_by("first_name", "last_name", "username")
    )


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    secret: bool = False


@dataclass
class ConfigChangeRow:
    change: ConfigChange
    object_type: str
    object_url: str | None
    fields: list[FieldChange] = field(default_factory=list)


def config_change_rows(changes: Iterable[ConfigChange]) -> list[ConfigChangeRow]:
    """The changes ready to show: the object's type and a link to its page where one exists (and the
    object still does), and each field as readable before/after text with ids turned into names.
    One query per kind of object and per kind of related object on the page, whatever its length."""
    changes = list(changes)
    objects = _objects_by_type(changes)
    names = _related_names(changes)
    rows = []
    for change in changes:
        model = change.content_type.model_class()
        instance = objects.get(change.content_type_id, {}).get(change.object_id)
        row = ConfigChangeRow(
            change=change,
            object_type=str(model._meta.verbose_name).capitalize() if model else change.content_type.name,
            object_url=_object_url(instance),
        )
        for name, (before, after) in change.changes.items():
            related = names.get((change.content_type_id, name))
            row.fields.append(
                FieldChange(
                    label=_field_label(model, name),
                    before=_display(before, related),
                    after=_display(after, related),
                    secret=before == SECRET_PLACEHOLDER and after == SECRET_PLACEHOLDER,
                )
            )
        rows.append(row)
    return rows


def _objects_by_type(changes: list[ConfigChange]) -> dict[int, dict[str, models.Model]]:
    wanted: dict[ContentType, set[str]] = defaultdict(set)
    for change in changes:
        wanted[change.content_type].add(change.object_id)
    found: dict[int, dict[str, models.Model]] = {}
    for content_type, ids in wanted.items():
        model = content_type.model_class()
        if model is None:
            continue
        try:
            found[content_type.pk] = {str(pk): obj for pk, obj in model._default_manager.in_bulk(ids).items()}
        except (ValueError, ValidationError):
            found[content_type.pk] = {}
    return found


def _object_url(instance: models.Model | None) -> str | None:
    if instance is None:
        return None
    if isinstance(instance, get_user_model()):
        return reverse("administration:user_edit", args=[instance.pk])
    # Models with a page of their own say so with get_absolute_url; anything else stays unlinked.
    get_url = getattr(instance, "get_absolute_url", None)
    if get_url is None:
        return None
    try:
        return get_url()
    except NoReverseMatch:
        return None


def _related_names(changes: list[ConfigChange]) -> dict[tuple[int, str], dict[Any, str]]:
    """For every foreign-key or many-to-many field on the page whose values are ids: id -> current name."""
    wanted: dict[type[models.Model], set[int]] = defaultdict(set)
    fields_of: dict[tuple[int, str], type[models.Model]] = {}
    for change in changes:
        model = change.content_type.model_class()
        for name, values in change.changes.items():
            related = _related_model(model, name)
            ids = [v for v in _flatten(values) if isinstance(v, int) and not isinstance(v, bool)]
            if related is None or not ids:
                continue
            fields_of[(change.content_type_id, name)] = related
            wanted[related].update(ids)
    names = {
        related: {pk: str(obj) for pk, obj in related._default_manager.in_bulk(ids).items()}
        for related, ids in wanted.items()
    }
    return {key: names[related] for key, related in fields_of.items()}


def _related_model(model: type[models.Model] | None, name: str) -> type[models.Model] | None:
    if model is None:
        return None
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return model_field.related_model if (model_field.many_to_one or model_field.many_to_many) else None


def _field_label(model: type[models.Model] | None, name: str) -> str:
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize() if model else name
    except FieldDoesNotExist:
        return name.replace("_", " ").capitalize()


def _flatten(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _display(value: Any, names: dict[Any, str] | None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(_display(item, names) for item in value)
    if isinstance(value, int) and names is not None:
        return names.get(value, f"#{value} (deleted)")
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_display(item, names)}" for key, item in value.items())
    return str(value)
