import json
import re
from datetime import date

import pytest

from enrichment.classifier import registry
from enrichment.classifier.features import FEATURE_VERSION
from enrichment.classifier.training import (
    LabelledExample,
    ensure_active_model,
    train_model_version,
)

VERSION_PATTERN = re.compile(r"^\d{4}\.\d{2}\.\d{2}-[0-9a-f]{6}$")


def test_first_version_is_built_versioned_and_activated(empty_model_dir, small_data_file):
    result = train_model_version(data_path=small_data_file, today=date(2026, 11, 26))

    assert VERSION_PATTERN.match(result.version)
    assert result.version.startswith("2026.11.26-")
    assert result.activated
    assert registry.active_version(empty_model_dir) == result.version
    version_dir = empty_model_dir / result.version
    assert (version_dir / "model.joblib").is_file()
    metrics = json.loads((version_dir / "metrics.json").read_text())
    held_out = metrics["held_out"]
    assert held_out["split_size"] > 0
    assert {"complaint", "category", "severity", "critical_recall", "score"} <= set(held_out)
    assert 0 <= held_out["complaint"]["f1"] <= 1


def test_training_the_same_examples_again_reuses_the_version(empty_model_dir, small_data_file):
    first = train_model_version(data_path=small_data_file)
    second = train_model_version(data_path=small_data_file)
    assert second.version == first.version
    assert second.reused and second.activated


def test_a_worse_model_is_not_activated(empty_model_dir, small_data_file, corrupted_data_file):
    good = train_model_version(data_path=small_data_file)
    worse = train_model_version(data_path=corrupted_data_file)

    assert worse.version != good.version
    assert worse.metrics["score"] < good.metrics["score"]
    assert not worse.activated
    assert worse.previous_score == pytest.approx(good.metrics["score"], abs=1e-4)
    assert registry.active_version(empty_model_dir) == good.version
    assert (empty_model_dir / worse.version / "metrics.json").is_file()


def test_force_activates_a_worse_model(empty_model_dir, small_data_file, corrupted_data_file):
    train_model_version(data_path=small_data_file)
    forced = train_model_version(data_path=corrupted_data_file, force=True)
    assert forced.activated
    assert registry.active_version(empty_model_dir) == forced.version


def test_extra_examples_join_training_and_change_the_version(empty_model_dir, small_data_file):
    plain = train_model_version(data_path=small_data_file)
    correction = LabelledExample(
        id="staff-correction-1",
        text="Receptionist hung up on me twice when I rang about my referral",
        is_complaint=True,
        category="appointments_access",
        severity="low",
        split="train",
    )
    with_extra = train_model_version(data_path=small_data_file, extra_examples=[correction])
    assert with_extra.version != plain.version
    assert with_extra.metrics["train_size"] == plain.metrics["train_size"] + 1


def test_extra_example_without_split_is_placed_by_the_stable_hash():
    example = LabelledExample(
        id="db-42", text="Rude receptionist", is_complaint=True, category="staff_attitude"
    )
    again = LabelledExample(id="db-42", text="different text", is_complaint=False)
    assert example.split in ("train", "test")
    assert example.split == again.split


@pytest.mark.parametrize(
    "fields",
    [
        {"is_complaint": True, "category": None},
        {"is_complaint": True, "category": "parking"},
        {"is_complaint": False, "category": "safety"},
        {"is_complaint": True, "category": "safety", "severity": "urgent"},
        {"is_complaint": False, "split": "validation"},
    ],
)
def test_inconsistent_labels_are_rejected(fields):
    with pytest.raises(ValueError):
        LabelledExample(id="x", text="text", **fields)


def test_ensure_active_model_trains_when_none_is_active(empty_model_dir, small_data_file):
    version = ensure_active_model(data_path=small_data_file)
    assert VERSION_PATTERN.match(version)
    assert registry.active_version(empty_model_dir) == version


def test_ensure_active_model_keeps_a_usable_active_version(active_model_dir, small_data_file):
    before = registry.active_version(active_model_dir)
    assert ensure_active_model(data_path=small_data_file) == before


def test_ensure_active_model_replaces_an_unusable_active_version(empty_model_dir, small_data_file):
    registry.activate_version("2020.01.01-dead00", score=1.0, directory=empty_model_dir)
    version = ensure_active_model(data_path=small_data_file)
    assert version != "2020.01.01-dead00"
    assert registry.active_version(empty_model_dir) == version


def test_a_version_fitted_with_other_feature_code_is_refused(empty_model_dir, small_data_file, monkeypatch):
    first = train_model_version(data_path=small_data_file)
    monkeypatch.setattr("enrichment.classifier.registry.FEATURE_VERSION", 999)
    with pytest.raises(registry.ModelUnavailable, match=f"features v{FEATURE_VERSION}"):
        registry.load_version(first.version, empty_model_dir)
