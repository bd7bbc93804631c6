"""Sentiment scoring: VADER, tuned for what patients and families write about hospitals.

The scorer below is VADER's algorithm (Hutto & Gilbert 2014) restated so that each text is lowercased
once; with the healthcare profile switched off it gives vaderSentiment's scores exactly (the tests check
this) at two to three times the speed, which pays for the healthcare adjustments. The adjustments, each
documented with examples in docs/taxonomy.md ("Sentiment"), are:

1. clinical words VADER reads as opinions ("tested positive", "critical condition", "intensive care",
   "heart attack", "emergency") are neutral here: they describe a condition, not the service;
2. a domain lexicon adds words VADER lacks ("dismissive", "understaffed", "filthy", "attentive");
3. negated praise is read as criticism ("not helpful at all", "wasn't friendly", "nobody was kind"), while
   praise idioms built on a negation stay praise ("can't fault them", "couldn't have been more helpful");
4. cheap sarcasm markers ("great, another 5 hours", "thanks for nothing", "/s", "love waiting 6 hours")
   turn the praise words of that text negative;
5. a reported wait of hours or more ("waited 7 hours in A&E", "still waiting") counts as negative.
"""

import math
import re
import string
from dataclasses import dataclass

from vaderSentiment import vaderSentiment as vader

POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05

# Building the analyzer reads its lexicon from disk (~7 ms): once per process. We only borrow its
# lexicon and emoji table; scoring is done by _score below.
_analyzer = vader.SentimentIntensityAnalyzer()
_VADER_LEXICON: dict[str, float] = dict(_analyzer.lexicon)
_EMOJIS: dict[str, str] = _analyzer.emojis

_BOOSTERS: dict[str, float] = vader.BOOSTER_DICT
_SPECIAL_CASES: dict[str, float] = vader.SPECIAL_CASES
_N_SCALAR = vader.N_SCALAR
_C_INCR = vader.C_INCR
_B_INCR = vader.B_INCR
_VADER_NEGATIONS = frozenset(vader.NEGATE)
_PUNCTUATION = string.punctuation

# Marker tokens the healthcare rewrites put into the text; VADER's lexicon has no word with an
# underscore, so they cannot collide with real words.
_CLINICAL_SUFFIX = "_dx"
_PRAISE_TOKEN = "hl_praise"
_CRITICISM_TOKEN = "hl_criticism"

# Words VADER lacks or scores for a non-medical sense. Values use VADER's -4..4 scale and sit next to
# the nearest VADER word (e.g. "filthy" beside "dirty" -1.9, "attentive" beside "helpful" 1.8).
HEALTHCARE_LEXICON: dict[str, float] = {
    # Service words, not feelings: "emergency department", "tumor board", "admitted to ward 7".
    "emergency": 0.0,
    "tumor": 0.0,
    "admitted": 0.0,
    # Criticism VADER does not know.
    "unhelpful": -1.8,
    "dismissive": -1.8,
    "dismissed": -1.2,
    "fobbed": -1.5,
    "condescending": -1.8,
    "patronising": -1.8,
    "patronizing": -1.8,
    "abrupt": -1.0,
    "uncaring": -2.0,
    "unsafe": -2.0,
    "understaffed": -1.2,
    "overcrowded": -1.3,
    "overstretched": -1.0,
    "disorganised": -1.2,
    "filthy": -2.3,
    "grubby": -1.5,
    "smelly": -1.5,
    "misdiagnosed": -2.0,
    "misdiagnosis": -2.0,
    "negligent": -2.3,
    "negligence": -2.3,
    "disgraceful": -2.4,
    "shambles": -2.0,
    "shambolic": -2.0,
    "nightmare": -2.2,
    "canceled": -1.0,
    "rushed": -1.0,
    "unanswered": -1.0,
    # Praise VADER does not know.
    "attentive": 1.8,
    "thorough": 1.5,
    "professional": 1.5,
    "knowledgeable": 1.6,
    "accommodating": 1.6,
    "understanding": 1.5,
    "prompt": 1.2,
    "promptly": 1.2,
    "spotless": 2.0,
    "immaculate": 2.0,
    "angel": 2.0,
    "angels": 2.0,
    "superstar": 2.3,
    "superstars": 2.3,
    _PRAISE_TOKEN: 2.5,
    _CRITICISM_TOKEN: -2.2,
}
_HEALTHCARE_LEXICON: dict[str, float] = {**_VADER_LEXICON, **HEALTHCARE_LEXICON}
# "Nobody was friendly" negates like "not"; VADER only knows "no one" through its "no" rule.
_HEALTHCARE_NEGATIONS = _VADER_NEGATIONS | {"nobody", "no-one", "noone"}
# Negated praise is criticism in patient feedback ("wasn't friendly"); VADER's -0.74 is tuned for
# general text, where "not good" is milder than "bad".
NEGATED_PRAISE_SCALAR = -1.0
# "Not helpful at all", "no help whatsoever": an emphasiser after negated praise, like a booster.
NEGATED_PRAISE_EMPHASIS = 2 * _B_INCR
SARCASM_VALENCE = -1.0
LONG_WAIT_VALENCE = -1.5

_NUMBER = (
    r"(?:\d+(?:[.,]\d+)?|a few|few|several|many|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
)
_LONG_UNIT = r"(?:hours?|hrs?|days?|weeks?|wks?|months?|years?)\b"

# Clinical phrases whose lexicon words are neutralised (each lexicon word gets the _dx suffix).
_CLINICAL_PHRASES = re.compile(
    r"\b(?:"
    r"(?:tested|tests?|results?|came back|come back|swabs?|pcr|lft|scans?|biopsy|screen(?:ing)?|bloods?)"
    r"\s+(?:(?:came|come|was|were|is|are|all|both)\s+){0,2}(?:back\s+)?(?:positive|negative|clear)"
    r"|(?:positive|negative)\s+(?:for|test|tests|result|results|pcr|lft|swab|screen|diagnosis)"
    r"|(?:hiv|covid|covid-19|flu|strep|rsv|mrsa|c\.? ?diff)[- ](?:positive|negative)"
    r"|critical(?:ly)?\s+(?:condition|care|ill|but stable|list)"
    r"|(?:serious|stable|satisfactory|comfortable|fair)\s+(?:but stable\s+)?condition|condition\s+is\s+stable"
    r"|(?:remains?|remained|is|was|now)\s+stable"
    r"|(?:intensive|critical|urgent|primary|secondary|social|health|palliative|maternity|after|day"
    r"|continuing|respite|end of life|emergency|acute|dental|mental health|nursing)\s+care"
    r"|care\s+(?:home|homes|plan|package|team|worker|workers|assistant|assistants|coordinator|unit|navigator)"
    r"|(?:heart|panic|asthma|anxiety)\s+attacks?|(?:cardiac|respiratory)\s+arrest"
    r"|(?:heart|kidney|renal|liver|organ|respiratory)\s+failure|blood\s+pressure"
    r"|heart\s+(?:surgery|condition|problems?|rate|monitor|scan|ward|unit|valve|bypass|transplant|disease|op"
    r"|operation|specialist|clinic)"
    r"|(?:septic|anaphylactic|toxic)\s+shock|trauma\s+(?:unit|centre|center|team|surgeon|ward|bay)"
    r"|pain\s+(?:relief|management|clinic|team|killers?|meds|medication)|(?:a|the)\s+growth"
    r"|cancer\s+(?:centre|center|ward|unit|nurse|nurses|team|care|services|treatment|patients?|screening)"
    r")\b"
)
# A bare "care" is the domain's subject noun ("the care was terrible", "level of care"); it keeps its
# praise valence only as a verb, i.e. after a subject, an auxiliary or "to" ("they really care").
_CARE_NOUN = re.compile(r"(?<![\w'])((?:[\w']+\s+)?)care\b(?!\s+(?:about|for|less|more)\b)")
# fmt: off
_CARE_VERB_CONTEXT = frozenset({
    "i", "you", "we", "they", "he", "she", "who", "staff", "nurses", "doctors", "people", "anyone", "nobody",
    "really", "actually", "genuinely", "truly", "clearly", "obviously", "do", "did", "does", "don't",
    "didn't", "doesn't", "dont", "didnt", "doesnt", "not", "to", "could", "would", "couldn't", "wouldn't",
    "will", "won't", "can", "can't", "cannot", "might", "may", "must", "should",
})
# fmt: on
_NAMED_HOSPITAL = re.compile(
    r"\b(Mercy|Hope|Grace|Providence|Samaritan|Good Samaritan|Faith)\s+"
    r"(?=(?:Hospital|Medical|Health|General|Valley|Regional|Clinic|Infirmary|Children|Memorial|Hospice)\b)"
)

_CANT = r"(?:can'?t|cannot|can not|couldn'?t|could not|could've not)"
# Praise idioms built on negation or negative words; VADER reads them as complaints.
_PRAISE_IDIOMS = re.compile(
    r"\b(?:"
    rf"{_CANT}\s+(?:thank|praise|recommend|rate)(?:\s+[\w'&@.-]+){{0,4}}?\s+"
    r"(?:enough|highly enough|more highly)"
    rf"|{_CANT}\s+(?:fault|be\s+faulted|have\s+been\s+faulted)"
    rf"|{_CANT}\s+(?:speak|say)\s+(?:\w+\s+){{0,2}}(?:highly|well)\s+enough"
    rf"|{_CANT}\s+(?:have\s+)?(?:been|be|ask for|wish for)\s+(?:any\s+)?(?:more|better)\s+"
    r"(?:helpful|kind|caring|supportive|friendly|attentive|professional|understanding|compassionate|"
    r"patient|thorough|reassuring|lovely|accommodating|efficient|polite|nice|gentle|care|treatment|staff|"
    r"team|service|nurses|doctors)"
    rf"|{_CANT}\s+(?:have\s+)?asked\s+for\s+(?:more|better|anything more)"
    r"|nothing\s+(?:was\s+)?too\s+much\s+(?:trouble|bother)"
    r"|nothing\s+but\s+(?:praise|good things|kindness|respect|admiration|gratitude|positive)"
    r"|second\s+to\s+none|no\s+complaints?\s+(?:at all|whatsoever)"
    r")\b"
)
_CRITICISM_IDIOMS = re.compile(
    r"\b(?:"
    r"(?:is|was|what|it'?s|are|were)\s+(?:an?\s+)?(?:absolute|complete|total|utter|bloody|fucking|sick|actual)?"
    r"\s*joke|(?:absolute|complete|total|utter)\s+joke"
    r"|joke\s+of\s+an?"
    r"|not\s+fit\s+for\s+purpose"
    r"|never\s+again"
    r"|avoid\s+(?:at all costs|like the plague|this place|this hospital|this practice|them)"
    r"|left\s+(?:me|him|her|us|them|my\s+\w+)\s+"
    r"(?:waiting|alone|unattended|in pain|on a trolley|lying|sitting"
    r"|for hours|in agony|in (?:a|the) corridor|in soiled)"
    r"|(?:no\s*-?\s*one|nobody)\s+(?:came|checked|bothered|listened|answered|told|cared|helped|explained"
    r"|called|rang|phoned|responded|replied|turned up|showed up)"
    r")\b"
)

_SARCASM_MARKERS = re.compile(
    r"(?:^|\s)/s\b|#sarcasm\b|\bsarcasm\b|"
    r"\b(?:thanks|thank you|cheers)\s+(?:a lot\s+)?for\s+nothing\b|"
    r"\bsaid\s+(?:no\s*-?\s*one|nobody)\s+ever\b|"
    r"\b(?:love|loving|enjoy|enjoying|adore)\s+(?:\w+\s+)?(?:waiting|queu(?:e|ing|eing)|sitting|being\s+"
    r"(?:ignored|kept|left|lied|fobbed|passed|put|treated|told|sent|cancelled|canceled))\b|"
    r"\b(?:gotta|got to|you have to|you've got to|ya gotta)\s+love\b|"
    r"\b10/10\b[^.!?]{0,40}\bwould\b[^.!?]{0,30}\b(?:wait|queue|again)\b|"
    r"\bwhat\s+a\s+(?:surprise|shock|shocker)\b|\bshock(?:er)?\s+of\s+the\s+(?:century|year)\b"
)
# A praise word opening a clause, in a text that also reports a service failure: "Great, another 5 hours".
_SARCASTIC_OPENER = re.compile(
    r"(?:^|[.!?…]\s+|\n)\W*(?:@\w+\s+)*(?:oh\s+|just\s+|so\s+|well\s+|absolutely\s+|how\s+)?"
    r"(?:(?:great|brilliant|fantastic|wonderful|lovely|perfect|awesome|nice|super|amazing|marvellous|"
    r"marvelous|excellent|superb|fab|splendid|cool|sweet|good job|nice one|well done|bravo)"
    r"\s*(?:[,.!…—:-]+|\s+(?:another|again|still|more)\b)"
    r"|(?:thanks|thank you|cheers)(?:\s+@?\w+)?\s*[,.!…—:-]+)"
)
_SARCASM_CONTEXT = re.compile(
    r"\b(?:another|again|still\s+(?:waiting|no)|cancel\w*|lost|on hold|no\s*-?\s*one|nobody|ignored|forgot|"
    r"forgotten|wrong|rude|broken|no beds?|sent (?:me|us|him|her) home|\d+\s*(?:hours?|hrs?)\s+later|"
    r"waiting|queue|queuing|charged|closed)\b"
)
_EYE_ROLL = re.compile("[\U0001f644\U0001f643\U0001f612]")

_LONG_WAIT = re.compile(
    r"\b(?:wait(?:ed|ing)?|queu(?:e|ed|ing|eing)|sat|sitting|stuck|on hold|been here|been there|lying|"
    r"trolley|corridor)\b[^.!?\n]{0,40}?"
    rf"\b{_NUMBER}\+?\s*(?:-\s*)?{_LONG_UNIT}"
    rf"|\b{_NUMBER}\+?\s*(?:-\s*)?(?:hours?|hrs?|days?|weeks?|months?)\s+"
    r"(?:wait|waiting|queue|delay|in (?:a&e|a and e|the er|er|casualty|the waiting room|triage|resus)"
    r"|on hold|on a trolley|in a corridor|later)\b"
    r"|\bstill\s+(?:waiting|not\s+seen|no\s+(?:word|news|appointment|call|results?))\b"
    r"|\b(?:hours|days|weeks|months)\s+(?:and\s+\w+\s+)?(?:of|on)\s+(?:waiting|hold)\b"
)


@dataclass(frozen=True, slots=True)
class Sentiment:
    compound: float
    label: str  # "positive" | "neutral" | "negative"


@dataclass(frozen=True, slots=True)
class SentimentDetails:
    """Everything the scorer found: the classifier uses these as features."""

    compound: float
    label: str
    positive: float
    negative: float
    neutral: float
    sarcasm: bool
    long_wait: bool
    negated_praise: bool
    praise_idiom: bool
    criticism_idiom: bool


@dataclass(frozen=True, slots=True)
class _Profile:
    lexicon: dict[str, float]
    negations: frozenset[str]
    praise_negation_scalar: float
    emphasise_negated_praise: bool


_PLAIN = _Profile(
    lexicon=_VADER_LEXICON,
    negations=_VADER_NEGATIONS,
    praise_negation_scalar=_N_SCALAR,
    emphasise_negated_praise=False,
)
_HEALTHCARE = _Profile(
    lexicon=_HEALTHCARE_LEXICON,
    negations=_HEALTHCARE_NEGATIONS,
    praise_negation_scalar=NEGATED_PRAISE_SCALAR,
    emphasise_negated_praise=True,
)


def label_for(compound: float) -> str:
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


def sentiment_score(text: str) -> Sentiment:
    """Healthcare-tuned VADER compound score and its label."""
    details = sentiment_details(text)
    return Sentiment(compound=details.compound, label=details.label)


def sentiment_details(text: str) -> SentimentDetails:
    """Healthcare-tuned VADER scores plus which adjustments fired."""
    # Typographic apostrophes ("wasn’t") would hide VADER's "n't" negation.
    text = text.replace("\u2019", "'")
    lowered = text.lower()
    rewritten = _rewrite_healthcare_phrases(text, lowered)
    sarcasm = _is_sarcastic(text, lowered)
    long_wait = _LONG_WAIT.search(lowered) is not None
    extra = [LONG_WAIT_VALENCE] if long_wait else []
    compound, pos, neg, neu, negated_praise = _score(
        rewritten, _HEALTHCARE, flip_praise=sarcasm, extra_valences=extra
    )
    return SentimentDetails(
        compound=compound,
        label=label_for(compound),
        positive=pos,
        negative=neg,
        neutral=neu,
        sarcasm=sarcasm,
        long_wait=long_wait,
        negated_praise=negated_praise,
        praise_idiom=_PRAISE_TOKEN in rewritten,
        criticism_idiom=_CRITICISM_TOKEN in rewritten,
    )


def vader_polarity(text: str) -> dict[str, float]:
    """Plain VADER, the same numbers as vaderSentiment's polarity_scores (faster)."""
    compound, pos, neg, neu, _ = _score(text, _PLAIN, flip_praise=False, extra_valences=())
    return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}


# --- healthcare rewrites -------------------------------------------------------------------------


def _rewrite_healthcare_phrases(text: str, lowered: str) -> str:
    # Substitutions work on the lowered copy's positions; lowercasing keeps lengths for the ASCII text
    # and almost all other text, and where it does not we fall back to the lowered text (VADER only
    # loses its ALL-CAPS emphasis there).
    base = text if len(text) == len(lowered) else lowered
    if "care" in lowered or _CLINICAL_PHRASES.search(lowered):
        base = _sub_on_lowered(_CLINICAL_PHRASES, base, _neutralise_span)
        base = _sub_on_lowered(_CARE_NOUN, base, _neutralise_care_noun)
    if "ercy" in base or "ope " in base or "race " in base or "amaritan" in base or "aith " in base:
        base = _NAMED_HOSPITAL.sub(lambda match: match.group(1) + _CLINICAL_SUFFIX + " ", base)
    if "no one" in lowered:
        base = re.sub(r"\b([Nn])o one\b", r"\1o-one", base)
    base = _sub_on_lowered(_PRAISE_IDIOMS, base, lambda _span: f" {_PRAISE_TOKEN} ")
    base = _sub_on_lowered(_CRITICISM_IDIOMS, base, lambda _span: f" {_CRITICISM_TOKEN} ")
    return base


def _sub_on_lowered(pattern: re.Pattern[str], text: str, replace) -> str:
    """re.sub matched on the lowercased text, replacing the same spans of the original text."""
    lowered = text.lower()
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(lowered):
        start, end = match.span()
        if start == end:
            continue
        pieces.append(text[last:start])
        pieces.append(replace(text[start:end]))
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _neutralise_span(span: str) -> str:
    return " ".join(
        word + (_CLINICAL_SUFFIX.upper() if word.isupper() else _CLINICAL_SUFFIX)
        if word.lower() in _HEALTHCARE_LEXICON
        else word
        for word in span.split(" ")
    )


def _neutralise_care_noun(span: str) -> str:
    previous, _, care = span.rpartition(" ") if " " in span.strip() else ("", "", span)
    if previous and previous.split()[-1].lower() in _CARE_VERB_CONTEXT:
        return span
    return f"{previous} {care}{_CLINICAL_SUFFIX}" if previous else care + _CLINICAL_SUFFIX


def _is_sarcastic(text: str, lowered: str) -> bool:
    if _SARCASM_MARKERS.search(lowered):
        return True
    opener = _SARCASTIC_OPENER.search(lowered)
    if opener and _SARCASM_CONTEXT.search(lowered, opener.start()):
        return True
    return _EYE_ROLL.search(text) is not None


# --- VADER, restated ----------------------------------------------------------------------------


def _replace_emojis(text: str) -> str:
    # Every key of VADER's emoji table is non-ASCII, so ASCII text needs no character loop.
    if text.isascii():
        return text.strip()
    pieces: list[str] = []
    prev_space = True
    for char in text:
        description = _EMOJIS.get(char)
        if description is not None:
            if not prev_space:
                pieces.append(" ")
            pieces.append(description)
            prev_space = False
        else:
            pieces.append(char)
            prev_space = char == " "
    return "".join(pieces).strip()


def _tokens(text: str) -> list[str]:
    tokens = []
    for token in text.split():
        stripped = token.strip(_PUNCTUATION)
        tokens.append(token if len(stripped) <= 2 else stripped)
    return tokens


def _is_negation(word: str, negations: frozenset[str]) -> bool:
    return word in negations or "n't" in word


def _score(
    text: str,
    profile: _Profile,
    *,
    flip_praise: bool,
    extra_valences,
) -> tuple[float, float, float, float, bool]:
    """VADER's polarity_scores with the profile's lexicon and negation rules.

    Returns (compound, pos, neg, neu, negated_praise_seen).
    """
    text = _replace_emojis(text)
    words = _tokens(text)
    lowered = [word.lower() for word in words]
    count = len(words)
    allcaps = sum(1 for word in words if word.isupper())
    is_cap_diff = 0 < count - allcaps < count
    lexicon = profile.lexicon
    negations = profile.negations
    negated_praise_seen = False

    sentiments: list[float] = []
    for i, item in enumerate(words):
        word = lowered[i]
        if word in _BOOSTERS or (word == "kind" and i < count - 1 and lowered[i + 1] == "of"):
            sentiments.append(0)
            continue
        base = lexicon.get(word)
        if base is None:
            sentiments.append(0)
            continue
        negation_scalar = profile.praise_negation_scalar if base > 0 else _N_SCALAR
        negated = False
        valence = base
        if word == "no" and i != count - 1 and lowered[i + 1] in lexicon:
            valence = 0.0
        if (
            (i > 0 and lowered[i - 1] == "no")
            or (i > 1 and lowered[i - 2] == "no")
            or (i > 2 and lowered[i - 3] == "no" and lowered[i - 1] in ("or", "nor"))
        ):
            valence = base * negation_scalar
            negated = True
        if is_cap_diff and item.isupper():
            valence = valence + _C_INCR if valence > 0 else valence - _C_INCR

        for start_i in range(3):
            if i <= start_i:
                break
            previous = lowered[i - start_i - 1]
            if previous in lexicon:
                continue
            scalar = _booster_scalar(words[i - start_i - 1], previous, valence, is_cap_diff)
            if scalar != 0:
                if start_i == 1:
                    scalar *= 0.95
                elif start_i == 2:
                    scalar *= 0.9
                valence += scalar
            # VADER's negation check, one preceding word per step.
            if start_i == 0:
                if _is_negation(previous, negations):
                    valence *= negation_scalar
                    negated = True
            elif start_i == 1:
                if lowered[i - 2] == "never" and lowered[i - 1] in ("so", "this"):
                    valence *= 1.25
                elif lowered[i - 2] == "without" and lowered[i - 1] == "doubt":
                    pass
                elif _is_negation(previous, negations):
                    valence *= negation_scalar
                    negated = True
            else:
                if (lowered[i - 3] == "never" and lowered[i - 2] in ("so", "this")) or (
                    lowered[i - 1] in ("so", "this")
                ):
                    valence *= 1.25
                elif lowered[i - 3] == "without" and (lowered[i - 2] == "doubt" or lowered[i - 1] == "doubt"):
                    pass
                elif _is_negation(previous, negations):
                    valence *= negation_scalar
                    negated = True
                valence = _special_idioms(valence, lowered, i)

        if i > 1 and lowered[i - 1] == "least" and "least" not in lexicon:
            if lowered[i - 2] != "at" and lowered[i - 2] != "very":
                valence *= _N_SCALAR
        elif i > 0 and lowered[i - 1] == "least" and "least" not in lexicon:
            valence *= _N_SCALAR

        if negated and base > 0 and valence < 0:
            negated_praise_seen = True
            if profile.emphasise_negated_praise and _emphasis_follows(lowered, i):
                valence -= NEGATED_PRAISE_EMPHASIS
        sentiments.append(valence)

    sentiments = _but_check(lowered, sentiments)
    if flip_praise:
        # Sarcasm: the praise words are the joke, so they count against.
        sentiments = [value * _N_SCALAR if value > 0 else value for value in sentiments]
        sentiments.append(SARCASM_VALENCE)
    sentiments.extend(extra_valences)
    compound, pos, neg, neu = _score_valence(sentiments, text)
    return compound, pos, neg, neu, negated_praise_seen


def _booster_scalar(word: str, lowered: str, valence: float, is_cap_diff: bool) -> float:
    scalar = _BOOSTERS.get(lowered)
    if scalar is None:
        return 0.0
    if valence < 0:
        scalar = -scalar
    if is_cap_diff and word.isupper():
        scalar = scalar + _C_INCR if valence > 0 else scalar - _C_INCR
    return scalar


def _emphasis_follows(lowered: list[str], i: int) -> bool:
    following = lowered[i + 1 : i + 4]
    return (
        following[:2] == ["at", "all"]
        or following[:1] == ["whatsoever"]
        or following[:3] == ["in", "the", "slightest"]
        or following[:2] == ["one", "bit"]
    )


def _special_idioms(valence: float, lowered: list[str], i: int) -> float:
    one_zero = f"{lowered[i - 1]} {lowered[i]}"
    two_one_zero = f"{lowered[i - 2]} {lowered[i - 1]} {lowered[i]}"
    two_one = f"{lowered[i - 2]} {lowered[i - 1]}"
    three_two_one = f"{lowered[i - 3]} {lowered[i - 2]} {lowered[i - 1]}"
    three_two = f"{lowered[i - 3]} {lowered[i - 2]}"
    for sequence in (one_zero, two_one_zero, two_one, three_two_one, three_two):
        if sequence in _SPECIAL_CASES:
            valence = _SPECIAL_CASES[sequence]
            break
    if len(lowered) - 1 > i:
        zero_one = f"{lowered[i]} {lowered[i + 1]}"
        if zero_one in _SPECIAL_CASES:
            valence = _SPECIAL_CASES[zero_one]
    if len(lowered) - 1 > i + 1:
        zero_one_two = f"{lowered[i]} {lowered[i + 1]} {lowered[i + 2]}"
        if zero_one_two in _SPECIAL_CASES:
            valence = _SPECIAL_CASES[zero_one_two]
    for n_gram in (three_two_one, three_two, two_one):
        if n_gram in _BOOSTERS:
            valence = valence + _BOOSTERS[n_gram]
    return valence


def _but_check(lowered: list[str], sentiments: list[float]) -> list[float]:
    if "but" not in lowered:
        return sentiments
    but_index = lowered.index("but")
    # Kept exactly as VADER does it, including looking each value up by its first occurrence.
    for position in range(len(sentiments)):
        sentiment = sentiments[position]
        index = sentiments.index(sentiment)
        if index < but_index:
            sentiments[index] = sentiment * 0.5
        elif index > but_index:
            sentiments[index] = sentiment * 1.5
    return sentiments


def _score_valence(sentiments: list[float], text: str) -> tuple[float, float, float, float]:
    if not sentiments:
        return 0.0, 0.0, 0.0, 0.0
    total = float(sum(sentiments))
    exclamations = min(text.count("!"), 4) * 0.292
    questions = text.count("?")
    question_emphasis = 0.0
    if questions > 1:
        question_emphasis = questions * 0.18 if questions <= 3 else 0.96
    emphasis = exclamations + question_emphasis
    if total > 0:
        total += emphasis
    elif total < 0:
        total -= emphasis
    compound = total / math.sqrt(total * total + 15)
    compound = max(-1.0, min(1.0, compound))

    pos_sum = 0.0
    neg_sum = 0.0
    neu_count = 0
    for value in sentiments:
        if value > 0:
            pos_sum += float(value) + 1
        elif value < 0:
            neg_sum += float(value) - 1
        else:
            neu_count += 1
    if pos_sum > math.fabs(neg_sum):
        pos_sum += emphasis
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= emphasis
    grand_total = pos_sum + math.fabs(neg_sum) + neu_count
    return (
        round(compound, 4),
        round(math.fabs(pos_sum / grand_total), 3),
        round(math.fabs(neg_sum / grand_total), 3),
        round(math.fabs(neu_count / grand_total), 3),
    )
