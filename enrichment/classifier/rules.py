"""Severity rules: wording that makes a complaint critical whatever the model thinks.

Critical means a person must look at it fast: death or serious harm, abuse or assault, self-harm or
suicide risk, wrong-site surgery, overdose, or a legal or media threat. The rules only raise the
severity of something already judged a complaint (and lower the complaint threshold, see
predict.CRITICAL_COMPLAINT_THRESHOLD): "my dad died peacefully, the staff were wonderful" is praise and
"a man has died after a crash" is news.

The patterns avoid common hyperbole and look-alikes: "dying for a coffee", "bored to death", "the wait
is killing me", "kicked us out", "hit my head", "sexual health clinic", "food court", "social media",
"signed the papers", "Nurse Sue".
"""

import re

_HARM = re.compile(
    r"\b(?:died|has died|passed away|stillborn|stillbirth|fatal(?:ly)?|killed|manslaughter|found dead"
    r"|pronounced dead|dead on arrival|(?:nearly|almost|could have|could've|would have) died"
    r"|left (?:him|her|them|me|us) to die|brain[- ]damaged?"
    r"|permanent(?:ly)? (?:damage|disabled|harm|injur\w*)"
    r"|paralys\w+|amputat\w+|resuscitat\w+|cardiac arrest|stopped breathing|anaphyla\w+"
    r"|(?:ended up|now|he's|she's|they're|is|was|rushed|admitted) (?:in|to|into) (?:the )?"
    r"(?:icu|itu|hdu|intensive care"
    r"|critical care|resus)"
    r"|life[- ]threatening|lost (?:my|our|his|her|their) (?:baby|son|daughter|mum|mom|mother|dad|father"
    r"|wife|husband|child|little (?:boy|girl)|twins?)"
    r"|wrong (?:leg|knee|arm|kidney|eye|hip|foot|hand|side|tooth|finger|toe|patient|baby|organ|limb|ovary"
    r"|breast|blood group|blood type)"
    r"|never event|retained (?:swab|instrument|sponge)|swab (?:was )?left inside)\b"
    r"|\bdeath\b(?!\s+trap)(?<!bored to death)(?<!scared to death)(?<!sick to death)"
)
_ABUSE = re.compile(
    r"\b(?:abus(?:e|ed|ive|ing)|assault(?:ed|ing)?|rap(?:e|ed)|grop(?:e|ed|ing)"
    r"|sexual(?:ly)? (?:assault\w*|abus\w*|harass\w*|touch\w*|inappropriate\w*)"
    r"|touched me|inappropriately touched|touched (?:me|her|him) inappropriately|touched \w+ inappropriately"
    r"|slapp(?:ed|ing)|punch(?:ed|ing)|smack(?:ed|ing)|strangl\w+|spat at|spitting at"
    r"|beat(?:en|ing) (?:up|him|her|me)"
    r"|restraining order|domestic (?:abuse|violence)"
    r"|(?:kicked|shoved|hit|pushed|grabbed) (?:me|him|her|them)\b(?!\s+(?:out|off|up|back|with))"
    r"|restrained (?:me|him|her|my)|safeguarding (?:concern|referral|issue))\b"
)
_DRUG_ABUSE = re.compile(r"\b(?:drug|substance|alcohol|solvent)\s+abus\w*")
_SELF_HARM = re.compile(
    r"\b(?:suicid\w*|self[- ]?harm\w*|kill (?:my|him|her|them)sel(?:f|ves)|end(?:ing)? (?:it all|my life)"
    r"|take (?:my|his|her|their) own life|took (?:his|her|their) own life|tried to take (?:his|her|my|their)"
    r"|overdos\w*|want(?:ed)? to die(?! of)|don'?t want to (?:be here|live) any ?more)\b"
)
_LEGAL = re.compile(
    r"\b(?:lawyers?|solicitors?|attorneys?|lawsuit|litigation|legal action|legal advice|negligence claim"
    r"|clinical negligence|medical negligence|compensation claim|suing|sued"
    r"|(?:to|will|gonna|going to|we'll|i'll|i will|we will|could|should|might|planning to|intend to) sue"
    r"|(?:see|seeing|take|taking) (?:you|them|this|it|the hospital|the trust|\w+) to court|court case"
    r"|in court|police (?:are|have been|were) (?:involved|called|told|informed)"
    r"|reported (?:it|him|her|them|this) to the police|(?:called|contacted|told) the police)\b"
)
_MEDIA = re.compile(
    r"\b(?:reporters?|journalists?|newspapers?|the press|(?:local|national) (?:press|papers?|news)"
    r"|(?:contact|contacting|call|calling|tell|telling|go to|going to|went to|speak to|speaking to|email"
    r"|emailing|tip off|tipped off|sent (?:it|everything|this) to|take (?:it|this) to|taking (?:it|this) to)"
    r"\s+(?:the\s+)?(?:local\s+)?(?:press|papers|news|media|bbc|itv|sky news|channel \d+|watchdog|tv)"
    r"|go(?:ing)? public|the bbc)\b"
)
CRITICAL_PATTERNS: dict[str, re.Pattern[str]] = {
    "harm": _HARM,
    "abuse": _ABUSE,
    "self_harm": _SELF_HARM,
    "legal": _LEGAL,
    "media": _MEDIA,
}
_HYPERBOLE = re.compile(
    r"\b(?:died|dying|death|die)\s+(?:of|from|for)\s+(?:boredom|embarrassment|shame|laughter|a coffee|a brew"
    r"|a cuppa|a wee|a cigarette|thirst|hunger)\b|\b(?:died|dying)\s+laughing\b"
)


def critical_reasons(text: str) -> list[str]:
    """Which kinds of critical wording the text contains (empty when none)."""
    lowered = _HYPERBOLE.sub(" ", text.lower().replace("\u2019", "'"))
    reasons = []
    for reason, pattern in CRITICAL_PATTERNS.items():
        haystack = _DRUG_ABUSE.sub(" ", lowered) if reason == "abuse" else lowered
        if pattern.search(haystack):
            reasons.append(reason)
    return reasons


def is_critical(text: str) -> bool:
    return bool(critical_reasons(text))
