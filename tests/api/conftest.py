import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from administration import roles
from api.services import integration_token_create
from tests.triage.factories import ComplaintFactory
from triage.services import queue_item_ensure


def role_group(role: str) -> Group:
    group = Group.objects.filter(name=role).first()
    if group is None:
        # A transactional test empties every table; put the roles back as the migrations made them.
        roles.role_groups_sync()
        group = Group.objects.get(name=role)
    return group


@pytest.fixture
def make_token(db):
    """make_token(role, scope="read") -> the token string, for an integration of that role."""

    def make(role: str, scope: str = "read", name: str | None = None) -> str:
        return integration_token_create(
            actor=None, name=name or f"{role} system", role=role_group(role), scope=scope
        ).token

    return make


@pytest.fixture
def api_client():
    """api_client(token) -> a client that sends the token; api_client(None) sends none."""

    def make(token: str | None) -> APIClient:
        client = APIClient()
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture
def px_writer(make_token, api_client):
    """A read-write client of the Patient experience role, the one that works the queue."""
    return api_client(make_token(roles.PATIENT_EXPERIENCE, "read_write"))


@pytest.fixture
def queue_item(db):
    return queue_item_ensure(mention=ComplaintFactory(text="Waited six hours in the ER at Riverside"))


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    """Tests make many calls with one token; the throttling tests set their own limit."""
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"integration": "100000/min"}
    }
