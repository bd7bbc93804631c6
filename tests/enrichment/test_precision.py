"""Praise, news, prayers and questions that name care topics are not complaints (features and model).

The texts here are written for the tests; none comes from the demo data (sources/demo), which stays an
independent evaluation set.
"""

import gzip
import json

import pytest

from enrichment.classifier.demo_data import evaluate_demo_posts, format_demo_figures, read_demo_posts
from enrichment.classifier.features import DENSE_FEATURE_NAMES, dense_features
from enrichment.classifier.predict import classify_texts
from enrichment.classifier.rules import is_critical
from enrichment.sentiment import sentiment_details


def _features(text: str) -> dict[str, float]:
    values = dense_features(text, sentiment_details(text), critical=is_critical(text))
    return dict(zip(DENSE_FEATURE_NAMES, values, strict=True))


def test_praise_naming_a_fall_is_thanks_without_negative_evidence():
    features = _features("After my fall on the stairs the staff on the ward were amazing. Thank you all.")
    assert features["thanks"] == 1.0
    assert features["negative_evidence"] == 0.0
    assert features["thanks_without_negative"] == 1.0
    assert features["topic_terms_when_negative"] == 0.0


def test_sarcastic_thanks_keeps_its_negative_evidence():
    features = _features("Thanks for nothing. Fell off the trolley and nobody came for an hour.")
    assert features["thanks"] == 1.0
    assert features["negative_evidence"] == 1.0
    assert features["thanks_without_negative"] == 0.0


def test_a_hospital_announcement_is_reported_without_negative_evidence():
    features = _features("The hospital said on Monday it will open a new day surgery unit in the spring.")
    assert features["reported"] == 1.0
    assert features["reported_without_negative"] == 1.0


def test_news_of_a_failing_is_reported_with_negative_evidence():
    features = _features(
        "The trust said it was sorry after a patient was left on a trolley for 30 hours in awful conditions."
    )
    assert features["reported"] == 1.0
    assert features["reported_without_negative"] == 0.0


def test_prayers_and_plain_questions_are_marked():
    assert _features("Mum is in surgery this afternoon, please keep her in your prayers.")["prayer"] == 1.0
    question = _features("Does the billing office take card payments over the phone?")
    assert question["question_without_negative"] == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "Slipped on the wet floor outside and the emergency team looked after me brilliantly. So grateful.",
        "Massive thanks to the accounts office, they set up a payment plan for my bill in five minutes.",
        "Check-in desk staff were lovely and the discharge went smoothly. Home by teatime.",
        "The hospital announced it has won a regional award for its stroke care.",
        "Building work on the new car park at the hospital starts next month, the trust confirmed.",
        "Please send good vibes, my grandad has a fall and is being checked over on the ward.",
    ],
)
def test_praise_news_and_prayers_naming_care_topics_are_not_complaints(trained_model, text):
    [result] = classify_texts([text], model=trained_model)
    assert not result.is_complaint, result.complaint_probability


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for the care but I was billed twice for the same x-ray and nobody will refund it.",
        "Lovely nurses but my nan fell out of bed twice on the ward because nobody answered the buzzer.",
    ],
)
def test_complaints_wrapped_in_thanks_are_still_complaints(trained_model, text):
    [result] = classify_texts([text], model=trained_model)
    assert result.is_complaint, result.complaint_probability


def test_demo_evaluation_counts_false_positives_by_topic(trained_model, tmp_path):
    posts = [
        {
            "text": "Waited 11 hours in the ER and nobody checked on my dad.",
            "title": "",
            "topic": "wait_times",
            "is_complaint": True,
            "category": "wait_times",
            "severity": "medium",
        },
        {
            "text": "The nurses were wonderful, thank you so much.",
            "title": "Thanks",
            "topic": "praise",
            "is_complaint": False,
            "category": None,
            "severity": None,
        },
    ]
    path = tmp_path / "posts.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("".join(json.dumps(post) + "\n" for post in posts))
    figures = evaluate_demo_posts(read_demo_posts(path), trained_model, examples=1)
    assert figures["posts"] == 2
    assert figures["complaints"] == 1
    assert figures["complaint"]["true_positives"] == 1
    assert figures["false_positives_by_topic"]["praise"] == {"flagged": 0, "of": 1}
    assert figures["category_on_true_positives"]["accuracy"] == 1.0
    assert format_demo_figures(figures)[0].startswith("demo posts: 2")


def test_a_model_pickled_before_feature_versions_existed_is_refused(tmp_path, trained_model):
    import copy

    import pytest

    from enrichment.classifier import registry

    old = copy.copy(trained_model)
    del old.__dict__["feature_version"]  # As pickled by the first release, which had no such field.
    registry.save_version(old, {"score": 0.5}, tmp_path)
    with pytest.raises(registry.ModelUnavailable, match="fitted with features v1"):
        registry.load_version(old.version, tmp_path)
