"""Writes for sources: polling (sync), the cost governor (costs) and coverage gaps (coverage)."""

from sources.services.sync import source_queries, source_sync, sources_claim_due

__all__ = ["source_queries", "source_sync", "sources_claim_due"]
