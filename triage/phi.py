"""Checks a public reply draft for protected health information before anyone posts it.

Pure functions, no database. A public reply must not confirm that someone was a patient, nor repeat any
detail of their care, even when they posted it themselves: the poster's own disclosure does not permit
ours (HHS OCR has fined practices for exactly this). docs/replies.md explains each rule with examples.

Findings are "block" (do not post) or "warn" (read again, and rephrase unless you are sure).
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

BLOCK = "block"
WARN = "warn"

_SAFE_REPLY = (
    'Say "We\'re sorry to hear about this experience" and invite them to contact us privately at {contact}.'
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a draft: what kind, how serious, what to do instead, and where (text[start:end])."""

    kind: str
    severity: str
    message: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str
    severity: str
    pattern: re.Pattern
    message: str


def _words(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


_RELATIVE = _words(
    "mother", "mom", "mum", "father", "dad", "son", "daughter", "wife", "husband", "partner", "spouse",
    "brother", "sister", "grandmother", "grandma", "grandfather", "grandpa", "grandson", "granddaughter",
    "aunt", "uncle", "niece", "nephew", "child", "baby", "boy", "girl", "friend", "fianc[ée]e?",
    "loved one", "family member", "relative",
)  # fmt: skip
# Whose care: "your", "your mother's", "his", "her", "their".
_WHOSE = rf"(?:your(?:\s+{_RELATIVE}(?:'s|’s))?|his|her|their)"
_NAME = r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?"
# Capitalised words that start a sentence or a phrase rather than name a person.
_NOT_A_NAME = r"(?!(?:Please|We|Our|Thank|Thanks|The|This|That|I|It|If|You|Your|And|But|So|Hi|Hello)\b)"
_DATE = (
    r"(?:\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}-\d{1,2}-\d{2,4}\b"
    r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\b)"
)
_WHEN = (
    rf"(?:{_DATE}|\b(?i:yesterday|last\s+(?:night|week|weekend|month)|this\s+(?:morning|weekend)"
    r"|(?:on|last)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s+(?:night|morning|afternoon|evening))\b)"
)
_CARE_EVENT = _words(
    "visit", "visited", "appointment", "admitted", "admission", "discharged?", "discharge", "stay", "stayed",
    "surgery", "operation", "procedure", "seen", "treated", "came in", "checked in", "arrived", "brought in",
    "ER", "ED", "emergency", "triage", "transferred",
)  # fmt: skip
_UNIT = (
    r"(?:\b(?:ICU|NICU|PICU|CCU|ER|ED|A&E|L&D)\b|(?i:\b(?:intensive care|emergency (?:department|room)"
    r"|maternity|labou?r and delivery|oncology|cardiology|pediatrics|paediatrics|psychiatric"
    r"|behavioral health"
    r"|surgical|medical|orthopedic|neurology|step-down|recovery|burn)\s+(?:ward|unit|floor|wing)\b"
    r"|\b(?:ward|unit|floor|wing)\s+\d+[A-Z]?\b|\b\d+\s?(?:North|South|East|West)\b))"
)
_CONDITIONS = _words(
    "cancer", "tumou?r", "leukemia", "lymphoma", "diabetes", "diabetic", "(?-i:HIV|AIDS)", "hepatitis",
    "sepsis", "septic", "pneumonia", "COVID(?:-19)?", "stroke", "heart attack", "cardiac arrest",
    "seizures?", "epilepsy", "dementia", "alzheimer'?s", "depression", "anxiety disorder", "bipolar",
    "schizophreni[ac]", "psychosis", "overdose", "addiction", "substance use", "miscarriage", "stillbirth",
    "abortion", "pregnan(?:cy|t)", "c-section", "fracture", "broken (?:hip|leg|arm|wrist|ankle)",
    "concussion", "appendicitis", "(?-i:MRSA|UTI|DVT|STD|STI)", "C\\. ?diff", "infection", "blood clot",
    "pulmonary embolism", "kidney failure", "renal failure", "dialysis", "chemotherapy", "chemo",
    "radiation therapy", "radiotherapy", "transplant", "amputation", "biopsy", "mastectomy",
    "hysterectomy",
)  # fmt: skip
_DRUGS = _words(
    "insulin", "morphine", "oxycodone", "hydrocodone", "fentanyl", "methadone", "buprenorphine",
    "suboxone", "opioids?", "warfarin", "heparin", "eliquis", "apixaban", "metformin", "lithium",
    "antibiotics?", "penicillin", "vancomycin", "amoxicillin", "prednisone", "steroids?",
    "antidepressants?", "sertraline", "xanax", "alprazolam", "lorazepam", "ativan", "benzodiazepines?",
    "tylenol", "acetaminophen", "ibuprofen", "naloxone", "narcan", "epidural", "anesthesia", "anaesthesia",
    "sedation", "sedative", "IV fluids?",
)  # fmt: skip
# "Our cancer center", "the dialysis unit": naming a service is fine; naming a person's condition is not.
_SERVICE_AFTER = (
    r"(?!\s+(?:center|centre|institute|program|programme|unit|department|clinic|services?|team|ward|floor|wing"
    r"|pharmacy|screening|awareness|prevention|control|specialists?|nurses?)\b)"
)
_CLINICAL_EVENT = _words(
    "(?:medication|medical|clinical|surgical|dosing|prescription|nursing|pharmacy) (?:errors?|mistakes?)",
    "(?:a|the|your|his|her|their) fall", "infections?", "misdiagnos[ie]s", "missed diagnosis",
    "wrong (?:dose|dosage|medication|drug|site|patient|leg|arm|side)", "complications?", "injur(?:y|ies)",
    "bed ?sores?", "pressure (?:ulcers?|sores?|injur(?:y|ies))", "(?:allergic )?reactions? to", "overdose",
    "delays? in (?:your |the )?(?:treatment|care|diagnosis|surgery)", "adverse events?", "incidents?",
    "outcomes?", "surgery", "procedure", "medication", "treatment",
)  # fmt: skip


def _rule(kind: str, severity: str, pattern: str, message: str, flags: int = re.IGNORECASE) -> _Rule:
    return _Rule(kind, severity, re.compile(pattern, flags), message)


_RULES: tuple[_Rule, ...] = (
    _rule(
        "patient_name",
        BLOCK,
        rf"\b(?i:your|the|his|her|their)\s+(?i:{_RELATIVE}),?\s+{_NOT_A_NAME}{_NAME}\b",
        "This names a patient or their relative. Never use names of patients or family in a public reply. "
        + _SAFE_REPLY,
        flags=0,
    ),
    _rule(
        "patient_name",
        BLOCK,
        rf"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+{_NAME}(?:'s|’s)|\b(?:patient|resident),?\s+{_NOT_A_NAME}{_NAME}\b"
        rf"|\b(?i:dear|hi|hello)\s+(?:(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+)?{_NOT_A_NAME}{_NAME}\s+{_NAME}\b",
        "This names a person whose care is being discussed. Do not name patients or tie a name to a visit. "
        + _SAFE_REPLY,
        flags=0,
    ),
    _rule(
        "date_of_birth",
        BLOCK,
        r"\b(?:DOB|D\.O\.B\.?|date of birth|birth ?date|born on)\b",
        "This refers to a date of birth, which identifies a patient. Remove it; identity is confirmed only "
        "in a private conversation.",
    ),
    _rule(
        "record_number",
        BLOCK,
        r"\b(?:MRN|medical record (?:number|no\.?|#)|record (?:number|no\.?|#)|(?:patient|member|case|claim"
        r"|policy|encounter|visit|account|acct\.?) ?(?:number|no\.|#|ID\b)|account #?\d|acct\.? ?#?\d)"
        r"|#\s?\d{4,}",
        "This gives a medical record, account, claim or other reference number. Never post identifiers; "
        "ask the person to contact us privately and look the record up there.",
    ),
    _rule(
        "patient_status",
        BLOCK,
        rf"\b(?:when|while|after|before)\s+(?:you|{_WHOSE}\s+\w+|he|she|they)\s+(?:were|was)\s+"
        r"(?:treated|admitted|seen|here|in (?:our|the) (?:care|hospital|ER|ED|emergency)|discharged"
        r"|transferred|hospitali[sz]ed|under our care|with us|a patient)"
        rf"|\b(?:during|throughout|since|after|before)\s+{_WHOSE}\s+(?:recent\s+)?(?:stay|admission|visit"
        r"|hospitali[sz]ation|treatment|time (?:with us|here|in)|appointment|procedure|surgery|discharge"
        r"|care)"
        rf"|\b{_WHOSE}\s+(?:recent\s+)?(?:admission|discharge|hospitali[sz]ation|stay with us|stay in|stay at"
        r"|medical records?|care team)\b"
        r"|\b(?:our|the) records? (?:show|shows|indicate|indicates|confirm|confirms|state|states|say|says)\b"
        r"|\baccording to (?:our|your|the) (?:records|chart|file)\b"
        r"|\bwe (?:have|found|show|see) (?:no )?records? of\b"
        # "How you were treated" is about manners, not care, so it is left alone.
        rf"|\b(?<!how )(?:you|he|she|they|your\s+{_RELATIVE}) (?:were|was) (?:treated|admitted|seen"
        r"|discharged|transferred|examined|operated on|delivered|born here|resuscitated|intubated|sedated)\b"
        r"|\bwe (?:treated|admitted|discharged|saw|operated on|examined) (?:you|him|her|them|your)\b"
        r"|\b(?:who|that) (?:treated|cared for|saw|examined|operated on|discharged|admitted)"
        r" (?:you|him|her|them|your)\b"
        r"|\bas (?:a|our) patient\b|\byou were (?:a|our) patient\b"
        r"|\bwhen you (?:came in|were here|visited us|checked in|arrived)\b",
        "This confirms that the person was a patient. Do not confirm that the person was a patient. "
        + _SAFE_REPLY,
    ),
    _rule(
        "clinical_detail",
        BLOCK,
        rf"\b{_WHOSE}\s+(?:[a-z]+\s+)?(?:diagnosis|prognosis|condition|medications?|prescriptions?|dose|dosage"
        r"|test results|lab results|results|labs|blood ?work|scans?|x-rays?|MRI|CT(?: scan)?|ultrasound"
        r"|surgery|operation|procedure|treatment|therapy|symptoms|pain management|care plan|injur(?:y|ies)"
        r"|illness|delivery|labou?r|birth|recovery|rehab(?:ilitation)?)\b"
        rf"|\b{_CONDITIONS}\b{_SERVICE_AFTER}|\b{_DRUGS}\b{_SERVICE_AFTER}",
        "This discusses a diagnosis, condition, medication or treatment. Never discuss clinical details in "
        "public, even ones the person posted. " + _SAFE_REPLY,
    ),
    _rule(
        "care_date",
        BLOCK,
        rf"{_DATE}(?=[^.!?\n]*\b{_CARE_EVENT}\b)|\b{_CARE_EVENT}\b[^.!?\n]*?{_DATE}"
        rf"|\b{_WHOSE}\s+(?:recent\s+|last\s+)?(?:visit|appointment|stay|admission|surgery|procedure)\b"
        rf"[^.!?\n]*?{_WHEN}",
        "This ties a date to someone's care (a visit, admission or procedure), which is identifying. "
        "Remove the date and take the details into a private conversation.",
    ),
    _rule(
        "clinical_apology",
        WARN,
        rf"\b(?:sorry|apologi[sz]e|apologies|regret)\b[^.!?\n]*?\b{_CLINICAL_EVENT}\b",
        "This apologises for a specific clinical event, which confirms it happened and that they were in our "
        "care. Apologise for the experience, not the event, and offer a private conversation.",
    ),
    _rule(
        "person_name",
        WARN,
        rf"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+{_NAME}\b(?!'s|’s)",
        "This names someone. If it is a patient or relative, remove it; if it is a staff contact, make sure "
        "the reply does not link them to the person's care.",
        flags=0,
    ),
    _rule(
        "chart_review",
        WARN,
        r"\b(?:review(?:ed|ing)?|look(?:ed|ing)? (?:at|into|over)|check(?:ed|ing)?|pull(?:ed|ing)? up|went "
        r"(?:through|over)|examin(?:ed|ing)|audit(?:ed|ing)?)\s+(?:your|his|her|their|the)"
        r" (?:chart|file|records?|notes|medical (?:record|notes|file)|case|account)\b",
        "This says we looked at their chart or records, which confirms they were a patient. Say instead that "
        "we'd like to learn more, and invite them to contact us privately.",
    ),
    _rule(
        "visit_reference",
        WARN,
        r"\b(?:your|his|their)\s+(?:recent\s+|last\s+)?(?:visit|appointment|time with us"
        r"|experience with (?:our|the) (?:doctor|nurse|surgeon|care team)"
        r"|(?:doctor|nurse|nurses|surgeon|physician|provider|care team)(?:'s)?)\b",
        "This refers to their visit, appointment or clinician, which comes close to confirming they were a "
        'patient. Prefer "your experience" or "what you describe".',
    ),
    _rule(
        "unit_with_date",
        WARN,
        rf"{_UNIT}(?=[^.!?\n]*{_WHEN})|{_WHEN}(?=[^.!?\n]*{_UNIT})",
        "This names a ward or unit together with a date or time, which can identify the patient involved. "
        "Leave out either the unit or the date.",
        flags=0,
    ),
)

_PHONE = re.compile(r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])?\d{3}[\s.-]\d{4}(?!\d)")
_EMAIL = re.compile(r"\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b")
_LONG_NUMBER = re.compile(r"(?<![\w./-])\d{6,}(?![\w/-])")


def _digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def _is_hospital_phone(found: str, hospital_phones: Iterable[str]) -> bool:
    """Same number, allowing a missing area code on either side ("555-0100" and "(555) 555-0100")."""
    number = _digits(found)
    for phone in hospital_phones:
        known = _digits(phone)
        shorter, longer = sorted((number, known), key=len)
        if len(shorter) >= 7 and longer.endswith(shorter):
            return True
    return False


def _is_hospital_email(found: str, hospital_emails: Iterable[str], hospital_domains: Iterable[str]) -> bool:
    address = found.lower()
    domain = address.rsplit("@", 1)[1]
    if address in {email.lower() for email in hospital_emails}:
        return True
    return any(
        domain == d.lower().lstrip("@") or domain.endswith("." + d.lower().lstrip("@"))
        for d in hospital_domains
    )


def _contact(hospital_phones: Sequence[str], hospital_emails: Sequence[str]) -> str:
    parts = [hospital_phones[0]] if hospital_phones else []
    parts += [hospital_emails[0]] if hospital_emails else []
    return " or ".join(parts) or "the Patient Experience phone number or email"


def _contact_findings(
    text: str, hospital_phones: Sequence[str], hospital_emails: Sequence[str], hospital_domains: Sequence[str]
) -> list[Finding]:
    findings = []
    phone_spans = []
    for match in _PHONE.finditer(text):
        phone_spans.append(match.span())
        if not _is_hospital_phone(match.group(), hospital_phones):
            findings.append(
                Finding(
                    "phone",
                    BLOCK,
                    f"“{match.group()}” is not one of the hospital's published numbers. Never post a "
                    "personal or direct number; give the Patient Experience line instead (if this is a "
                    "hospital number, add it to the hospital's contact details).",
                    *match.span(),
                )
            )
    for match in _EMAIL.finditer(text):
        if not _is_hospital_email(match.group(), hospital_emails, hospital_domains):
            findings.append(
                Finding(
                    "email",
                    BLOCK,
                    f"“{match.group()}” is not a hospital address. Never post a personal or outside email; "
                    "give the Patient Experience address instead.",
                    *match.span(),
                )
            )
    for match in _LONG_NUMBER.finditer(text):
        if not any(start <= match.start() < end for start, end in phone_spans):
            findings.append(
                Finding(
                    "record_number",
                    BLOCK,
                    "This long number looks like a record, account or claim number. Never post identifiers; "
                    "look the record up in a private conversation.",
                    *match.span(),
                )
            )
    return findings


def check_reply_draft(
    text: str,
    *,
    hospital_phones: Sequence[str] = (),
    hospital_emails: Sequence[str] = (),
    hospital_domains: Sequence[str] = (),
) -> list[Finding]:
    """Findings for a public reply draft, in the order they appear; an empty list means nothing was found.

    Phone numbers and emails are allowed only when they are the hospital's (given here). The check catches
    common patterns, not every possible disclosure: a person still reads the reply before it goes out.
    """
    contact = _contact(hospital_phones, hospital_emails)
    findings = _contact_findings(text, hospital_phones, hospital_emails, hospital_domains)
    for rule in _RULES:
        message = rule.message.format(contact=contact)
        for match in rule.pattern.finditer(text):
            findings.append(Finding(rule.kind, rule.severity, message, *match.span()))
    return _without_overlapping_repeats(findings)


def _without_overlapping_repeats(findings: list[Finding]) -> list[Finding]:
    """One finding per kind for overlapping spans (two patterns of one rule can match the same words)."""
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start, -(f.end - f.start))):
        if not any(k.kind == finding.kind and k.start < finding.end and finding.start < k.end for k in kept):
            kept.append(finding)
    return kept


def has_blocking(findings: Iterable[Finding]) -> bool:
    return any(finding.severity == BLOCK for finding in findings)


def suggest_private_channel(findings: Sequence[Finding], *, phone: str = "", email: str = "") -> str:
    """A safe reply to offer instead of a draft with findings (empty when there are none): it acknowledges
    the experience without confirming care and moves the conversation to a private channel."""
    if not findings:
        return ""
    contact = " or ".join(part for part in (phone, email) if part) or "[Patient Experience phone or email]"
    return (
        "We're sorry to hear about this experience. We take concerns like this seriously, and because "
        "we respect everyone's privacy we can't discuss details here. Please contact our Patient "
        f"Experience team privately at {contact} so we can look into it."
    )
