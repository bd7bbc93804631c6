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
FEATURE_VERSION = 2

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_WHITESPACE = re.compile(r"\s+")
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|my|me|we|our|us)\b")
# Register markers: whether the writer thanks, reports, prays or asks, whatever the topic. A post about a
# fall, a bill or the front desk is a complaint only when the writer is dissatisfied; these let the model
# weigh the topic words against the register (and against the negative evidence below).
_THANKS = re.compile(
    r"\b(?:thank(?:s|ful|ing|ed)?|thx|ty|grateful|gratitude|appreciat\w*|kudos|shout ?outs?|hats off"
    r"|credit to|credit where|well done|bravo|heroe?s?|angels?|legends?|superstars?|above and beyond"
    r"|(?:highly|would)"
    r" recommend|five stars|5 stars|10/10|impressed|brilliant|amazing|incredible|wonderful|fantastic"
    r"|excellent|outstanding|superb|faultless|lovely|kind(?:ness)?|smooth(?:ly)?|painless|spotless)\b"
)
_REPORTED = re.compile(
    r"\b(?:announced|announces|announcing|spokes(?:person|man|woman)|officials?|in a statement|statement said"
    r"|according to|press release|(?:the )?(?:hospital|trust|health (?:system|board)|board|council|ministry"
    r"|department|company|charity|organisers|organizers|police|inspectors?) (?:said|says|confirmed|announced"
    r"|reported|stated)|(?:said|says|confirmed) (?:on )?(?:monday|tuesday|wednesday|thursday|friday|saturday"
    r"|sunday|today|yesterday|last week|this week|in a|it|that|the))\b"
)
_PRAYER = re.compile(
    r"\b(?:pray(?:s|ing|ed|ers?)?|thoughts (?:are )?with|in (?:your|our|my) thoughts|send(?:ing)? (?:love"
    r"|hugs|good vibes|positive (?:vibes|thoughts)|strength)|fingers crossed|rest in peace|rip|heartbroken"
    r"|god bless|hoping and praying|get well soon)\b"
)
_CONTRAST = re.compile(r"\b(?:but|however|although|though|except|unfortunately|sadly|shame|only downside)\b")

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
    "thanks",
    "reported",
    "prayer",
    "contrast",
    "negative_evidence",
    "thanks_without_negative",
    "reported_without_negative",
    "prayer_without_negative",
    "question_without_negative",
    "topic_terms_when_positive",
    "topic_terms_when_negative",
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
    terms = category_term_counts(lowered)
    thanks = _THANKS.search(lowered) is not None
    reported = _REPORTED.search(lowered) is not None
    prayer = _PRAYER.search(lowered) is not None
    question = "?" in text
    # Anything the scorer read as dissatisfaction: negative words, sarcasm, a long wait, negated praise or
    # a criticism idiom. Without it, thanks, reporting, prayer and questions are rarely complaints.
    negative = (
        details.negative >= 0.08
        or details.sarcasm
        or details.long_wait
        or details.negated_praise
        or details.criticism_idiom
    )
    topic_terms = min(sum(terms), 4.0) / 4.0
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
        float(thanks),
        float(reported),
        float(prayer),
        float(_CONTRAST.search(lowered) is not None),
        float(negative),
        float(thanks and not negative),
        float(reported and not negative),
        float(prayer and not negative),
        float(question and not negative),
        topic_terms * max(details.compound, 0.0) * (not negative),
        topic_terms * float(negative),
        *terms,
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
