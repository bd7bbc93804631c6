"""Writes for tracking: the organization's structure and its terms (each change audited), and backfills."""

from tracking.services.backfill import (
    BACKFILL_ACTIVE_STATUSES,
    backfill_job_run,
    backfill_job_start,
    source_cursors_drop,
)
from tracking.services.organization import (
    organization_node_delete,
    organization_node_save,
    term_delete,
    term_save,
)

__all__ = [
    "BACKFILL_ACTIVE_STATUSES",
    "backfill_job_run",
    "backfill_job_start",
    "organization_node_delete",
    "organization_node_save",
    "source_cursors_drop",
    "term_delete",
    "term_save",
]
