import io
import json
import sys
from functools import partial

import pytest
from django.core.management import CommandError, call_command
from django.db.backends.base.base import BaseDatabaseWrapper

from enrichment.classifier import predict, registry, training

OUTPUT_KEYS = {
    "id",
    "sentiment",
    "is_complaint",
    "complaint_probability",
    "category",
    "category_probability",
    "severity",
    "model_version",
}


@pytest.fixture(autouse=True)
def no_database(monkeypatch):
    """Fail the test if anything opens a database connection."""

    def refuse(self):
        raise AssertionError("the classify command touched the database")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)


def run_classify(tmp_path, lines: list[str], *extra_args) -> tuple[list[dict], str]:
    source = tmp_path / "in.jsonl"
    target = tmp_path / "out.jsonl"
    source.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    errors = io.StringIO()
    call_command("classify", "--input", str(source), "--output", str(target), *extra_args, stderr=errors)
    output = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    return output, errors.getvalue()


def record(record_id, text) -> str:
    return json.dumps({"id": record_id, "text": text}, ensure_ascii=False)


def test_classify_writes_the_documented_fields(active_model_dir, tmp_path):
    [row], _ = run_classify(tmp_path, [record("a1", "Waited 9 hours in A&E, nobody came.")])
    assert set(row) == OUTPUT_KEYS
    assert row["id"] == "a1"
    assert set(row["sentiment"]) == {"compound", "label"}
    assert row["sentiment"]["label"] in {"positive", "neutral", "negative"}
    assert isinstance(row["is_complaint"], bool)
    assert 0 <= row["complaint_probability"] <= 1
    assert row["model_version"] == "2026.01.01-abc123"


def test_classify_keeps_input_order_across_chunks(active_model_dir, tmp_path):
    lines = [record(i, f"Post number {i}: {'rude staff' if i % 2 else 'lovely nurses'}") for i in range(25)]
    output, _ = run_classify(tmp_path, lines, "--chunk-size", "4")
    assert [row["id"] for row in output] == list(range(25))


def test_classify_reports_bad_lines_with_their_number_and_goes_on(active_model_dir, tmp_path):
    lines = [
        record("ok-1", "Great care"),
        "{not json",
        json.dumps({"text": "no id"}),
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "number-text", "text": 42}),
        json.dumps(["a", "list"]),
        "",
        record("ok-2", "Awful food"),
    ]
    output, errors = run_classify(tmp_path, lines)
    assert [row["id"] for row in output] == ["ok-1", "ok-2"]
    for number in (2, 3, 4, 5, 6):
        assert f"line {number}:" in errors
    assert "line 7:" not in errors
    assert "5 bad line(s) skipped" in errors


def test_classify_with_empty_input_writes_nothing(active_model_dir, tmp_path):
    output, errors = run_classify(tmp_path, [])
    assert output == []
    assert errors == ""


def test_classify_round_trips_unicode_and_emoji(active_model_dir, tmp_path):
    text = "Ärztin war unhöflich 😡 — 等了六个小时 in A&E 🙄"
    output, errors = run_classify(tmp_path, [record("ü-1", text), record("emoji", "💙🙏")])
    assert [row["id"] for row in output] == ["ü-1", "emoji"]
    assert '"id": "ü-1"' in (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert output[1]["sentiment"]["label"] == "positive"
    assert errors == ""


def test_classify_handles_50_kb_texts(active_model_dir, tmp_path):
    long_text = ("The ward was filthy and nobody answered the call bell. " * 900)[:50_000]
    output, _ = run_classify(tmp_path, [record("long", long_text), record("short", "ok")])
    assert [row["id"] for row in output] == ["long", "short"]
    assert output[0]["is_complaint"]


def test_classify_reads_stdin_and_writes_stdout_by_default(active_model_dir, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(record(7, "Rude receptionist") + "\n"))
    out = io.StringIO()
    call_command("classify", stdout=out)
    [row] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert row["id"] == 7


def test_classify_streams_in_chunks_of_bounded_size(active_model_dir, tmp_path, monkeypatch):
    sizes: list[int] = []
    real = predict.classify_texts

    def spy(texts, **kwargs):
        sizes.append(len(texts))
        return real(texts, **kwargs)

    monkeypatch.setattr("enrichment.management.commands.classify.classify_texts", spy)
    output, _ = run_classify(tmp_path, [record(i, "text") for i in range(10)], "--chunk-size", "3")
    assert sizes == [3, 3, 3, 1]
    assert len(output) == 10


def test_classify_trains_the_default_model_when_none_is_active(
    empty_model_dir, small_data_file, tmp_path, monkeypatch
):
    # The real default trains on the repository's full data file; the small one keeps the test fast.
    monkeypatch.setattr(
        "enrichment.management.commands.classify.ensure_active_model",
        partial(training.ensure_active_model, data_path=small_data_file),
    )
    output, _ = run_classify(tmp_path, [record(1, "The nurses were rude")])
    assert len(output) == 1
    assert output[0]["model_version"] == registry.active_version(empty_model_dir)


def test_classify_rejects_a_missing_input_file(active_model_dir, tmp_path):
    with pytest.raises(CommandError):
        call_command("classify", "--input", str(tmp_path / "missing.jsonl"))
