"""Build enrichment/data/labelled_posts.jsonl, the team's labelled training and held-out set.

Deterministic (seeded, stdlib only): running it twice writes the same file.

    .venv/bin/python enrichment/data/build_labelled_posts.py            # writes labelled_posts.jsonl
    .venv/bin/python enrichment/data/build_labelled_posts.py --check    # exits 1 if the file is stale

Each hand-written core (phrasebank_*.py) is expanded into a few posts: slots filled with British or
American wording (A&E / ER, GP / doctor, mum / mom, £ / $), wrapped in the style of an X post, a Reddit
post, a review or a news item, sometimes with typos, a mixed opener ("The nurses were lovely but ...")
or an escalation ("we've contacted a solicitor", which makes the complaint critical).

Row fields: id, text, is_complaint, category (null for non-complaints), severity (null likewise),
style (x|reddit|review|news), split (train|test). The split is a stable hash of the id's group (the id
up to "~", i.e. the core it came from), so every post built from one core lands on the same side and the
held-out figures measure phrasings the model never saw. Hospital names are fictional and differ from the
demo data's.
"""

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

if __package__:
    from . import phrasebank_boundaries as boundaries
    from . import phrasebank_complaints as complaints
    from . import phrasebank_other as other
    from . import phrasebank_precision as precision
else:  # run as a script: python enrichment/data/build_labelled_posts.py
    import phrasebank_boundaries as boundaries
    import phrasebank_complaints as complaints
    import phrasebank_other as other
    import phrasebank_precision as precision

OUTPUT = Path(__file__).with_name("labelled_posts.jsonl")
SEED = 20261126
TEST_PERCENT = 20
GROUP_SEPARATOR = "~"

HOSPITALS = [
    ("Northgate Medical Center", "Northgate", "@NorthgateMC"),
    ("Holloway Infirmary", "Holloway", "@HollowayInfirmary"),
    ("Cedar Point Clinic", "Cedar Point", "@CedarPointClinic"),
    ("Pinecrest Regional Hospital", "Pinecrest", "@PinecrestHealth"),
    ("Harbourview General", "Harbourview", "@HarbourviewGen"),
    ("Elmwood Medical Centre", "Elmwood", "@ElmwoodMC"),
    ("Fairhaven Community Hospital", "Fairhaven", "@FairhavenCH"),
    ("Brookmere Health", "Brookmere", "@BrookmereHealth"),
]
GENERIC_HOSPITALS = {
    "uk": ["the hospital", "our local hospital", "the hospital", "this hospital", "the infirmary"],
    "us": ["the hospital", "our local hospital", "this hospital", "the medical center"],
}
SLOTS: dict[str, dict[str, list[str]]] = {
    "ae": {
        "uk": ["A&E", "A&E", "A and E", "casualty", "the emergency department", "ED"],
        "us": ["the ER", "the ER", "the emergency room", "the ED", "the emergency department"],
    },
    "gp": {
        "uk": [
            "my GP",
            "the GP",
            "my GP surgery",
            "the practice",
            "my doctor's surgery",
            "the health centre",
        ],
        "us": ["my doctor", "my PCP", "my primary care doctor", "the clinic", "my doctor's office"],
    },
    "ward": {
        "uk": [
            "ward 7",
            "the ward",
            "ward B4",
            "the stroke ward",
            "the surgical ward",
            "the assessment unit",
            "ward 22",
            "the elderly care ward",
        ],
        "us": [
            "the 4th floor",
            "the unit",
            "the med-surg floor",
            "the step-down unit",
            "the floor",
            "the 6th floor",
        ],
    },
    "op": {
        "uk": ["op", "operation", "surgery", "procedure"],
        "us": ["surgery", "procedure", "surgery"],
    },
    "clinic": {
        "uk": [
            "the fracture clinic",
            "outpatients",
            "the eye clinic",
            "dermatology",
            "the diabetes clinic",
            "the pain clinic",
            "cardiology",
            "ENT",
            "the breast clinic",
        ],
        "us": [
            "the orthopedic clinic",
            "the eye clinic",
            "dermatology",
            "the diabetes clinic",
            "the pain clinic",
            "cardiology",
            "ENT",
            "the women's health clinic",
        ],
    },
    "kid": {
        "uk": ["my son", "my daughter", "my little boy", "my little girl", "our 4 year old", "our baby"],
        "us": ["my son", "my daughter", "my little boy", "my little girl", "our 4 year old", "our baby"],
    },
    "money": {
        "uk": ["£1,200", "£340", "£2,750", "£95", "£4,100"],
        "us": ["$1,200", "$3,480", "$12,750", "$640", "$9,100"],
    },
}
RELATIVES = {
    "uk": [
        ("my mum", "she"),
        ("my dad", "he"),
        ("my nan", "she"),
        ("my grandad", "he"),
        ("my wife", "she"),
        ("my husband", "he"),
        ("my son", "he"),
        ("my daughter", "she"),
        ("my brother", "he"),
        ("my sister", "she"),
        ("my gran", "she"),
        ("my elderly neighbour", "she"),
        ("my partner", "he"),
    ],
    "us": [
        ("my mom", "she"),
        ("my dad", "he"),
        ("my grandma", "she"),
        ("my grandpa", "he"),
        ("my wife", "she"),
        ("my husband", "he"),
        ("my son", "he"),
        ("my daughter", "she"),
        ("my brother", "he"),
        ("my sister", "she"),
        ("my elderly neighbor", "she"),
    ],
}
PRONOUNS = {"he": ("he", "him", "his"), "she": ("she", "her", "her")}
NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]

# American spellings and words for a post written in the US.
US_WORDS = [
    (r"'s A&E\b", "'s ER"),
    (r"\bA&E\b", "the ER"),
    (r"\b(?:the|my) GP\b", "my doctor"),
    (r"\bGP\b", "doctor"),
    (r"\bmum\b", "mom"),
    (r"\bMum\b", "Mom"),
    (r"\bnan\b", "grandma"),
    (r"\bgrandad\b", "grandpa"),
    (r"\bparacetamol\b", "Tylenol"),
    (r"\bqueue\b", "line"),
    (r"\bcar park\b", "parking lot"),
    (r"\bcolour\b", "color"),
    (r"\bcentre\b", "center"),
    (r"\bpaediatric\b", "pediatric"),
    (r"\borthopaedic", "orthopedic"),
    (r"\btheatre\b", "the OR"),
    (r"\bnappy\b", "diaper"),
    (r"\bhaematology\b", "hematology"),
    (r"\bneighbour\b", "neighbor"),
    (r"\bmould", "mold"),
    (r"\bjab\b", "shot"),
    (r"\b999\b", "911"),
    (r"\bitemised\b", "itemized"),
    (r"\bmobile\b", "cell"),
    (r"\bholiday\b", "vacation"),
    (r"£(\d)", r"$\1"),
]
MISSPELLINGS = {
    "definitely": "definately",
    "receive": "recieve",
    "separate": "seperate",
    "appalling": "appaling",
    "unacceptable": "unacceptible",
    "absolutely": "absolutly",
    "hospital": "hospitol",
    "appointment": "appointmnet",
    "because": "becuase",
    "their": "there",
    "really": "realy",
    "waiting": "wating",
    "nurses": "nurse's",
    "doctor": "docter",
    "until": "untill",
    "ridiculous": "rediculous",
    "embarrassed": "embarassed",
    "necessary": "neccessary",
    "disgusting": "disgustin",
    "literally": "literaly",
}
TWEET_ABBREVIATIONS = [
    (r"\bhours\b", "hrs"),
    (r"\bpeople\b", "ppl"),
    (r"\bbecause\b", "cos"),
    (r"\bplease\b", "pls"),
    (r"\bthough\b", "tho"),
    (r"\byou\b", "u"),
    (r"\bminutes\b", "mins"),
    (r"\bappointment\b", "appt"),
    (r"\bwith\b", "w/"),
    (r"\band\b", "&"),
]

COMPLAINT_CLOSERS = [
    "Absolutely disgusting.",
    "Not good enough.",
    "Do better.",
    "I'm furious.",
    "So disappointed.",
    "I'll be making a formal complaint.",
    "Shocking.",
    "Sort it out {hosp}.",
    "This is the state of it now.",
    "The system is broken.",
    "Is this normal??",
    "Unacceptable.",
    "Really upset about this.",
    "Just wanted to share in case it happens to anyone else.",
    "Anyway. Rant over.",
    "Fuming.",
    "PALS complaint going in tomorrow.",
    "Won't be going back.",
    "How is this ok?",
    "Exhausted.",
    "Feel completely let down.",
    "Anyone else had this?",
    "What a mess.",
    "Not the staff's fault, the system.",
]
ESCALATIONS = [
    "We've spoken to a solicitor.",
    "Our lawyer has been contacted.",
    "I've been in touch with a journalist.",
    "The local paper will be hearing about this.",
    "We will be taking legal action.",
    "Speaking to a medical negligence lawyer tomorrow.",
    "Going to the papers with this.",
    "I'm going to sue.",
    "Contacting the BBC about this.",
    "We'll see them in court.",
]
MIXED_OPENERS = [
    "The nurses were lovely but",
    "Don't get me wrong, the doctors were great, but",
    "Staff were clearly doing their best, however",
    "I love the NHS but",
    "Normally a fan of {hosp} but",
    "The surgery itself went fine but",
    "Credit to the paramedics, but",
    "Lovely receptionist, but",
]
PRAISE_CLOSERS = [
    "Thank you!",
    "Can't thank them enough.",
    "Proud of our NHS.",
    "Highly recommend.",
    "Top notch.",
    "Forever grateful.",
    "Thank you all.",
    "Brilliant.",
    "10/10.",
    "Keep up the good work.",
]
REDDIT_PREFACES = [
    "Long time lurker, first post.",
    "Throwaway for obvious reasons.",
    "Not sure if this is the right sub but",
    "UK based, for context.",
    "Bit of background first.",
    "Posting for my mum who isn't on here.",
    "US, for context.",
]
REDDIT_PREFACES_BAD = ["Rant incoming.", "Need to vent.", "Sorry for the long post.", "Long one, sorry."]
REDDIT_CLOSERS = [
    "Is this normal?",
    "Has anyone else had this at {hosp}?",
    "What can I even do about this?",
    "Edit: thanks for all the replies.",
    "Any advice appreciated.",
    "Just needed to get that off my chest.",
]
REVIEW_TITLES_BAD = [
    "Avoid",
    "Shocking experience",
    "Terrible",
    "Disappointed",
    "Never again",
    "Poor",
    "Very let down",
    "Not impressed",
]
REVIEW_TITLES_GOOD = [
    "Outstanding care",
    "Thank you",
    "Brilliant team",
    "Excellent",
    "Five stars",
    "Faultless",
    "Great experience",
]
STARS_BAD = ["1/5", "★☆☆☆☆", "One star.", "Rating: 1", "2 stars.", "★★☆☆☆"]
STARS_GOOD = ["5/5", "★★★★★", "Five stars.", "Rating: 5", "4/5", "★★★★☆"]
HASHTAGS_BAD = ["#NHS", "#nhscrisis", "#AandE", "#healthcare", "#patientsafety", "#fail", "#ER"]
HASHTAGS_GOOD = ["#NHS", "#thankyou", "#nurses", "#NHSheroes", "#grateful"]
EMOJI_BAD = ["😡", "😤", "🙄", "😢", "💔", "🤬", "😞"]
EMOJI_GOOD = ["🙏", "❤️", "💙", "👏", "😊", "🥰"]

# bank name -> (variants per core, style weights)
STYLE_WEIGHTS = {
    "complaint": {"x": 35, "reddit": 25, "review": 40},
    "praise": {"x": 40, "reddit": 15, "review": 45},
    "neutral": {"x": 70, "reddit": 30},
    "question": {"x": 50, "reddit": 50},
    "prayer": {"x": 70, "reddit": 30},
    "news": {"news": 100},
    "org": {"x": 100},
    "collision": {"x": 75, "reddit": 25},
    "chatter": {"x": 75, "reddit": 25},
    # Feedback-form answers travel as reviews: short text about one visit, written for the provider.
    "survey": {"survey": 100},
}
OTHER_BANKS = [
    ("praise", other.PRAISE, "praise", 5),
    ("neutral", other.NEUTRAL_UPDATES, "neutral", 5),
    ("question", other.QUESTIONS, "question", 5),
    ("prayer", other.PRAYERS, "prayer", 5),
    ("news_neutral", other.NEWS_NEUTRAL, "news", 5),
    ("org", other.ORG_POSTS, "org", 4),
    ("collision", other.NAME_COLLISIONS, "collision", 5),
    ("chatter", other.CHATTER, "chatter", 5),
    ("survey", other.SURVEY_OTHER, "survey", 3),
]
COMPLAINT_BANKS = [
    ("clinical_quality", complaints.CLINICAL_QUALITY),
    ("safety", complaints.SAFETY),
    ("wait_times", complaints.WAIT_TIMES),
    ("appointments_access", complaints.APPOINTMENTS_ACCESS),
    ("billing_insurance", complaints.BILLING_INSURANCE),
    ("admission_discharge", complaints.ADMISSION_DISCHARGE),
    ("facilities_environment", complaints.FACILITIES_ENVIRONMENT),
    ("communication", complaints.COMMUNICATION),
    ("staff_attitude", complaints.STAFF_ATTITUDE),
    ("privacy_rights", complaints.PRIVACY_RIGHTS),
]
# Cores written later for the confused category boundaries; ids "<category>.b<index>" keep them apart.
BOUNDARY_BANKS = [
    ("safety", boundaries.SAFETY),
    ("clinical_quality", boundaries.CLINICAL_QUALITY),
    ("staff_attitude", boundaries.STAFF_ATTITUDE),
    ("communication", boundaries.COMMUNICATION),
    ("wait_times", boundaries.WAIT_TIMES),
    ("appointments_access", boundaries.APPOINTMENTS_ACCESS),
    ("billing_insurance", boundaries.BILLING_INSURANCE),
    ("facilities_environment", boundaries.FACILITIES_ENVIRONMENT),
    ("privacy_rights", boundaries.PRIVACY_RIGHTS),
    ("admission_discharge", boundaries.ADMISSION_DISCHARGE),
]
BOUNDARY_SEED_OFFSET = 1
# Hard negatives that name care topics (praise, good news, prayers, questions) and complaints in the same
# registers, written when the model was found to key on topic words; a third stream, so earlier rows stay.
PRECISION_OTHER_BANKS = [
    ("praise_topical", precision.PRAISE_TOPICAL, "praise", 4),
    ("news_positive", precision.NEWS_POSITIVE, "news", 4),
    ("prayer_worry", precision.PRAYER_WORRY, "prayer", 4),
    ("question_topical", precision.QUESTIONS_TOPICAL, "question", 4),
]
PRECISION_COMPLAINT_BANKS = [
    ("news_reported", precision.NEWS_COMPLAINTS_REPORTED, "news"),
    ("polite_complaint", precision.POLITE_COMPLAINTS, "complaint"),
]
PRECISION_SEED_OFFSET = 2
COMPLAINT_VARIANTS = 4
SEVERITY_LETTERS = {"L": "low", "M": "medium", "H": "high", "C": "critical"}


def split_for_id(example_id: str) -> str:
    """'test' for ~20% of groups, chosen by a stable hash of the id's group (the id up to '~')."""
    group = example_id.split(GROUP_SEPARATOR, 1)[0]
    bucket = int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "test" if bucket < TEST_PERCENT else "train"


# --- template expansion --------------------------------------------------------------------------


class _Context:
    """The slot values for one post, so 'my dad ... he ... his' agree within it."""

    def __init__(self, rng: random.Random, locale: str) -> None:
        self.rng = rng
        self.locale = locale
        self.relative, gender = rng.choice(RELATIVES[locale])
        self.pronouns = PRONOUNS[gender]
        full, short, handle = rng.choice(HOSPITALS)
        self.handle = handle
        roll = rng.random()
        if roll < 0.4:
            self.hospital = full
        elif roll < 0.6:
            self.hospital = short
        else:
            self.hospital = rng.choice(GENERIC_HOSPITALS[locale])
        self.fixed: dict[str, str] = {}

    def slot(self, name: str) -> str:
        rng = self.rng
        if name in ("rel", "Rel"):
            value = self.relative
        elif name in ("he", "He"):
            value = self.pronouns[0]
        elif name == "him":
            value = self.pronouns[1]
        elif name == "his":
            value = self.pronouns[2]
        elif name == "hosp":
            value = self.hospital
        elif name == "handle":
            value = self.handle
        elif name == "hours":
            number = rng.randint(4, 14)
            value = str(number) if rng.random() < 0.6 else NUMBER_WORDS[min(number, 12) - 2]
        elif name == "n":
            value = str(rng.randint(3, 7))
        elif name == "months":
            value = str(rng.choice([8, 10, 14, 18, 20, 26]))
        elif name in SLOTS:
            # One value per post, so "the ward ... the ward" stays the same ward.
            if name not in self.fixed:
                self.fixed[name] = rng.choice(SLOTS[name][self.locale])
            value = self.fixed[name]
        else:
            raise KeyError(f"unknown slot {{{name}}}")
        return value[:1].upper() + value[1:] if name[:1].isupper() else value


def _expand(template: str, context: _Context) -> str:
    text, position = _expand_from(template, 0, context, closing="")
    if position != len(template):
        raise ValueError(f"unbalanced template: {template!r}")
    return text


def _expand_from(template: str, position: int, context: _Context, *, closing: str) -> tuple[str, int]:
    """Expand until `closing` (or the end); returns the text and the position after the closer."""
    pieces: list[str] = []
    while position < len(template):
        char = template[position]
        if closing and char == closing:
            return "".join(pieces), position + 1
        if char == "{":
            options, position = _read_options(template, position + 1, context)
            pieces.append(options)
        elif char == "[":
            inner, position = _expand_from(template, position + 1, context, closing="]")
            if context.rng.random() < 0.5:
                pieces.append(inner)
        else:
            pieces.append(char)
            position += 1
    if closing:
        raise ValueError(f"missing {closing!r} in {template!r}")
    return "".join(pieces), position


def _read_options(template: str, position: int, context: _Context) -> tuple[str, int]:
    depth = 0
    start = position
    options: list[str] = []
    while position < len(template):
        char = template[position]
        if char in "{[":
            depth += 1
        elif char in "}]" and depth:
            depth -= 1
        elif char == "|" and not depth:
            options.append(template[start:position])
            start = position + 1
        elif char == "}" and not depth:
            options.append(template[start:position])
            position += 1
            break
        position += 1
    if len(options) == 1 and re.fullmatch(r"[A-Za-z]+", options[0]):
        return context.slot(options[0]), position
    return _expand(context.rng.choice(options), context), position


# --- post styles ---------------------------------------------------------------------------------


def _americanise(text: str) -> str:
    for pattern, replacement in US_WORDS:
        text = re.sub(pattern, replacement, text)
    return text.replace("the the ", "the ")


def _add_typos(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(rng.randint(1, 3)):
        index = rng.randrange(len(words))
        word = words[index]
        bare = word.strip(".,!?\"'").lower()
        if bare in MISSPELLINGS:
            words[index] = word.lower().replace(bare, MISSPELLINGS[bare])
        elif len(word) > 4 and word.isalpha():
            cut = rng.randrange(1, len(word) - 2)
            kind = rng.random()
            if kind < 0.4:  # swap two letters
                word = word[:cut] + word[cut + 1] + word[cut] + word[cut + 2 :]
            elif kind < 0.7:  # drop a letter
                word = word[:cut] + word[cut + 1 :]
            else:  # double a letter
                word = word[:cut] + word[cut] + word[cut:]
            words[index] = word
    return " ".join(words)


def _capitalise_sentences(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return re.sub(r"([.!?]\s+)([a-z])", lambda match: match.group(1) + match.group(2).upper(), text)


def _lower_first(text: str) -> str:
    # "My op was cancelled" -> "my op was cancelled", but keep "I", "A&E", "GP".
    first = text.split(" ", 1)[0]
    if first == "I" or (len(first) > 1 and first[:2].isupper()):
        return text
    return text[:1].lower() + text[1:]


def _style_x(text: str, context: _Context, *, tone: str) -> str:
    rng = context.rng
    if rng.random() < 0.3:
        text = f"{context.handle} {text}" if rng.random() < 0.7 else f"{text} {context.handle}"
    if rng.random() < 0.3:
        for pattern, short in TWEET_ABBREVIATIONS:
            if rng.random() < 0.5:
                text = re.sub(pattern, short, text)
    if tone in ("bad", "good") and rng.random() < 0.25:
        tags = HASHTAGS_BAD if tone == "bad" else HASHTAGS_GOOD
        text = f"{text} {' '.join(rng.sample(tags, rng.randint(1, 2)))}"
    if tone in ("bad", "good") and rng.random() < 0.2:
        text = f"{text} {rng.choice(EMOJI_BAD if tone == 'bad' else EMOJI_GOOD)}"
    if rng.random() < 0.25:
        text = text.lower()
    if len(text) > 280:
        text = text[:277].rsplit(" ", 1)[0] + "..."
    return text


def _style_reddit(text: str, context: _Context, *, tone: str) -> str:
    rng = context.rng
    parts = []
    if rng.random() < 0.5:
        parts.append(rng.choice(REDDIT_PREFACES + (REDDIT_PREFACES_BAD if tone == "bad" else [])))
    parts.append(text)
    if tone == "bad" and rng.random() < 0.5:
        parts.append(_expand(rng.choice(REDDIT_CLOSERS), context))
    text = " ".join(parts) if rng.random() < 0.5 else "\n\n".join(parts)
    if tone == "bad" and rng.random() < 0.15:
        summary = re.split(r"(?<=[.!?])\s", text.strip())[-1]
        text = f"{text}\n\nTL;DR: {summary}"
    return text


def _style_review(text: str, context: _Context, *, tone: str) -> str:
    rng = context.rng
    parts = []
    if tone in ("bad", "good") and rng.random() < 0.5:
        parts.append(rng.choice(STARS_BAD if tone == "bad" else STARS_GOOD))
    if tone in ("bad", "good") and rng.random() < 0.4:
        parts.append(rng.choice(REVIEW_TITLES_BAD if tone == "bad" else REVIEW_TITLES_GOOD) + ".")
    parts.append(text)
    if tone == "good" and rng.random() < 0.4:
        parts.append(rng.choice(PRAISE_CLOSERS))
    return " ".join(parts)


def _style_news(text: str, context: _Context, *, tone: str) -> str:
    rng = context.rng
    text = text.rstrip(".")
    roll = rng.random()
    if roll < 0.2:
        return f"BREAKING: {text}"
    if roll < 0.5:
        return f"{text} - Local News"
    if roll < 0.7:
        return f"{text}. Read more on our website."
    return text


def _style_survey(text: str, context: _Context, *, tone: str) -> str:
    rng = context.rng
    roll = rng.random()
    if roll < 0.15:
        return f"What could we do better? {text}"
    if roll < 0.3:
        return text.lower().rstrip(".")
    return text


STYLE_FUNCTIONS = {
    "x": _style_x,
    "reddit": _style_reddit,
    "review": _style_review,
    "news": _style_news,
    "survey": _style_survey,
}
# The survey style is written like a feedback form but stored as a review (the file's four styles).
STORED_STYLE = {"survey": "review"}


# --- building rows -------------------------------------------------------------------------------


def _parse_core(line: str) -> tuple[str | None, str]:
    for locale in ("US", "UK"):
        if line.startswith(f"{locale}:"):
            return locale.lower(), line[3:]
    # Institutions that only exist in the UK keep the post British.
    if re.search(r"\b(?:NHS|PALS|111|CAMHS|GMC|CQC)\b|£", line):
        return "uk", line
    return None, line


def _pick_style(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _render(
    template: str,
    *,
    rng: random.Random,
    forced_locale: str | None,
    style: str,
    tone: str,
    decorate: bool = True,
) -> tuple[str, _Context]:
    locale = forced_locale or ("uk" if rng.random() < 0.55 else "us")
    context = _Context(rng, locale)
    text = _capitalise_sentences(_expand(template, context))
    if locale == "us":
        text = _americanise(text)
    if decorate:
        text = STYLE_FUNCTIONS[style](text, context, tone=tone)
    if rng.random() < 0.18:
        text = _add_typos(text, rng)
    return text, context


def _bank_rows(rng: random.Random, banks: list[tuple[str, str]], *, id_prefix: str = "") -> Iterator[dict]:
    for category, bank in banks:
        cores = [line for line in bank.strip().splitlines() if line.strip()]
        for index, line in enumerate(cores):
            forced_locale, rest = _parse_core(line)
            letter, _, template = rest.partition("|")
            for variant in range(COMPLAINT_VARIANTS):
                severity = SEVERITY_LETTERS[letter]
                style = _pick_style(rng, STYLE_WEIGHTS["complaint"])
                locale = forced_locale or ("uk" if rng.random() < 0.55 else "us")
                text, context = _render(
                    template, rng=rng, forced_locale=locale, style=style, tone="bad", decorate=False
                )
                roll = rng.random()
                if roll < 0.12:
                    text = f"{_expand(rng.choice(MIXED_OPENERS), context)} {_lower_first(text)}"
                if severity != "critical" and rng.random() < 0.06:
                    text = f"{text} {rng.choice(ESCALATIONS)}"
                    severity = "critical"
                elif rng.random() < 0.4:
                    text = f"{text} {_expand(rng.choice(COMPLAINT_CLOSERS), context)}"
                text = STYLE_FUNCTIONS[style](text, context, tone="bad")
                yield _row(
                    f"{category}.{id_prefix}{index:03d}{GROUP_SEPARATOR}{variant}",
                    text,
                    True,
                    category,
                    severity,
                    style,
                )


def _complaint_rows(rng: random.Random) -> Iterator[dict]:
    yield from _bank_rows(rng, COMPLAINT_BANKS)
    yield from _categorised_rows(
        rng,
        [
            ("news_complaint", complaints.NEWS_COMPLAINTS, "news"),
            ("survey_complaint", complaints.SURVEY_COMPLAINTS, "survey"),
        ],
    )


def _categorised_rows(rng: random.Random, banks: list[tuple[str, str, str]]) -> Iterator[dict]:
    """Complaint banks whose lines are "<category>|<severity letter>|<template>"."""
    for bank_name, bank, kind in banks:
        lines = [line for line in bank.strip().splitlines() if line.strip()]
        for index, line in enumerate(lines):
            category, letter, template = line.split("|", 2)
            for variant in range(COMPLAINT_VARIANTS):
                style = kind if kind in STYLE_FUNCTIONS else _pick_style(rng, STYLE_WEIGHTS[kind])
                text, _ = _render(template, rng=rng, forced_locale=None, style=style, tone="bad")
                yield _row(
                    f"{bank_name}.{index:03d}{GROUP_SEPARATOR}{variant}",
                    text,
                    True,
                    category,
                    SEVERITY_LETTERS[letter],
                    STORED_STYLE.get(style, style),
                )


def _other_rows(rng: random.Random, banks: list[tuple[str, str, str, int]] = OTHER_BANKS) -> Iterator[dict]:
    for bank_name, bank, kind, variants in banks:
        cores = [line for line in bank.strip().splitlines() if line.strip()]
        tone = "good" if kind == "praise" else "neutral"
        for index, line in enumerate(cores):
            forced_locale, template = _parse_core(line)
            for variant in range(variants):
                style = _pick_style(rng, STYLE_WEIGHTS[kind])
                text, context = _render(
                    template, rng=rng, forced_locale=forced_locale, style=style, tone=tone, decorate=False
                )
                if kind == "praise" and rng.random() < 0.3:
                    text = f"{text} {rng.choice(PRAISE_CLOSERS)}"
                text = STYLE_FUNCTIONS[style](text, context, tone=tone)
                yield _row(
                    f"{bank_name}.{index:03d}{GROUP_SEPARATOR}{variant}",
                    text,
                    False,
                    None,
                    None,
                    STORED_STYLE.get(style, style),
                )


def _row(
    example_id: str, text: str, is_complaint: bool, category: str | None, severity: str | None, style: str
) -> dict:
    return {
        "id": example_id,
        "text": text,
        "is_complaint": is_complaint,
        "category": category,
        "severity": severity,
        "style": style,
        "split": split_for_id(example_id),
    }


def build_rows(seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    rows = [*_complaint_rows(rng), *_other_rows(rng)]
    # A separate stream, so adding boundary cores leaves every earlier row (and its split) unchanged.
    rows += _bank_rows(random.Random(seed + BOUNDARY_SEED_OFFSET), BOUNDARY_BANKS, id_prefix="b")
    precision_rng = random.Random(seed + PRECISION_SEED_OFFSET)
    rows += [
        *_other_rows(precision_rng, PRECISION_OTHER_BANKS),
        *_categorised_rows(precision_rng, PRECISION_COMPLAINT_BANKS),
    ]
    texts_seen: set[str] = set()
    unique = []
    for row in rows:
        # Two variants of a short core can come out identical; keep the first.
        if row["text"] not in texts_seen:
            texts_seen.add(row["text"])
            unique.append(row)
    return unique


def render_jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file on disk is out of date")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    content = render_jsonl(build_rows())
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != content:
            print(f"{args.output} is out of date; run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(content, encoding="utf-8")
    rows = content.count("\n")
    print(f"wrote {rows} rows to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
