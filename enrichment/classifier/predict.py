"""Classifying texts with the active model version: what the pipeline and the classify command call."""

import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

from enrichment.classifier import registry
from enrichment.classifier.features import clip_text
from enrichment.classifier.model import ComplaintModel
from enrichment.sentiment import Sentiment, sentiment_details


@dataclass(frozen=True, slots=True)
class Classification:
    sentiment: Sentiment
    is_complaint: bool
    complaint_probability: float
    category: str | None
    category_probability: float | None
    severity: str | None
    model_version: str

    def as_json(self) -> dict:
        """The JSON object the classify command writes (without the caller's id)."""
        return {
            "sentiment": asdict(self.sentiment),
            "is_complaint": self.is_complaint,
            "complaint_probability": self.complaint_probability,
            "category": self.category,
            "category_probability": self.category_probability,
            "severity": self.severity,
            "model_version": self.model_version,
        }


_cache_lock = threading.Lock()
_cache: dict[Path, ComplaintModel] = {}


def active_model(*, directory: Path | None = None) -> ComplaintModel:
    """The active version, loaded once per process and reloaded when active.json names another version.

    Raises registry.ModelUnavailable if no version is active (call training.ensure_active_model first).
    """
    directory = directory or registry.model_dir()
    version = registry.active_version(directory)
    if version is None:
        raise registry.ModelUnavailable(
            f"no active model in {directory}; run `manage.py train_classifier` or ensure_active_model()"
        )
    with _cache_lock:
        cached = _cache.get(directory)
        if cached is None or cached.version != version:
            cached = registry.load_version(version, directory)
            _cache[directory] = cached
    return cached


def embeddings_enabled_by_default() -> bool:
    return bool(getattr(settings, "ENRICHMENT_USE_EMBEDDINGS", False))


def classify_texts(
    texts: Sequence[str],
    *,
    use_embeddings: bool | None = None,
    model: ComplaintModel | None = None,
) -> list[Classification]:
    """Sentiment, complaint, category and severity for each text, in input order.

    use_embeddings defaults to settings.ENRICHMENT_USE_EMBEDDINGS and only has an effect when the
    model was trained with embeddings. Pass model to skip the active-version lookup (tests, batch jobs).
    """
    if not texts:
        return []
    model = model or active_model()
    if use_embeddings is None:
        use_embeddings = embeddings_enabled_by_default()
    details = [sentiment_details(clip_text(text)) for text in texts]
    predictions = model.predict(texts, details, use_embeddings=use_embeddings and model.has_embeddings)
    return [
        Classification(
            sentiment=Sentiment(compound=detail.compound, label=detail.label),
            is_complaint=prediction.is_complaint,
            complaint_probability=prediction.complaint_probability,
            category=prediction.category,
            category_probability=prediction.category_probability,
            severity=prediction.severity,
            model_version=model.version,
        )
        for detail, prediction in zip(details, predictions, strict=True)
    ]
