"""Writes for the complaint queue. Views, tasks and the enrichment step call only these."""

from triage.services.bulk import (
    case_link,
    queue_items_bulk_assign,
    queue_items_bulk_change_category,
    queue_items_bulk_dismiss,
)
from triage.services.external import queue_item_external_case_link
from triage.services.items import (
    queue_item_assign,
    queue_item_correct,
    queue_item_ensure,
    queue_item_flag,
    queue_item_note_add,
    queue_item_set_harm_level,
    queue_items_copies_refresh,
    queue_items_sync,
)
from triage.services.replies import (
    ReplySendInProgress,
    reply_approve,
    reply_draft_save,
    reply_mark_elsewhere,
    reply_send,
    reply_send_enqueue,
    reply_send_give_up,
    reply_sending_unsupported_reason,
    reply_submit,
    reply_template_render,
)
from triage.services.workflow import (
    TransitionError,
    queue_item_close,
    queue_item_reopen,
    queue_item_transition,
    transition_check,
)

__all__ = [
    "ReplySendInProgress",
    "TransitionError",
    "case_link",
    "queue_item_assign",
    "queue_item_close",
    "queue_item_correct",
    "queue_item_ensure",
    "queue_item_external_case_link",
    "queue_item_flag",
    "queue_item_note_add",
    "queue_item_reopen",
    "queue_item_set_harm_level",
    "queue_item_transition",
    "queue_items_bulk_assign",
    "queue_items_bulk_change_category",
    "queue_items_bulk_dismiss",
    "queue_items_copies_refresh",
    "queue_items_sync",
    "reply_approve",
    "reply_draft_save",
    "reply_mark_elsewhere",
    "reply_send",
    "reply_send_enqueue",
    "reply_send_give_up",
    "reply_sending_unsupported_reason",
    "reply_submit",
    "reply_template_render",
    "transition_check",
]
