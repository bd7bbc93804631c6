"""Creating, changing and deleting the organization's structure and its tracked terms.

Every change is recorded in the configuration history; a change to a term starts a backfill, so stored
mentions and the sources' history follow the new terms.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from administration.models import ConfigChange
from administration.services import config_change_record, config_snapshot
from tracking.models import BackfillJob, Clinician, Department, HealthSystem, Hospital, Location, TrackedTerm
from tracking.query import QuerySyntaxError, term_query
from tracking.services.backfill import backfill_job_start

OrganizationNode = HealthSystem | Hospital | Location | Department | Clinician


def organization_node_save(
    *, actor, instance: OrganizationNode, values: Mapping[str, Any]
) -> OrganizationNode:
    """Create or change a health system, hospital, location, department or clinician with `values`.

    Writes the row and a ConfigChange. Raises ValidationError when the row is invalid or a department's
    location (a clinician's department) belongs to another hospital.
    """
    return _save(actor=actor, instance=instance, values=values)


def organization_node_delete(*, actor, instance: OrganizationNode) -> BackfillJob | None:
    """Delete a node of the structure, recording it in the configuration history.

    Deleting a hospital deletes its places, people and terms (each term's deletion is recorded too) and
    starts a re-match of stored mentions, returned, so mentions it claimed can go to another hospital.
    Terms of a deleted location, department or clinician stay with their hospital.
    """
    with transaction.atomic():
        terms = list(instance.terms.all()) if isinstance(instance, Hospital) else []
        for term in terms:
            _record(
                actor=actor, instance=term, action=ConfigChange.Action.DELETED, before=config_snapshot(term)
            )
        _record(
            actor=actor,
            instance=instance,
            action=ConfigChange.Action.DELETED,
            before=config_snapshot(instance),
        )
        instance.delete()
        if isinstance(instance, Hospital):
            return backfill_job_start(hospital=None, actor=actor)
    return None


def term_save(
    *, actor, term: TrackedTerm, values: Mapping[str, Any], backfill: bool = True
) -> BackfillJob | None:
    """Create or change a tracked term (deactivating one is a change of `is_active`).

    Writes the term and a ConfigChange; with `backfill`, starts (or restarts) the backfill of the term's
    hospital and returns it. Raises ValidationError for an invalid query, a place of another hospital or
    a name the hospital already tracks.
    """
    previous_hospital_id = (
        TrackedTerm.objects.filter(pk=term.pk).values_list("hospital_id", flat=True).first()
    )
    with transaction.atomic():
        _save(actor=actor, instance=term, values=values)
        if not backfill:
            return None
        if previous_hospital_id and previous_hospital_id != term.hospital_id:
            backfill_job_start(hospital=Hospital.objects.get(pk=previous_hospital_id), actor=actor)
        return backfill_job_start(hospital=term.hospital, actor=actor)


def term_delete(*, actor, term: TrackedTerm, backfill: bool = True) -> BackfillJob | None:
    """Delete a tracked term. Writes a ConfigChange; with `backfill`, starts the backfill of its hospital
    (mentions only it matched stop being matched) and returns it."""
    with transaction.atomic():
        hospital = term.hospital
        _record(actor=actor, instance=term, action=ConfigChange.Action.DELETED, before=config_snapshot(term))
        term.delete()
        return backfill_job_start(hospital=hospital, actor=actor) if backfill else None


def term_query_check(*, text: str, query: str) -> None:
    """Raise ValidationError on `query` when the term's effective query cannot be read."""
    try:
        term_query(text, query)
    except QuerySyntaxError as error:
        raise ValidationError({"query": str(error)}, code="syntax") from error


def _save(*, actor, instance: OrganizationNode | TrackedTerm, values: Mapping[str, Any]):
    creating = instance.pk is None
    # The stored row, not `instance`: a bound ModelForm has already copied its input onto the instance.
    before = {} if creating else config_snapshot(type(instance).objects.get(pk=instance.pk))
    for name, value in values.items():
        setattr(instance, name, value)
    _check_same_hospital(instance)
    if isinstance(instance, TrackedTerm):
        term_query_check(text=instance.text, query=instance.query)
    with transaction.atomic():
        instance.full_clean()
        instance.save()
        _record(
            actor=actor,
            instance=instance,
            action=ConfigChange.Action.CREATED if creating else ConfigChange.Action.CHANGED,
            before=before,
            after=config_snapshot(instance),
        )
    return instance


def _check_same_hospital(instance) -> None:
    """A place, department or clinician a row points at must belong to the row's own hospital."""
    hospital_id = getattr(instance, "hospital_id", None)
    if hospital_id is None:
        return
    errors = {}
    for name in ("location", "department", "clinician"):
        if not hasattr(instance, f"{name}_id") or getattr(instance, f"{name}_id") is None:
            continue
        if getattr(instance, name).hospital_id != hospital_id:
            errors[name] = f"This {name} belongs to another hospital."
    if errors:
        raise ValidationError(errors)


def _record(*, actor, instance, action: str, before=None, after=None) -> None:
    config_change_record(actor=actor, instance=instance, action=action, before=before, after=after)
