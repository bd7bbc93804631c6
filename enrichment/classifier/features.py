"""Turning texts into model features: TF-IDF words and characters plus the sentiment scorer's signals.

Character n-grams make the model tolerant of typos ("recieve", "hospitol") and of words it has not seen
("understaffed" shares most n-grams with "staff"); the dense sentiment features carry the healthcare-tuned
VADER reading (sarcasm, negated praise, long waits) that word counts miss.
"""

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from enrichment.classifier.category_terms import CATEGORY_TERM_FEATURES, category_term_counts
from enrichment.sentiment import SentimentDetails

# Long texts are scored on their beginning; a 50 KB post would otherwise cost as much as 250 tweets.
MAX_TEXT_CHARS = 20_000
# Bump whenever features, the sentiment scorer, the category terms or the rules change what a text
# turns into: versions fitted with another feature version are refused at load and retrained.
FEATURE_VERSION = 1

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_WHITESPACE = re.compile(r"\s+")
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|my|me|we|our|us)\b")

DENSE_FEATURE_NAMES = (
    "compound",
    "positive",
    "negative",
    "neutral",
    "sarcasm",
    "long_wait",
    "negated_praise",
    "praise_idiom",
    "criticism_idiom",
    "critical_wording",
    "question",
    "first_person",
    *CATEGORY_TERM_FEATURES,
)


def clip_text(text: str) -> str:
    return text[:MAX_TEXT_CHARS]


def normalise_text(text: str) -> str:
    """Text as the vectorizers see it: handles and links stand for any handle or link."""
    text = clip_text(text).replace("\u2019", "'")
    text = _URL.sub(" httplink ", text)
    text = _HANDLE.sub(" @user ", text)
    return _WHITESPACE.sub(" ", text).strip()


def dense_features(text: str, details: SentimentDetails, *, critical: bool) -> list[float]:
    lowered = text.lower().replace("\u2019", "'")
    return [
        details.compound,
        details.positive,
        details.negative,
        details.neutral,
        float(details.sarcasm),
        float(details.long_wait),
        float(details.negated_praise),
        float(details.praise_idiom),
        float(details.criticism_idiom),
        float(critical),
        float("?" in text),
        float(_FIRST_PERSON.search(lowered) is not None),
        *category_term_counts(lowered),
    ]


class TextFeatures:
    """Fitted vectorizers; transform() gives one sparse row per text."""

    def __init__(self) -> None:
        self.words = TfidfVectorizer(
            ngram_range=(1, 2),
            min_df=2,
            max_features=40_000,
            sublinear_tf=True,
            strip_accents="unicode",
            token_pattern=r"(?u)\b\w[\w'&]*\b",
            dtype=np.float32,
        )
        self.chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            min_df=3,
            max_features=60_000,
            sublinear_tf=True,
            strip_accents="unicode",
            dtype=np.float32,
        )

    def fit(self, texts: Sequence[str]) -> "TextFeatures":
        normalised = [normalise_text(text) for text in texts]
        self.words.fit(normalised)
        self.chars.fit(normalised)
        return self

    def transform(
        self, texts: Sequence[str], details: Sequence[SentimentDetails], critical: Sequence[bool]
    ) -> sparse.csr_matrix:
        normalised = [normalise_text(text) for text in texts]
        dense = dense_matrix(texts, details, critical)
        return sparse.hstack(
            [self.words.transform(normalised), self.chars.transform(normalised), sparse.csr_matrix(dense)],
            format="csr",
        )


def dense_matrix(
    texts: Sequence[str], details: Sequence[SentimentDetails], critical: Sequence[bool]
) -> np.ndarray:
    rows = [
        dense_features(clip_text(text), detail, critical=flag)
        for text, detail, flag in zip(texts, details, critical, strict=True)
    ]
    return np.array(rows, dtype=np.float32).reshape(len(texts), len(DENSE_FEATURE_NAMES))
