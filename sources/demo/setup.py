"""Creates the demo organization: four fictional hospitals, their terms, the demo source and a login."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sources.models import Source
from tracking.models import Clinician, Department, HealthSystem, Hospital, Location, TrackedTerm

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "listen-demo-2026"
DEMO_SOURCE_NAME = "Demo data"
# The last couple of hours of the data set arrive live after start-up, like a real feed.
LIVE_TAIL = timedelta(hours=2)

SYSTEM = {"name": "Riverside Health Partners", "slug": "riverside-health", "hospitals": ["riverside"]}

HOSPITALS = [
    {
        "name": "Riverside General Hospital",
        "slug": "riverside",
        "is_own": True,
        "locations": ["Riverside Main Campus", "Riverside North Clinic", "Riverside Urgent Care Eastgate"],
        # (name, kind, location or None for hospital-wide)
        "departments": [
            ("Emergency", "department", "Riverside Main Campus"),
            ("Cardiology", "department", "Riverside Main Campus"),
            ("Maternity", "service_line", None),
        ],
        # (name, specialty, department)
        "clinicians": [
            ("Dr. Amara Okafor", "Cardiology", "Cardiology"),
            ("Dr. Ben Castillo", "Emergency medicine", "Emergency"),
        ],
        # Where a term sits: term text -> (field, name); the demo posts name these places.
        "places": {
            "Riverside ER": ("department", "Emergency"),
            "Riverside General ER": ("department", "Emergency"),
            "Riverside General maternity": ("department", "Maternity"),
            "Riverside North Clinic": ("location", "Riverside North Clinic"),
            "Riverside Urgent Care": ("location", "Riverside Urgent Care Eastgate"),
            "Dr. Amara Okafor": ("clinician", "Dr. Amara Okafor"),
            "Dr. Okafor": ("clinician", "Dr. Amara Okafor"),
            "Dr. Ben Castillo": ("clinician", "Dr. Ben Castillo"),
            "Dr. Castillo": ("clinician", "Dr. Ben Castillo"),
        },
        # (kind, name, query): a blank query looks for the name as a phrase.
        "terms": [
            ("name", "Riverside General Hospital", ""),
            ("nickname", "Riverside General", ""),
            ("nickname", "RGH", ""),
            ("nickname", "Riverside ER", ""),
            ("nickname", "Riverside General ER", ""),
            ("nickname", "Riverside General maternity", ""),
            ("location", "Riverside North Clinic", ""),
            ("location", "Riverside Urgent Care", ""),
            ("doctor", "Dr. Amara Okafor", ""),
            ("doctor", "Dr. Ben Castillo", ""),
            ("doctor", "Dr. Okafor", ""),
            ("doctor", "Dr. Castillo", ""),
            ("campaign", "#RiversideCares", ""),
        ],
    },
    {
        "name": "St. Brigid's Medical Center",
        "slug": "st-brigids",
        "is_own": False,
        "locations": [],
        "terms": [
            ("name", "St. Brigid's Medical Center", ""),
            ("nickname", "St. Brigid's", ""),
            ("nickname", "St Brigids", ""),
            ("nickname", "St Brigid's", ""),
        ],
    },
    {
        "name": "Mercy Valley Hospital",
        "slug": "mercy-valley",
        "is_own": False,
        "locations": [],
        "terms": [
            ("name", "Mercy Valley Hospital", ""),
            (
                "nickname",
                "Mercy Valley",
                '"Mercy Valley" NOT ("Mercy Valley Road" OR "Mercy Valley Hawks" OR "Mercy Valley Rd")',
            ),
            ("nickname", "MVH", ""),
            (
                "nickname",
                "Mercy",
                '"Mercy" NOT ("have mercy" OR "no mercy" OR "mercy on" OR '
                '"Mercy Valley Road" OR "Mercy Valley Hawks")',
            ),
        ],
    },
    {
        "name": "Lakeshore Health",
        "slug": "lakeshore",
        "is_own": False,
        "locations": [],
        "terms": [
            ("name", "Lakeshore Health", '"Lakeshore Health" NOT "Lakeshore Health Club"'),
            ("nickname", "Lakeshore ER", ""),
            ("nickname", "Lakeshore clinic", ""),
            (
                "nickname",
                "Lakeshore",
                '"Lakeshore" NOT ("Lakeshore Drive" OR "Lakeshore Health Club" OR "real estate" OR '
                '"condo" OR "lakefront")',
            ),
        ],
    },
]


def _demo_structure_setup(*, hospital: Hospital, spec: dict) -> dict[str, dict[str, object]]:
    """The hospital's locations, departments and clinicians, by kind and name."""
    places: dict[str, dict[str, object]] = {"location": {}, "department": {}, "clinician": {}}
    for name in spec["locations"]:
        places["location"][name], _ = Location.objects.get_or_create(hospital=hospital, name=name)
    for name, kind, location in spec.get("departments", []):
        places["department"][name], _ = Department.objects.get_or_create(
            hospital=hospital,
            name=name,
            location=places["location"][location] if location else None,
            defaults={"kind": kind},
        )
    for name, specialty, department in spec.get("clinicians", []):
        places["clinician"][name], _ = Clinician.objects.get_or_create(
            hospital=hospital,
            name=name,
            defaults={"department": places["department"][department], "specialty": specialty},
        )
    return places


@transaction.atomic
def demo_setup(*, anchor: datetime | None = None) -> Source:
    """Create (or leave as they are) the demo health system, hospitals with their structure, terms, source
    and user. Safe to run repeatedly.

    Writes HealthSystem, Hospital, Location, Department, Clinician, TrackedTerm, Source and User rows.
    """
    system, _ = HealthSystem.objects.get_or_create(slug=SYSTEM["slug"], defaults={"name": SYSTEM["name"]})
    for spec in HOSPITALS:
        hospital, created = Hospital.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "is_own": spec["is_own"],
                "system": system if spec["slug"] in SYSTEM["hospitals"] else None,
            },
        )
        places = _demo_structure_setup(hospital=hospital, spec=spec)
        for kind, text, query in spec["terms"]:
            term, created = TrackedTerm.objects.get_or_create(
                hospital=hospital, text=text, defaults={"kind": kind, "query": query}
            )
            field, name = spec.get("places", {}).get(text, (None, None))
            # Only a term without a place gets one: an admin's later choice is left alone.
            if field and not (term.location_id or term.department_id or term.clinician_id):
                setattr(term, field, places[field][name])
                term.save(update_fields=[field])
    anchor = anchor or timezone.now() + LIVE_TAIL
    source, _ = Source.objects.get_or_create(
        name=DEMO_SOURCE_NAME,
        defaults={
            "kind": Source.Kind.DEMO,
            "poll_interval_minutes": 1,
            "config": {"anchor": anchor.isoformat()},
        },
    )
    user_model = get_user_model()
    if not user_model.objects.filter(username=DEMO_USERNAME).exists():
        user_model.objects.create_superuser(
            username=DEMO_USERNAME, email="demo@example.org", password=DEMO_PASSWORD, first_name="Demo"
        )
    return source
