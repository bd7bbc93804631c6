import collections
import json
import re

from enrichment.data import build_labelled_posts as builder
from enrichment.taxonomy import CATEGORY_INFO, SEVERITY_RANK

DEMO_HOSPITAL_NAMES = ("Riverside", "Brigid", "Mercy Valley", "Lakeshore")


def test_labelled_file_is_what_the_generator_writes():
    assert builder.OUTPUT.read_text(encoding="utf-8") == builder.render_jsonl(builder.build_rows())


def test_generator_is_deterministic():
    assert builder.build_rows()[:50] == builder.build_rows()[:50]


def test_labelled_file_has_enough_rows_with_the_documented_fields(labelled_examples):
    rows = [json.loads(line) for line in builder.OUTPUT.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 2400
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert set(row) == {"id", "text", "is_complaint", "category", "severity", "style", "split"}
        assert row["style"] in {"x", "reddit", "review", "news"}
        if row["is_complaint"]:
            assert row["category"] in CATEGORY_INFO and row["severity"] in SEVERITY_RANK
        else:
            assert row["category"] is None and row["severity"] is None


def test_held_out_split_is_about_a_fifth_and_follows_the_stable_hash_of_the_id_group():
    rows = [json.loads(line) for line in builder.OUTPUT.read_text(encoding="utf-8").splitlines()]
    held_out = [row for row in rows if row["split"] == "test"]
    assert 0.15 < len(held_out) / len(rows) < 0.25
    assert all(row["split"] == builder.split_for_id(row["id"]) for row in rows)
    splits_by_group = collections.defaultdict(set)
    for row in rows:
        splits_by_group[row["id"].split("~")[0]].add(row["split"])
    assert all(len(splits) == 1 for splits in splits_by_group.values())


def test_every_category_severity_and_style_appears_on_both_sides_of_the_split(labelled_examples):
    for split in ("train", "test"):
        examples = [example for example in labelled_examples if example.split == split]
        assert {example.category for example in examples if example.is_complaint} == set(CATEGORY_INFO)
        assert {example.severity for example in examples if example.is_complaint} == set(SEVERITY_RANK)
        assert {example.style for example in examples} == {"x", "reddit", "review", "news"}


def test_hard_negatives_are_included(labelled_examples):
    negatives = [example.text.lower() for example in labelled_examples if not example.is_complaint]
    assert any("please pray" in text or "keep praying" in text for text in negatives)
    assert any("have mercy" in text for text in negatives)
    assert any("died" in text for text in negatives)
    assert any(text.rstrip().endswith("?") for text in negatives)
    assert any("holloway road" in text for text in negatives)


def test_hospital_names_differ_from_the_demo_data(labelled_examples):
    pattern = re.compile("|".join(DEMO_HOSPITAL_NAMES), re.IGNORECASE)
    assert not [example.id for example in labelled_examples if pattern.search(example.text)]


def test_british_and_american_wording_both_appear(labelled_examples):
    texts = " ".join(example.text for example in labelled_examples)
    for word in ("A&E", "the ER", "GP", "mum", "mom", "£", "$"):
        assert word in texts, word
