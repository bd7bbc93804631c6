import numpy as np
import pytest

from enrichment.classifier import embeddings, registry
from enrichment.classifier.model import EmbeddingHeads
from enrichment.classifier.predict import Classification, classify_texts
from enrichment.sentiment import Sentiment


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Waited 9 hours in A&E with my 80 year old mum and nobody even offered her a chair.", "wait_times"),
        (
            "Charged twice for the same appointment and the billing office still won't refund me.",
            "billing_insurance",
        ),
        ("The toilets on the ward were filthy and the food was inedible.", "facilities_environment"),
        (
            "The receptionist was incredibly rude and rolled her eyes at me when I asked for help.",
            "staff_attitude",
        ),
        (
            "My operation was cancelled the night before for the third time and nobody will rebook it.",
            "appointments_access",
        ),
        ("The nurse gave my dad someone else's tablets and he had a reaction.", "safety"),
    ],
)
def test_clear_complaints_get_their_category(trained_model, text, category):
    [result] = classify_texts([text], model=trained_model)
    assert result.is_complaint
    assert result.complaint_probability >= 0.5
    assert result.category == category
    assert 0 < result.category_probability <= 1
    assert result.severity in {"low", "medium", "high", "critical"}


@pytest.mark.parametrize(
    "text",
    [
        "They gave my dad ten times his dose of morphine and he died. We are speaking to a lawyer.",
        "My daughter told A&E she was suicidal and they sent her home with a leaflet.",
        "Going to the papers about how Northgate treated my mum. Absolutely disgraceful.",
    ],
)
def test_critical_complaints_are_marked_critical(trained_model, text):
    [result] = classify_texts([text], model=trained_model)
    assert result.is_complaint
    assert result.severity == "critical"


@pytest.mark.parametrize(
    "text",
    [
        "Thank you so much to the nurses on ward 7, they were wonderful to my mum.",
        "My dad is in critical condition at Northgate, please pray for him",
        "What time does visiting finish at Holloway Infirmary?",
        "Holloway Road is gridlocked again this morning",
        "My grandad passed away peacefully last night. The staff were so kind to all of us.",
    ],
)
def test_praise_prayers_questions_and_unrelated_posts_are_not_complaints(trained_model, text):
    [result] = classify_texts([text], model=trained_model)
    assert not result.is_complaint
    assert result.category is None and result.category_probability is None and result.severity is None


def test_results_keep_input_order_and_carry_sentiment_and_version(trained_model):
    texts = ["Lovely staff, thank you!", "Waited 11 hours in the ER, disgusting.", "Is there parking?"]
    results = classify_texts(texts, model=trained_model)
    assert [type(result) for result in results] == [Classification] * 3
    assert results[0].sentiment.label == "positive" and results[1].sentiment.label == "negative"
    assert results[1].is_complaint and not results[0].is_complaint
    assert {result.model_version for result in results} == {trained_model.version}
    assert isinstance(results[0].sentiment, Sentiment)


def test_no_texts_give_no_results(trained_model):
    assert classify_texts([], model=trained_model) == []


def test_classify_texts_uses_the_active_model_by_default(active_model_dir):
    [result] = classify_texts(["The consultant was rude and dismissive."])
    assert result.model_version == registry.active_version(active_model_dir)


def test_classify_texts_without_an_active_model_says_so(empty_model_dir):
    with pytest.raises(registry.ModelUnavailable):
        classify_texts(["anything"])


def test_embeddings_are_spent_only_on_texts_the_tfidf_heads_are_unsure_about(trained_model, monkeypatch):
    encoded: list[str] = []

    def fake_encode(texts):
        encoded.extend(texts)
        return np.zeros((len(texts), embeddings.EMBEDDING_DIMENSIONS), dtype=np.float32)

    monkeypatch.setattr(embeddings, "encode", fake_encode)
    heads = EmbeddingHeads(
        complaint=_constant_head(trained_model.complaint_head),
        category=_constant_head(trained_model.category_head),
    )
    monkeypatch.setattr(trained_model, "embedding_heads", heads)
    texts = [
        "Thank you so much to the lovely nurses, wonderful care from start to finish.",
        "Charged twice for one appointment and the billing office won't refund me.",
        "Mum is still on the ward.",
        "Parking was a bit tricky.",
    ]
    results = classify_texts(texts, model=trained_model, use_embeddings=True)

    plain = trained_model.predict(texts, [_details(text) for text in texts])
    unsure = [
        text
        for text, prediction in zip(texts, plain, strict=True)
        if 0.2 <= prediction.complaint_probability <= 0.8
        or (prediction.complaint_probability >= 0.5 and prediction.top_category_probability < 0.6)
    ]
    assert unsure, "the example batch needs at least one text the TF-IDF heads are unsure about"
    assert encoded == unsure
    assert texts[0] not in encoded
    assert len(results) == len(texts)


def _details(text):
    from enrichment.sentiment import sentiment_details

    return sentiment_details(text)


def _constant_head(head):
    """A stand-in embedding head: same classes as the real head, uniform probabilities."""

    class Uniform:
        classes_ = head.classes_

        def predict_proba(self, rows):
            return np.full((rows.shape[0], len(self.classes_)), 1 / len(self.classes_))

    return Uniform()
