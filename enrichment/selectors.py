"""Reads for the classifier page: the active model's figures, corrections and re-tag jobs."""

from dataclasses import dataclass

from enrichment.classifier import registry
from enrichment.models import ClassificationLabel, RetagJob


@dataclass(frozen=True, slots=True)
class ModelSummary:
    version: str
    trained_at: str
    train_size: int | None
    held_out_size: int | None
    complaint_f1: float | None
    category_macro_f1: float | None
    critical_recall: float | None


def classifier_summary() -> ModelSummary | None:
    """The active model version with its held-out figures, or None before any model is trained."""
    version = registry.active_version()
    if version is None:
        return None
    try:
        metrics = registry.read_metrics(version)
    except (FileNotFoundError, registry.ModelUnavailable):
        return None
    # A version copied in by hand may lack figures; show it all the same.
    held_out = metrics.get("held_out", {})
    return ModelSummary(
        version=version,
        trained_at=metrics.get("trained_at", ""),
        train_size=metrics.get("train_size"),
        held_out_size=held_out.get("split_size"),
        complaint_f1=held_out.get("complaint", {}).get("f1"),
        category_macro_f1=held_out.get("category", {}).get("macro_f1"),
        critical_recall=held_out.get("critical_recall"),
    )


def correction_count() -> int:
    return ClassificationLabel.objects.count()


def retag_job_list(limit: int = 5) -> list[RetagJob]:
    return list(RetagJob.objects.select_related("requested_by")[:limit])
