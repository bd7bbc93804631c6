"""Writes for the complaint queue. Views, tasks and the enrichment step call only these."""

from triage.services.bulk import (
    case_link,
    queue_items_bulk_assign,
    queue_items_bulk_change_category,
    queue_items_bulk_dismiss,
)
from triage.services.items import (
    queue_item_assign,
    queue_item_correct,
    queue_item_ensure,
    queue_item_flag,
    queue_item_note_add,
    queue_item_set_harm_level,
    queue_items_sync,
)
from triage.services.workflow import (
    TransitionError,
    queue_item_close,
    queue_item_reopen,
    queue_item_transition,
    transition_check,
)

__all__ = [
    "TransitionError",
    "case_link",
    "queue_item_assign",
    "queue_item_close",
    "queue_item_correct",
    "queue_item_ensure",
    "queue_item_flag",
    "queue_item_note_add",
    "queue_item_reopen",
    "queue_item_set_harm_level",
    "queue_item_transition",
    "queue_items_bulk_assign",
    "queue_items_bulk_change_category",
    "queue_items_bulk_dismiss",
    "queue_items_sync",
    "transition_check",
]
