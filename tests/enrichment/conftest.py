import json
from pathlib import Path

import pytest

from enrichment.classifier import registry
from enrichment.classifier.training import fit_model, load_labelled_examples

TEST_VERSION = "2026.01.01-abc123"


@pytest.fixture(scope="session")
def labelled_examples():
    return load_labelled_examples()


@pytest.fixture(scope="session")
def trained_model(labelled_examples):
    """The default model fitted on the whole training split, once per session (~5 s)."""
    train = [example for example in labelled_examples if example.split == "train"]
    return fit_model(train, version=TEST_VERSION)


@pytest.fixture(scope="session")
def saved_model_dir(tmp_path_factory, trained_model) -> Path:
    """A model directory holding trained_model as the active version; tests must not write to it."""
    directory = tmp_path_factory.mktemp("active-models")
    registry.save_version(trained_model, {"score": 0.9}, directory)
    registry.activate_version(trained_model.version, score=0.9, directory=directory)
    return directory


@pytest.fixture
def active_model_dir(settings, saved_model_dir) -> Path:
    settings.ENRICHMENT_MODEL_DIR = saved_model_dir
    return saved_model_dir


@pytest.fixture
def empty_model_dir(settings, tmp_path) -> Path:
    settings.ENRICHMENT_MODEL_DIR = tmp_path / "models"
    return settings.ENRICHMENT_MODEL_DIR


@pytest.fixture(scope="session")
def small_data_file(tmp_path_factory, labelled_examples) -> Path:
    """A few hundred labelled rows covering every category and severity, so training takes about a second."""
    rows = []
    quota: dict[tuple, int] = {}
    for example in labelled_examples:
        key = (example.split, example.is_complaint, example.category, example.severity)
        limit = 14 if example.split == "train" else 5
        if quota.get(key, 0) < limit:
            quota[key] = quota.get(key, 0) + 1
            rows.append(_row(example))
    path = tmp_path_factory.mktemp("data") / "small.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def corrupted_data_file(tmp_path_factory, small_data_file) -> Path:
    """The small data set with the training labels scrambled and the held-out rows untouched."""
    rows = [json.loads(line) for line in small_data_file.read_text(encoding="utf-8").splitlines()]
    categories = sorted({row["category"] for row in rows if row["is_complaint"]})
    for index, row in enumerate(rows):
        if row["split"] == "train" and index % 2:
            flipped = not row["is_complaint"]
            row.update(
                is_complaint=flipped,
                category=categories[index % len(categories)] if flipped else None,
                severity="low" if flipped else None,
            )
    path = tmp_path_factory.mktemp("data") / "corrupted.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _row(example) -> dict:
    return {
        "id": example.id,
        "text": example.text,
        "is_complaint": example.is_complaint,
        "category": example.category,
        "severity": example.severity,
        "style": example.style,
        "split": example.split,
    }
