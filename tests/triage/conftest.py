import pytest

from tests.factories import UserFactory
from tests.triage.factories import TeamFactory


@pytest.fixture
def alice(db):
    """A Patient Experience officer who works the queue."""
    return UserFactory(username="alice", first_name="Alice")


@pytest.fixture
def bob(db):
    """Alice's colleague on the Patient Experience team."""
    return UserFactory(username="bob", first_name="Bob")


@pytest.fixture
def charlie(db):
    """Someone in another department, on no team."""
    return UserFactory(username="charlie", first_name="Charlie")


@pytest.fixture
def patient_experience(alice, bob):
    team = TeamFactory(name="Patient Experience")
    team.members.add(alice, bob)
    return team
