"""Linking a queue item to the same complaint in the hospital's own case system (CRM, patient relations)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from triage.models import AuditEntry, QueueItem
from triage.services._common import audit_entry_record, lock, snapshot

EXTERNAL_CASE_FIELDS = ["external_case_id", "external_case_url"]
_web_url = URLValidator(schemes=["http", "https"])


def queue_item_external_case_link(
    *, item: QueueItem, user, case_id: str, url: str = "", now: datetime | None = None
) -> QueueItem:
    """Record the external case's id and link (both blank unlinks). Only http(s) links are kept, since
    the page shows them as links.

    Updates the QueueItem; writes an AuditEntry.
    """
    case_id, url = case_id.strip(), url.strip()
    if url and not case_id:
        raise ValidationError({"case_id": "Give the external case's id along with its link."})
    if len(case_id) > QueueItem._meta.get_field("external_case_id").max_length:
        raise ValidationError({"case_id": "Keep the case id under 200 characters."})
    if url:
        try:
            _web_url(url)
        except ValidationError:
            raise ValidationError({"url": "Give a full http:// or https:// link to the case."}) from None
    now = now or timezone.now()
    with transaction.atomic():
        lock(item)
        before = snapshot(item, EXTERNAL_CASE_FIELDS)
        item.external_case_id, item.external_case_url = case_id, url
        item.save(update_fields=[*EXTERNAL_CASE_FIELDS, "updated_at"])
        audit_entry_record(
            item=item,
            actor=user,
            action=AuditEntry.Action.EXTERNAL_CASE_LINKED,
            before=before,
            after=snapshot(item, EXTERNAL_CASE_FIELDS),
            now=now,
        )
    return item
