"""The columns of a queue export (CSV or JSON Lines of the queue with its filters)."""

from collections.abc import Iterator

from django.db.models import QuerySet

from hospitallisten.lib.streaming import keyset_iterate

# The workflow state and the complaint; never notes, harm levels or the action taken, which staff write
# for each other and which may describe the patient.
QUEUE_COLUMNS = [
    ("queue_item_id", "id"),
    ("status", "status"),
    ("priority", "priority"),
    ("sla_state", "sla_state"),
    ("sla_due", "sla_due"),
    ("assignee", "assignee__username"),
    ("team", "team__name"),
    ("routed_to_risk", "routed_to_risk"),
    ("created_at", "created_at"),
    ("first_response_at", "first_response_at"),
    ("resolved_at", "resolved_at"),
    ("outcome", "outcome"),
    ("mention_id", "mention_id"),
    ("posted_at", "mention__posted_at"),
    ("platform", "mention__platform"),
    ("hospital", "mention__hospital__name"),
    ("author_handle", "mention__author_handle"),
    ("text", "mention__text"),
    ("url", "mention__url"),
    ("category", "mention__category"),
    ("severity", "mention__severity"),
]
QUEUE_HEADER = [column for column, _ in QUEUE_COLUMNS]


def queue_export_rows(*, items: QuerySet, chunk_size: int | None = None) -> Iterator[tuple]:
    """Each queue item as a tuple of QUEUE_HEADER values, in the queue's order, read in keyset pages."""
    fields = [field for _, field in QUEUE_COLUMNS]
    return keyset_iterate(items, fields=fields, chunk_size=chunk_size)


def queue_filter_kwargs(cleaned: dict) -> dict:
    """queue_item_list's arguments from the queue's filter form, so the page and its export agree."""
    return {
        "status": cleaned.get("status") or None,
        "category": cleaned.get("category") or None,
        "hospital": cleaned.get("hospital"),
        "source_platform": cleaned.get("platform") or None,
        "sla_state": cleaned.get("sla_state") or None,
        "assignee": cleaned.get("assignee"),
        "team": cleaned.get("team"),
        "view": cleaned.get("view") or None,
        "cluster": cleaned.get("cluster"),
        "location": cleaned.get("location"),
        "updated_since": cleaned.get("updated_since"),
    }
