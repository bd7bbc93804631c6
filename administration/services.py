"""The configuration audit trail: one call per change, from whichever service makes the change."""

from collections.abc import Collection, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.forms.models import model_to_dict

from administration.models import ConfigChange

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
