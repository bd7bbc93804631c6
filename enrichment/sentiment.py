"""Sentiment scoring with VADER."""

from dataclasses import dataclass

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05

# Building the analyzer reads its lexicon from disk (~7 ms): once per process.
_analyzer = SentimentIntensityAnalyzer()


@dataclass(frozen=True, slots=True)
class Sentiment:
    compound: float
    label: str  # "positive" | "neutral" | "negative"


def sentiment_score(text: str) -> Sentiment:
    compound = _analyzer.polarity_scores(text)["compound"]
    if compound >= POSITIVE_THRESHOLD:
        label = "positive"
    elif compound <= NEGATIVE_THRESHOLD:
        label = "negative"
    else:
        label = "neutral"
    return Sentiment(compound=compound, label=label)
