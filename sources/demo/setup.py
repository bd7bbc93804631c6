"""Creates the demo organization: four fictional hospitals, their terms, the demo source and a login."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sources.models import Source
from tracking.models import Hospital, Location, TrackedTerm

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "listen-demo-2026"
DEMO_SOURCE_NAME = "Demo data"
# The last couple of hours of the data set arrive live after start-up, like a real feed.
LIVE_TAIL = timedelta(hours=2)

HOSPITALS = [
    {
        "name": "Riverside General Hospital",
        "slug": "riverside",
        "is_own": True,
        "locations": ["Riverside North Clinic", "Riverside Urgent Care Eastgate"],
        # (kind, name, query): a blank query looks for the name as a phrase.
        "terms": [
            ("name", "Riverside General Hospital", ""),
            ("nickname", "Riverside General", ""),
            ("nickname", "RGH", ""),
            ("nickname", "Riverside ER", ""),
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


@transaction.atomic
def demo_setup(*, anchor: datetime | None = None) -> Source:
    """Create (or leave as they are) the demo hospitals, terms, source and user. Safe to run repeatedly.

    Writes Hospital, Location, TrackedTerm, Source and User rows.
    """
    for spec in HOSPITALS:
        hospital, _ = Hospital.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "is_own": spec["is_own"]}
        )
        for location_name in spec["locations"]:
            Location.objects.get_or_create(hospital=hospital, name=location_name)
        for kind, text, query in spec["terms"]:
            TrackedTerm.objects.get_or_create(
                hospital=hospital, text=text, defaults={"kind": kind, "query": query}
            )
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
