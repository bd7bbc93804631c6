import gzip
import json

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from administration import roles
from sources.connectors.demo import load_posts
from sources.models import Source
from tests.factories import HospitalFactory, SourceFactory, TrackedTermFactory, UserFactory, demo_post


@pytest.fixture
def user_with_role(db):
    """Makes a user holding one role (a group created by the roles migration): user_with_role(roles.ADMIN),
    or gives an existing user one more: user_with_role(roles.REPLY_APPROVER, user=bob). Admins are also
    staff, as the users page makes them. role=None makes a signed-up user with no role."""

    def make(role: str | None, *, user=None, **fields):
        user = user or UserFactory(**fields)
        if role is None:
            return user
        group = Group.objects.filter(name=role).first()
        if group is None:
            # A transactional test empties every table; put the roles back as the migration made them.
            roles.role_groups_sync()
            group = Group.objects.get(name=role)
        user.groups.add(group)
        if role == roles.ADMIN and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        return user

    return make


@pytest.fixture
def marketer(user_with_role):
    """A signed-in member of the marketing team."""
    return user_with_role(roles.MARKETING, username="alice", first_name="Alice")


@pytest.fixture
def marketer_client(client, marketer):
    client.force_login(marketer)
    return client


@pytest.fixture
def hospitals(db):
    """The customer's hospital and a competitor, with the names people use for them."""
    riverside = HospitalFactory(name="Riverside General Hospital", slug="riverside", is_own=True)
    mercy = HospitalFactory(name="Mercy Valley Hospital", slug="mercy-valley")
    TrackedTermFactory(hospital=riverside, text="Riverside General")
    TrackedTermFactory(hospital=riverside, text="RGH", kind="nickname")
    TrackedTermFactory(hospital=mercy, text="Mercy Valley")
    TrackedTermFactory(
        hospital=mercy, text="Mercy", kind="nickname", query='"Mercy" NOT ("have mercy" OR "no mercy")'
    )
    return {"riverside": riverside, "mercy": mercy}


@pytest.fixture
def write_dataset(tmp_path):
    """Writes posts as a gzipped JSON Lines data set, oldest first, and returns its path."""

    def write(posts: list[dict]):
        path = tmp_path / "posts.jsonl.gz"
        ordered = sorted(posts, key=lambda post: post["age_seconds"], reverse=True)
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            for post in ordered:
                handle.write(json.dumps(post) + "\n")
        return path

    return write


@pytest.fixture
def demo_source(db, hospitals, write_dataset):
    """A demo source replaying six posts: four about the hospitals, one excluded, one unrelated."""
    path = write_dataset(
        [
            demo_post(1, "Waited 6 hours at Riverside General ER. Nobody told us anything.", age_hours=50),
            demo_post(2, "Thank you to the nurses at RGH, amazing care!", age_hours=40),
            demo_post(3, "Mercy Valley billed me twice for one visit", age_hours=30, platform="reddit"),
            demo_post(4, "Lord have mercy, this exam was hard", age_hours=20),
            demo_post(5, "Parking at Riverside General is $30 a day now", age_hours=10),
            demo_post(6, "Mercy Valley and Riverside General need staff", age_hours=5, platform="news"),
        ]
    )
    anchor = timezone.now()
    return SourceFactory(
        name="Demo data",
        kind=Source.Kind.DEMO,
        config={"anchor": anchor.isoformat(), "dataset_path": str(path)},
        poll_interval_minutes=1,
    )


@pytest.fixture(autouse=True)
def _fresh_demo_cache():
    """The demo data set is cached per path; tests write their own, so start each one empty."""
    load_posts.cache_clear()
    yield
    load_posts.cache_clear()
