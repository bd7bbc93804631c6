import zlib
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from clusters.services import embedding
from tests.factories import HospitalFactory, MentionFactory

FAKE_DIMENSIONS = 64


def fake_embed(texts):
    """Bag of hashed words, normalised: texts sharing most words are close, others near orthogonal."""
    vectors = np.zeros((len(texts), FAKE_DIMENSIONS), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.lower().split():
            vectors[row, zlib.crc32(word.encode()) % FAKE_DIMENSIONS] += 1.0
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch):
    """Every test in this folder embeds with the deterministic fake unless it asks for the real model."""
    calls = []

    def embed(texts):
        calls.append(list(texts))
        return fake_embed(texts)

    monkeypatch.setattr(embedding, "mentions_embed", embed)
    return calls


@pytest.fixture
def riverside(db):
    return HospitalFactory(name="Riverside General Hospital", slug="riverside", is_own=True)


@pytest.fixture
def complaint(riverside):
    """Makes a complaint mention about Riverside posted `days_ago` (fractional days allowed)."""

    def make(text, *, days_ago=1.0, hospital=None, **fields):
        fields.setdefault("category", "facilities_environment")
        fields.setdefault("is_complaint", True)
        return MentionFactory(
            text=text,
            hospital=hospital or riverside,
            posted_at=timezone.now() - timedelta(days=days_ago),
            **fields,
        )

    return make


PARKING = "parking garage fee"
PORTAL = "portal login broken"
WAITS = "emergency wait hours"


def story(topic: str, number: int) -> str:
    """A complaint about `topic` with one word of its own, so each text is unique."""
    return f"{topic} {topic} {topic} note{number}"
