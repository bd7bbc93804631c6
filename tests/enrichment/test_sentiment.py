import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from enrichment.sentiment import Sentiment, sentiment_details, sentiment_score, vader_polarity

plain = SentimentIntensityAnalyzer()


def plain_compound(text: str) -> float:
    return plain.polarity_scores(text)["compound"]


def test_sentiment_score_returns_compound_and_label():
    result = sentiment_score("The nurses were wonderful.")
    assert isinstance(result, Sentiment)
    assert result.label == "positive"
    assert 0 < result.compound <= 1


def test_empty_text_is_neutral():
    assert sentiment_score("") == Sentiment(compound=0.0, label="neutral")


# --- the restated VADER gives vaderSentiment's numbers exactly --------------------------------

VADER_CASES = [
    "VADER is smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "At least it isn't a horrible book.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today only kinda sux! But I'll get by, lol",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "no no no good",
    "never so happy, without doubt the best",
    "the shit, kind of the bomb, yeah right",
    "good good but bad bad but good",
    "What?? Really??? No way!!!!!",
]


@pytest.mark.parametrize("text", VADER_CASES)
def test_plain_profile_matches_vader_sentiment_exactly(text):
    assert vader_polarity(text) == plain.polarity_scores(text)


WORDS = [
    "good",
    "bad",
    "not",
    "no",
    "never",
    "very",
    "kind",
    "of",
    "but",
    "least",
    "at",
    "so",
    "this",
    "without",
    "doubt",
    "GREAT",
    "Terrible",
    "isn't",
    "sort",
    "the",
    "shit",
    "yeah",
    "right",
    "nurse",
    "!",
    "?",
    "😁",
    "💔",
    "helpful",
    "rude",
    "extremely",
    "barely",
    "nor",
    "or",
    ":)",
    "lol",
    "wait",
    "hours",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=14))
def test_plain_profile_matches_vader_sentiment_on_random_word_salad(words):
    text = " ".join(words)
    assert vader_polarity(text) == plain.polarity_scores(text)


# --- healthcare adjustment 1: clinical words are not opinions ------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "My test came back positive for covid",
        "Tested negative this morning",
        "Dad is in critical condition",
        "She remains stable",
        "He was discharged home today",
        "Transferred to intensive care overnight",
        "Admitted after a heart attack",
        "Blood pressure checked on the ward",
    ],
)
def test_clinical_wording_reads_neutral(text):
    assert sentiment_score(text).label == "neutral", plain_compound(text)


def test_clinical_wording_was_misread_by_plain_vader():
    assert plain_compound("My test came back positive for covid") > 0.05
    assert plain_compound("Tested negative this morning") < -0.05


def test_care_as_a_noun_does_not_cancel_criticism():
    assert plain_compound("The care was terrible") > -0.05
    assert sentiment_score("The care was terrible").label == "negative"


def test_care_as_a_verb_keeps_its_warmth():
    assert sentiment_score("They really care about their patients").label == "positive"


# --- healthcare adjustment 2: domain words VADER lacks -------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The ward was filthy and understaffed", "negative"),
        ("Dismissive consultant", "negative"),
        ("Attentive, thorough and professional team", "positive"),
    ],
)
def test_domain_lexicon_scores_words_vader_lacks(text, label):
    assert plain_compound(text) == 0 or label == "positive"
    assert sentiment_score(text).label == label


# --- healthcare adjustment 3: negated praise and praise idioms -----------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The nurses were not helpful at all",
        "The receptionist wasn't friendly",
        "No help whatsoever from the GP",
    ],
)
def test_negated_praise_is_more_negative_than_plain_vader(text):
    assert sentiment_score(text).compound < plain_compound(text) < 0


def test_typographic_apostrophe_still_negates():
    assert plain_compound("The receptionist wasn’t friendly") > 0
    assert sentiment_score("The receptionist wasn’t friendly").label == "negative"


def test_nobody_negates_like_not():
    assert plain_compound("Nobody was friendly or helpful") > 0
    assert sentiment_score("Nobody was friendly or helpful").label == "negative"


def test_negated_praise_is_flagged_for_the_classifier():
    assert sentiment_details("She wasn't kind at all").negated_praise


@pytest.mark.parametrize(
    "text",
    [
        "Couldn't fault the care",
        "Can't thank the nurses enough",
        "Staff could not be more helpful",
        "I can't recommend them highly enough",
        "Nothing was too much trouble for the team",
    ],
)
def test_praise_idioms_built_on_negation_stay_praise(text):
    assert plain_compound(text) < 0.05
    details = sentiment_details(text)
    assert details.label == "positive"
    assert details.praise_idiom


@pytest.mark.parametrize("text", ["What a joke this hospital is", "Not fit for purpose", "Never again."])
def test_criticism_idioms_read_negative(text):
    assert sentiment_score(text).label == "negative"


# --- healthcare adjustment 4: cheap sarcasm markers ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "great, another 5 hours in A&E",
        "Thanks for nothing Northgate",
        "Love waiting 6 hours to be seen /s",
        "Oh great, cancelled again",
        "Brilliant, lost my referral again",
        "Wonderful service as usual 🙄",
        "10/10 would wait 9 hours again",
        "Gotta love being ignored by reception",
    ],
)
def test_sarcasm_turns_praise_words_negative(text):
    details = sentiment_details(text)
    assert details.sarcasm
    assert details.label == "negative"
    assert plain_compound(text) >= 0


@pytest.mark.parametrize(
    "text",
    [
        "Great care from the whole team, thank you",
        "Brilliant physio, walking again after six weeks",
        "Thank you to the nurses who stayed late for my mum",
    ],
)
def test_genuine_praise_is_not_mistaken_for_sarcasm(text):
    details = sentiment_details(text)
    assert not details.sarcasm
    assert details.label == "positive"


# --- healthcare adjustment 5: long waits ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Waited 7 hours in A&E to be told to see my GP",
        "Still waiting for my results",
        "a 9 hour wait in the ER",
    ],
)
def test_reported_long_waits_read_negative(text):
    assert plain_compound(text) == 0
    details = sentiment_details(text)
    assert details.long_wait
    assert details.label == "negative"


def test_short_waits_are_not_long_waits():
    assert not sentiment_details("Seen within 20 minutes, lovely staff").long_wait
