"""An independent check on the bundled demo posts (sources/demo/posts.jsonl.gz). EVALUATION ONLY.

The demo data was written separately from the labelled training data (other hospitals, other phrase
tables, other people's idea of a post), so it measures how far the model transfers. Nothing here trains
or tunes anything, and its sentences and templates must never be copied into enrichment/data/.

    .venv/bin/python -m enrichment.classifier.demo_data [--model-version V] [--json]

Each post is classified as the pipeline sees it (title, newline, text). Figures: complaint precision,
recall and F1; false positives and missed complaints by the post's `topic`; and on the true positives
(complaints flagged as complaints) how often the predicted category is the demo's `category`.
"""

import argparse
import gzip
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from enrichment.classifier.features import clip_text
from enrichment.classifier.model import ComplaintModel
from enrichment.sentiment import sentiment_details
from enrichment.taxonomy import CATEGORY_PRIORITY

DEMO_DATA_FILE = Path(__file__).resolve().parents[2] / "sources" / "demo" / "posts.jsonl.gz"


def read_demo_posts(path: Path = DEMO_DATA_FILE) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def post_text(post: dict) -> str:
    """What the pipeline classifies (enrichment.services): the title and the text."""
    title = post.get("title") or ""
    return f"{title}\n{post['text']}" if title else post["text"]


def evaluate_demo_posts(
    posts: Sequence[dict], model: ComplaintModel, *, use_embeddings: bool = False, examples: int = 0
) -> dict:
    texts = [post_text(post) for post in posts]
    details = [sentiment_details(clip_text(text)) for text in texts]
    predictions = model.predict(texts, details, use_embeddings=use_embeddings)
    gold = [bool(post["is_complaint"]) for post in posts]
    flagged = [prediction.is_complaint for prediction in predictions]
    true_positive = sum(g and f for g, f in zip(gold, flagged, strict=True))
    false_positive = sum(f and not g for g, f in zip(gold, flagged, strict=True))
    false_negative = sum(g and not f for g, f in zip(gold, flagged, strict=True))
    precision = true_positive / (true_positive + false_positive) if true_positive + false_positive else 0.0
    recall = true_positive / (true_positive + false_negative) if true_positive + false_negative else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    topics = Counter(post["topic"] for post in posts)
    false_positives = Counter(
        post["topic"] for post, g, f in zip(posts, gold, flagged, strict=True) if f and not g
    )
    missed = Counter(post["topic"] for post, g, f in zip(posts, gold, flagged, strict=True) if g and not f)
    pairs = [
        (post["category"], prediction.category)
        for post, prediction in zip(posts, predictions, strict=True)
        if post["is_complaint"] and prediction.is_complaint and post.get("category")
    ]
    per_category = {}
    for category in CATEGORY_PRIORITY:
        rows = [predicted for gold_category, predicted in pairs if gold_category == category]
        if rows:
            per_category[category] = {
                "accuracy": round(sum(p == category for p in rows) / len(rows), 4),
                "support": len(rows),
            }
    figures = {
        "posts": len(posts),
        "complaints": sum(gold),
        "not_complaints": len(gold) - sum(gold),
        "complaint": {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "true_positives": true_positive,
            "false_positives": false_positive,
            "missed": false_negative,
        },
        "false_positives_by_topic": {
            topic: {"flagged": false_positives[topic], "of": topics[topic]}
            for topic in sorted(topics, key=lambda t: -false_positives[t])
            if false_positives[topic] or not any(p["is_complaint"] for p in posts if p["topic"] == topic)
        },
        "missed_by_topic": {
            topic: {"missed": missed[topic], "of": topics[topic]}
            for topic in sorted(missed, key=missed.get)[::-1]
        },
        "category_on_true_positives": {
            "accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 4) if pairs else 0.0,
            "rows": len(pairs),
            "per_category": per_category,
        },
    }
    if examples:
        ranked = sorted(
            (
                (prediction.complaint_probability, post["topic"], text)
                for post, prediction, text in zip(posts, predictions, texts, strict=True)
                if prediction.is_complaint and not post["is_complaint"]
            ),
            reverse=True,
        )
        figures["worst_false_positives"] = [
            {"probability": p, "topic": topic, "text": text} for p, topic, text in ranked[:examples]
        ]
    return figures


def format_demo_figures(figures: dict) -> list[str]:
    complaint = figures["complaint"]
    lines = [
        f"demo posts: {figures['posts']} ({figures['complaints']} complaints, "
        f"{figures['not_complaints']} not)",
        f"complaint precision {complaint['precision']:.3f}  recall {complaint['recall']:.3f}  "
        f"F1 {complaint['f1']:.3f}  (flagged {complaint['true_positives'] + complaint['false_positives']}, "
        f"false positives {complaint['false_positives']}, missed {complaint['missed']})",
        "false positives by topic: "
        + ", ".join(f"{t} {v['flagged']}/{v['of']}" for t, v in figures["false_positives_by_topic"].items()),
        "missed complaints by topic: "
        + ", ".join(f"{t} {v['missed']}/{v['of']}" for t, v in figures["missed_by_topic"].items()),
    ]
    category = figures["category_on_true_positives"]
    lines.append(
        f"category accuracy on the {category['rows']} true positives: {category['accuracy']:.3f} ("
        + ", ".join(f"{c} {v['accuracy']:.2f}/{v['support']}" for c, v in category["per_category"].items())
        + ")"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    import django

    django.setup()
    from enrichment.classifier import registry

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-version", help="model version (default: the active one)")
    parser.add_argument("--data", type=Path, default=DEMO_DATA_FILE)
    parser.add_argument("--embeddings", action="store_true", help="use the model's embedding heads")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    version = args.model_version or registry.active_version()
    if version is None:
        parser.error("no active model; run `manage.py train_classifier` first")
    model = registry.load_version(version)
    figures = evaluate_demo_posts(
        read_demo_posts(args.data), model, use_embeddings=args.embeddings and model.has_embeddings
    )
    figures = {"version": version, **figures}
    print(
        json.dumps(figures, indent=2)
        if args.json
        else "\n".join([f"model {version}", *format_demo_figures(figures)])
    )
    return 0


if __name__ == "__main__":
    import os
    import sys

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hospitallisten.settings.base")
    sys.exit(main())
