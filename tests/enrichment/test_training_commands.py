import io
import json

import pytest
from django.core.management import CommandError, call_command

from enrichment.classifier import registry


def run(command, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_train_classifier_builds_and_activates_a_version(empty_model_dir, small_data_file):
    output = run("train_classifier", "--no-corrections", "--data", str(small_data_file))
    version = registry.active_version(empty_model_dir)
    assert version and f"active version is now {version}" in output
    assert "complaint F1" in output and "critical recall" in output


def test_train_classifier_takes_extra_examples_from_a_file(empty_model_dir, small_data_file, tmp_path):
    extra = tmp_path / "corrections.jsonl"
    extra.write_text(
        json.dumps(
            {
                "id": "fix-1",
                "text": "They lost my referral twice",
                "is_complaint": True,
                "category": "appointments_access",
                "severity": "low",
                "split": "train",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    run("train_classifier", "--no-corrections", "--data", str(small_data_file))
    first = registry.active_version(empty_model_dir)
    run(
        "train_classifier",
        "--no-corrections",
        "--data",
        str(small_data_file),
        "--extra",
        str(extra),
        "--force",
    )
    second = registry.active_version(empty_model_dir)
    assert second != first
    assert registry.read_metrics(second, empty_model_dir)["train_size"] == (
        registry.read_metrics(first, empty_model_dir)["train_size"] + 1
    )


def test_train_classifier_rejects_a_badly_labelled_extra_file(empty_model_dir, small_data_file, tmp_path):
    extra = tmp_path / "bad.jsonl"
    extra.write_text(json.dumps({"id": "x", "text": "t", "is_complaint": True}) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="bad.jsonl:1"):
        run("train_classifier", "--no-corrections", "--data", str(small_data_file), "--extra", str(extra))


def test_train_classifier_keeps_the_active_model_when_the_new_one_is_worse(
    empty_model_dir, small_data_file, corrupted_data_file
):
    run("train_classifier", "--no-corrections", "--data", str(small_data_file))
    good = registry.active_version(empty_model_dir)
    output = run("train_classifier", "--no-corrections", "--data", str(corrupted_data_file))
    assert registry.active_version(empty_model_dir) == good
    assert "not activated" in output and f"kept {good} active" in output


def test_evaluate_classifier_prints_per_class_figures_and_confusion_matrices(active_model_dir):
    output = run("evaluate_classifier")
    assert "held-out split:" in output
    assert "== complaint detection" in output and "F1" in output
    for category in ("safety", "wait_times", "facilities_environment"):
        assert category in output
    assert output.count("macro-F1") >= 2
    assert output.count("confusion matrix") == 3
    assert "critical-severity recall:" in output


def test_evaluate_classifier_json_has_the_done_when_figures(active_model_dir):
    figures = json.loads(run("evaluate_classifier", "--json"))
    held_out = figures["held_out"]
    assert held_out["split_size"] > 500
    assert held_out["complaint"]["f1"] >= 0.85
    assert held_out["critical_recall"] >= 0.95
    assert 0 < held_out["category"]["macro_f1"] <= 1


def test_evaluate_classifier_scores_real_data_beside_plain_vader(active_model_dir, tmp_path):
    """A tiny stand-in for the real evaluation sets (the real ones never live in the repository)."""
    (tmp_path / "complaint_tweets.jsonl").write_text(
        "\n".join(
            json.dumps(row)
            for row in [
                {
                    "id": "1",
                    "text": "@airline lost my bag and nobody answers the phone",
                    "is_complaint": True,
                },
                {"id": "2", "text": "@airline lovely flight, thanks crew", "is_complaint": False},
            ]
        ),
        encoding="utf-8",
    )
    (tmp_path / "hospital_reviews.jsonl").write_text(
        "\n".join(
            json.dumps(row)
            for row in [
                {"id": "r1", "text": "Wonderful nurses, thank you", "stars": 5, "source": "test"},
                {"id": "r2", "text": "Rude staff and a filthy ward", "stars": 1, "source": "test"},
            ]
        ),
        encoding="utf-8",
    )
    (tmp_path / "nhs_patient_feedback.jsonl").write_text(
        "\n".join(
            json.dumps(row)
            for row in [
                {
                    "id": "n1",
                    "text": "Waiting time far too long",
                    "sentiment": "negative",
                    "categories": ["wait_times"],
                },
                {
                    "id": "n2",
                    "text": "Lovely staff",
                    "sentiment": "positive",
                    "categories": ["staff_attitude"],
                },
            ]
        ),
        encoding="utf-8",
    )
    (tmp_path / "vader_tweets.jsonl").write_text(
        "\n".join(
            json.dumps(row)
            for row in [
                {"id": "v1", "text": "I love this", "mean_rating": 3.0},
                {"id": "v2", "text": "I hate this", "mean_rating": -3.0},
                {"id": "v3", "text": "It is a table", "mean_rating": 0.0},
            ]
        ),
        encoding="utf-8",
    )
    output = run("evaluate_classifier", "--real-data", str(tmp_path))
    assert "complaint_tweets (2): complaint F1 ours" in output and "VADER-negative" in output
    assert "hospital_reviews[test] (2): pos-vs-neg accuracy ours 1.000 vs VADER 1.000" in output
    assert "nhs_patient_feedback (2): 3-class sentiment accuracy ours" in output
    assert "category macro-F1 on 1 negative comments" in output
    assert "vader_tweets (3): Pearson r ours" in output


def test_evaluate_classifier_without_an_active_model_fails_clearly(empty_model_dir):
    with pytest.raises(CommandError, match="no active model"):
        run("evaluate_classifier")


def test_train_classifier_includes_staff_corrections_by_default(db, empty_model_dir, small_data_file):
    from enrichment.services import mention_correct
    from tests.factories import MentionFactory

    mention = MentionFactory(text="They lost my referral twice and nobody called back")
    mention_correct(
        mention=mention, user=None, is_complaint=True, category="appointments_access", severity="low"
    )
    output = run("train_classifier", "--data", str(small_data_file))
    assert "including 1 staff corrections" in output
    assert registry.active_version(empty_model_dir)
