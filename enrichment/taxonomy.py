"""The complaint taxonomy: categories, severities and their HCAT domains, defined once.

Categories follow the Healthcare Complaints Analysis Tool (HCAT; Gillespie & Reader 2016, BMJ Quality &
Safety), which sorts complaints into three domains: clinical (quality, safety), management (environment,
institutional processes) and relationships (listening, communication, respect and patient rights).
docs/taxonomy.md explains each category with examples; keep it in step with this module.
"""

from dataclasses import dataclass

from django.db import models


class HcatDomain(models.TextChoices):
    CLINICAL = "clinical", "Clinical"
    MANAGEMENT = "management", "Management"
    RELATIONSHIPS = "relationships", "Relationships"


class Category(models.TextChoices):
    CLINICAL_QUALITY = "clinical_quality", "Clinical quality"
    SAFETY = "safety", "Safety"
    WAIT_TIMES = "wait_times", "Wait times"
    APPOINTMENTS_ACCESS = "appointments_access", "Appointments and access"
    BILLING_INSURANCE = "billing_insurance", "Billing and insurance"
    ADMISSION_DISCHARGE = "admission_discharge", "Admission and discharge"
    FACILITIES_ENVIRONMENT = "facilities_environment", "Facilities and environment"
    COMMUNICATION = "communication", "Communication"
    STAFF_ATTITUDE = "staff_attitude", "Staff attitude"
    PRIVACY_RIGHTS = "privacy_rights", "Privacy and patient rights"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


# Ordinal rank so severities can be compared and combined (a rule can only raise a severity).
SEVERITY_RANK: dict[str, int] = {
    Severity.LOW: 0,
    Severity.MEDIUM: 1,
    Severity.HIGH: 2,
    Severity.CRITICAL: 3,
}

SEVERITY_DESCRIPTIONS: dict[str, str] = {
    Severity.LOW: "Inconvenience with no effect on care: parking, food, noise, a confusing bill, "
    "a short delay.",
    Severity.MEDIUM: "Distress or a real delay to care without harm: long waits, cancellations, rudeness, "
    "poor information.",
    Severity.HIGH: "Harm or a real risk of harm, or a serious failure: medication errors, falls, unsafe "
    "discharge, untreated pain, privacy breaches, discrimination.",
    Severity.CRITICAL: "Death, serious or permanent harm, abuse or assault, wrong-site surgery, overdose, "
    "self-harm or suicide risk, or a legal or media threat. Must reach a person fast.",
}


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    category: Category
    description: str
    hcat_domain: HcatDomain
    hcat_category: str
    default_severity: Severity
    # 1 is handled first; the triage queue sorts by (severity desc, priority asc).
    priority: int

    @property
    def label(self) -> str:
        return str(self.category.label)


CATEGORY_INFO: dict[str, CategoryInfo] = {
    info.category.value: info
    for info in (
        CategoryInfo(
            category=Category.SAFETY,
            description="An error or incident that harmed or endangered a patient: wrong drug or dose, "
            "wrong-site surgery, falls, infections from poor hygiene, missed deterioration, neglect, "
            "abuse, unsafe staffing.",
            hcat_domain=HcatDomain.CLINICAL,
            hcat_category="Safety",
            default_severity=Severity.HIGH,
            priority=1,
        ),
        CategoryInfo(
            category=Category.CLINICAL_QUALITY,
            description="Diagnosis or treatment judged poor: symptoms dismissed, missed or wrong "
            "diagnosis, rushed examinations, pain not managed, poor nursing care, a bad outcome.",
            hcat_domain=HcatDomain.CLINICAL,
            hcat_category="Quality",
            default_severity=Severity.MEDIUM,
            priority=2,
        ),
        CategoryInfo(
            category=Category.PRIVACY_RIGHTS,
            description="Dignity, confidentiality, consent and rights: records shared, being discussed in "
            "public, no curtains or chaperone, treatment without consent, discrimination.",
            hcat_domain=HcatDomain.RELATIONSHIPS,
            hcat_category="Respect and patient rights",
            default_severity=Severity.MEDIUM,
            priority=3,
        ),
        CategoryInfo(
            category=Category.ADMISSION_DISCHARGE,
            description="Getting in and getting out: no bed, admission refused or delayed, sent home too "
            "early, discharge delayed for hours, missing discharge medication or paperwork, transfers.",
            hcat_domain=HcatDomain.MANAGEMENT,
            hcat_category="Institutional processes",
            default_severity=Severity.MEDIUM,
            priority=4,
        ),
        CategoryInfo(
            category=Category.STAFF_ATTITUDE,
            description="How staff behaved: rude, dismissive, uncaring, mocking, impatient, unprofessional.",
            hcat_domain=HcatDomain.RELATIONSHIPS,
            hcat_category="Respect and patient rights",
            default_severity=Severity.MEDIUM,
            priority=5,
        ),
        CategoryInfo(
            category=Category.COMMUNICATION,
            description="Information and listening: not told what is happening, conflicting or wrong "
            "information, results not explained, letters never sent, family not updated, not listened to.",
            hcat_domain=HcatDomain.RELATIONSHIPS,
            hcat_category="Communication and listening",
            default_severity=Severity.MEDIUM,
            priority=6,
        ),
        CategoryInfo(
            category=Category.WAIT_TIMES,
            description="Delays: hours in A&E or the waiting room, waiting lists for surgery or a "
            "specialist, slow results, late ambulances.",
            hcat_domain=HcatDomain.MANAGEMENT,
            hcat_category="Institutional processes",
            default_severity=Severity.MEDIUM,
            priority=7,
        ),
        CategoryInfo(
            category=Category.APPOINTMENTS_ACCESS,
            description="Getting seen at all: phone lines never answered, no appointments, cancellations, "
            "lost referrals, booking systems, opening hours, interpreters and access needs.",
            hcat_domain=HcatDomain.MANAGEMENT,
            hcat_category="Institutional processes",
            default_severity=Severity.LOW,
            priority=8,
        ),
        CategoryInfo(
            category=Category.BILLING_INSURANCE,
            description="Money: surprise bills, wrong charges, insurance denials, copays, refunds, "
            "private fees.",
            hcat_domain=HcatDomain.MANAGEMENT,
            hcat_category="Institutional processes",
            default_severity=Severity.LOW,
            priority=9,
        ),
        CategoryInfo(
            category=Category.FACILITIES_ENVIRONMENT,
            description="The place: cleanliness, noise, food and drink, temperature, broken equipment, "
            "signage, parking and parking charges.",
            hcat_domain=HcatDomain.MANAGEMENT,
            hcat_category="Environment",
            default_severity=Severity.LOW,
            priority=10,
        ),
    )
}

# Queue order for equal severities: safety first, parking (facilities) last.
CATEGORY_PRIORITY: list[str] = sorted(CATEGORY_INFO, key=lambda value: CATEGORY_INFO[value].priority)


def category_info(category: str) -> CategoryInfo:
    """Look a category up by its value; raises KeyError for an unknown one."""
    return CATEGORY_INFO[category]


def triage_sort_key(*, severity: str | None, category: str | None) -> tuple[int, int]:
    """Sort key for the triage queue: most severe first, then by category priority; non-complaints last."""
    severity_part = -SEVERITY_RANK[severity] if severity else 1
    priority_part = CATEGORY_INFO[category].priority if category else len(CATEGORY_INFO) + 1
    return severity_part, priority_part


def max_severity(*severities: str | None) -> str | None:
    """The most severe of the given severities (None entries ignored)."""
    present = [severity for severity in severities if severity]
    return max(present, key=SEVERITY_RANK.__getitem__) if present else None
