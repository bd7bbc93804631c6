"""Evaluation on real labelled posts written by others (/work/shared/eval/dev style), beside plain VADER.

EVALUATION ONLY: nothing here trains or tunes anything, and nothing in the repository depends on the
files being present. The directory is expected to hold any of:

- complaint_tweets.jsonl      id, text, is_complaint            complaint detection F1
- hospital_reviews.jsonl      id, text, stars, source           positive-vs-negative accuracy
                                                                (stars >=4 vs <=2)
- nhs_patient_feedback.jsonl  id, text, sentiment, categories   3-class sentiment accuracy; category
                                                                macro-F1 on the negative comments
- vader_tweets.jsonl          id, text, mean_rating             Pearson r with the mean human rating

Plain VADER is vaderSentiment itself (not our restatement), so the baseline is the library people know.
"""

import json
import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from enrichment.classifier.features import clip_text
from enrichment.classifier.model import ComplaintModel
from enrichment.sentiment import label_for, sentiment_details

_plain_vader = SentimentIntensityAnalyzer()


def evaluate_real_data(directory: Path, model: ComplaintModel, *, use_embeddings: bool = False) -> dict:
    """Figures for every known file found in directory; missing files are skipped."""
    results: dict = {}
    tweets = _read(directory / "complaint_tweets.jsonl")
    if tweets:
        results["complaint_tweets"] = _complaint_tweets(tweets, model, use_embeddings=use_embeddings)
    reviews = _read(directory / "hospital_reviews.jsonl")
    if reviews:
        results["hospital_reviews"] = _hospital_reviews(reviews)
    feedback = _read(directory / "nhs_patient_feedback.jsonl")
    if feedback:
        results["nhs_patient_feedback"] = _nhs_feedback(feedback, model, use_embeddings=use_embeddings)
    ratings = _read(directory / "vader_tweets.jsonl")
    if ratings:
        results["vader_tweets"] = _vader_tweets(ratings)
    return results


def _complaint_tweets(rows: list[dict], model: ComplaintModel, *, use_embeddings: bool) -> dict:
    gold = [bool(row["is_complaint"]) for row in rows]
    predictions = _predict(model, [row["text"] for row in rows], use_embeddings=use_embeddings)
    ours = [prediction.is_complaint for prediction in predictions]
    # The reference baseline: "VADER says negative, so it is a complaint".
    vader = [_plain_vader.polarity_scores(row["text"])["compound"] <= -0.05 for row in rows]
    return {
        "rows": len(rows),
        "ours": {"complaint_f1": _f1(gold, ours), "macro_f1": _binary_macro_f1(gold, ours)},
        "vader_negative": {"complaint_f1": _f1(gold, vader), "macro_f1": _binary_macro_f1(gold, vader)},
    }


def _hospital_reviews(rows: list[dict]) -> dict:
    # Stars 3 are left out; a review counts as predicted positive unless its label is negative.
    by_source: dict[str, list[tuple[bool, bool, bool]]] = defaultdict(list)
    for row in rows:
        if row["stars"] == 3:
            continue
        gold = row["stars"] >= 4
        ours = sentiment_details(clip_text(row["text"])).label != "negative"
        vader = label_for(_plain_vader.polarity_scores(row["text"])["compound"]) != "negative"
        by_source[row.get("source", "all")].append((gold, ours, vader))
        by_source["all"].append((gold, ours, vader))
    return {
        source: {
            "rows": len(triples),
            "ours_accuracy": _accuracy([gold == ours for gold, ours, _ in triples]),
            "vader_accuracy": _accuracy([gold == vader for gold, _, vader in triples]),
        }
        for source, triples in sorted(by_source.items())
    }


def _nhs_feedback(rows: list[dict], model: ComplaintModel, *, use_embeddings: bool) -> dict:
    ours_labels = [sentiment_details(clip_text(row["text"])).label for row in rows]
    vader_labels = [label_for(_plain_vader.polarity_scores(row["text"])["compound"]) for row in rows]
    gold_labels = [row["sentiment"] for row in rows]

    # NHS categories label praise topics too, so complaint categories are scored on negative comments.
    negative = [row for row in rows if row["sentiment"] == "negative" and row.get("categories")]
    predictions = _predict(model, [row["text"] for row in negative], use_embeddings=use_embeddings)
    gold_sets = [set(row["categories"]) for row in negative]
    head = [prediction.top_category for prediction in predictions]
    end_to_end = [prediction.category for prediction in predictions]
    majority = (
        max(
            {category for labels in gold_sets for category in labels},
            key=lambda category: sum(category in labels for labels in gold_sets),
        )
        if gold_sets
        else None
    )
    return {
        "rows": len(rows),
        "sentiment": {
            "ours_accuracy": _accuracy([a == b for a, b in zip(ours_labels, gold_labels, strict=True)]),
            "vader_accuracy": _accuracy([a == b for a, b in zip(vader_labels, gold_labels, strict=True)]),
        },
        "negative_with_categories": len(negative),
        "category": {
            "ours_macro_f1": _multilabel_macro_f1(gold_sets, head),
            "ours_end_to_end_macro_f1": _multilabel_macro_f1(gold_sets, end_to_end),
            "flagged_as_complaint": _accuracy([prediction.is_complaint for prediction in predictions]),
            "majority_class_macro_f1": _multilabel_macro_f1(gold_sets, [majority] * len(gold_sets)),
            "vader": "n/a (VADER has no categories)",
        },
    }


def _vader_tweets(rows: list[dict]) -> dict:
    gold = [float(row["mean_rating"]) for row in rows]
    ours = [sentiment_details(clip_text(row["text"])).compound for row in rows]
    vader = [_plain_vader.polarity_scores(row["text"])["compound"] for row in rows]
    return {
        "rows": len(rows),
        "ours_pearson_r": _pearson(ours, gold),
        "vader_pearson_r": _pearson(vader, gold),
    }


def _predict(model: ComplaintModel, texts: Sequence[str], *, use_embeddings: bool):
    details = [sentiment_details(clip_text(text)) for text in texts]
    return model.predict(texts, details, use_embeddings=use_embeddings and model.has_embeddings)


def _read(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return list(_rows(path))


def _rows(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _accuracy(hits: Sequence[bool]) -> float:
    return round(sum(hits) / len(hits), 4) if hits else 0.0


def _f1(gold: Sequence[bool], predicted: Sequence[bool], positive: bool = True) -> float:
    true_positive = sum(g == positive and p == positive for g, p in zip(gold, predicted, strict=True))
    predicted_positive = sum(p == positive for p in predicted)
    gold_positive = sum(g == positive for g in gold)
    if not true_positive:
        return 0.0
    precision = true_positive / predicted_positive
    recall = true_positive / gold_positive
    return round(2 * precision * recall / (precision + recall), 4)


def _binary_macro_f1(gold: Sequence[bool], predicted: Sequence[bool]) -> float:
    return round((_f1(gold, predicted, True) + _f1(gold, predicted, False)) / 2, 4)


def _multilabel_macro_f1(gold_sets: Sequence[set[str]], predicted: Sequence[str | None]) -> float:
    """Macro-F1 over the categories present in the gold sets; a prediction is right if it is in the set."""
    categories = sorted({category for labels in gold_sets for category in labels})
    scores = []
    for category in categories:
        true_positive = sum(
            p == category and category in g for g, p in zip(gold_sets, predicted, strict=True)
        )
        false_positive = sum(
            p == category and category not in g for g, p in zip(gold_sets, predicted, strict=True)
        )
        false_negative = sum(
            p != category and category in g for g, p in zip(gold_sets, predicted, strict=True)
        )
        denominator = 2 * true_positive + false_positive + false_negative
        scores.append(2 * true_positive / denominator if denominator else 0.0)
    return round(sum(scores) / len(scores), 4) if scores else 0.0


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    spread_x = math.sqrt(sum((x - mean_x) ** 2 for x in xs))
    spread_y = math.sqrt(sum((y - mean_y) ** 2 for y in ys))
    return round(covariance / (spread_x * spread_y), 4) if spread_x and spread_y else 0.0
