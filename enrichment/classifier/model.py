"""The complaint model: three logistic-regression heads on shared TF-IDF features, plus severity rules.

- complaint head: is this a complaint about care or service (probability);
- category head: which taxonomy category (trained on complaints only);
- severity head: low / medium / high / critical (complaints only), raised to critical by the rules.

Optionally a second pair of heads reads MiniLM sentence embeddings; they are consulted only for texts
the TF-IDF heads are unsure about, and their probabilities are averaged with the TF-IDF ones.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from enrichment.classifier import embeddings
from enrichment.classifier.features import FEATURE_VERSION, TextFeatures, clip_text, dense_matrix
from enrichment.classifier.rules import is_critical
from enrichment.sentiment import SentimentDetails
from enrichment.taxonomy import CATEGORY_INFO, Severity

COMPLAINT_THRESHOLD = 0.5
# Critical wording lowers the bar: a missed death or legal threat costs far more than a false alarm.
CRITICAL_COMPLAINT_THRESHOLD = 0.3
# Texts whose complaint probability falls in this band (or whose category is this unsure) get embeddings.
UNSURE_COMPLAINT_BAND = (0.2, 0.8)
UNSURE_CATEGORY_PROBABILITY = 0.6
# Below this the severity head is guessing; the category's documented default is a better guess.
SEVERITY_MIN_CONFIDENCE = 0.4


@dataclass(frozen=True, slots=True)
class Prediction:
    is_complaint: bool
    complaint_probability: float
    category: str | None
    category_probability: float | None
    severity: str | None
    # The category head's answer even when the text is not a complaint (evaluation uses it).
    top_category: str
    top_category_probability: float
    used_embeddings: bool


@dataclass
class EmbeddingHeads:
    complaint: LogisticRegression
    category: LogisticRegression


@dataclass
class ComplaintModel:
    version: str
    features: TextFeatures
    complaint_head: LogisticRegression
    category_head: LogisticRegression
    severity_head: LogisticRegression
    embedding_heads: EmbeddingHeads | None = None
    # The feature code this model was fitted with; registry.load_version refuses a mismatch.
    feature_version: int = FEATURE_VERSION

    @property
    def has_embeddings(self) -> bool:
        return self.embedding_heads is not None

    def predict(
        self,
        texts: Sequence[str],
        details: Sequence[SentimentDetails],
        *,
        use_embeddings: bool = False,
    ) -> list[Prediction]:
        if not texts:
            return []
        critical = [is_critical(clip_text(text)) for text in texts]
        matrix = self.features.transform(texts, details, critical)
        complaint_p = _positive_probability(self.complaint_head, matrix)
        category_p = self.category_head.predict_proba(matrix)
        severity_p = self.severity_head.predict_proba(matrix)

        used = np.zeros(len(texts), dtype=bool)
        if use_embeddings and self.embedding_heads is not None:
            unsure = np.flatnonzero(
                ((complaint_p >= UNSURE_COMPLAINT_BAND[0]) & (complaint_p <= UNSURE_COMPLAINT_BAND[1]))
                | (
                    (complaint_p >= COMPLAINT_THRESHOLD)
                    & (category_p.max(axis=1) < UNSURE_CATEGORY_PROBABILITY)
                )
            )
            if unsure.size:
                rows = embedding_rows(
                    [texts[i] for i in unsure], [details[i] for i in unsure], [critical[i] for i in unsure]
                )
                heads = self.embedding_heads
                complaint_p[unsure] = (complaint_p[unsure] + _positive_probability(heads.complaint, rows)) / 2
                category_p[unsure] = (category_p[unsure] + heads.category.predict_proba(rows)) / 2
                used[unsure] = True

        categories = self.category_head.classes_
        severities = self.severity_head.classes_
        predictions = []
        for i in range(len(texts)):
            threshold = CRITICAL_COMPLAINT_THRESHOLD if critical[i] else COMPLAINT_THRESHOLD
            is_complaint = bool(complaint_p[i] >= threshold)
            best_category = int(category_p[i].argmax())
            top_category = str(categories[best_category])
            top_category_probability = float(category_p[i, best_category])
            severity = None
            if is_complaint:
                best_severity = int(severity_p[i].argmax())
                severity = str(severities[best_severity])
                if severity_p[i, best_severity] < SEVERITY_MIN_CONFIDENCE:
                    severity = str(CATEGORY_INFO[top_category].default_severity)
                if critical[i]:
                    severity = str(Severity.CRITICAL)
            predictions.append(
                Prediction(
                    is_complaint=is_complaint,
                    complaint_probability=round(float(complaint_p[i]), 4),
                    category=top_category if is_complaint else None,
                    category_probability=round(top_category_probability, 4) if is_complaint else None,
                    severity=severity,
                    top_category=top_category,
                    top_category_probability=round(top_category_probability, 4),
                    used_embeddings=bool(used[i]),
                )
            )
        return predictions


def embedding_rows(
    texts: Sequence[str], details: Sequence[SentimentDetails], critical: Sequence[bool]
) -> np.ndarray:
    """Sentence embedding next to the same dense sentiment features the TF-IDF heads get."""
    vectors = embeddings.encode([clip_text(text) for text in texts])
    return np.hstack([vectors, dense_matrix(texts, details, critical)])


def _positive_probability(head: LogisticRegression, matrix) -> np.ndarray:
    positive_column = list(head.classes_).index(True)
    return head.predict_proba(matrix)[:, positive_column].astype(np.float64)
