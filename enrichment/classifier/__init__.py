"""Complaint detection, category and severity: the pure-Python enrichment layer (no database).

The pipeline needs four names:

- classify_texts(texts, *, use_embeddings=None, model=None) -> list[Classification]
- ensure_active_model() -> str: the active version, training the default model first if none exists
- train_model_version(*, extra_examples=(), embeddings=False, force=False, ...) -> TrainingResult
- LabelledExample: one labelled post (for staff corrections passed as extra_examples)
"""

from enrichment.classifier.predict import Classification, active_model, classify_texts
from enrichment.classifier.registry import ModelUnavailable, active_version, model_dir
from enrichment.classifier.training import (
    LabelledExample,
    TrainingResult,
    ensure_active_model,
    evaluate_model,
    load_labelled_examples,
    train_model_version,
)

__all__ = [
    "Classification",
    "LabelledExample",
    "ModelUnavailable",
    "TrainingResult",
    "active_model",
    "active_version",
    "classify_texts",
    "ensure_active_model",
    "evaluate_model",
    "load_labelled_examples",
    "model_dir",
    "train_model_version",
]
