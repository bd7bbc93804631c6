import pytest
from django.db import connection

# The cluster fixtures (and the fake embedder) for the emerging-cluster event.
from tests.clusters.conftest import complaint, fake_embedder, riverside  # noqa: F401
from webhooks.models import Event
from webhooks.services import endpoint_create

RECEIVER = "https://crm.example.org/hooks/hospitallisten"


@pytest.fixture
def make_endpoint(db):
    """Registers an endpoint through the service (as the page does); returns (endpoint, secret)."""

    def make(*, events=(Event.STATUS_CHANGED,), url=RECEIVER, user=None, **filters):
        return endpoint_create(user=user, name="CRM", url=url, events=list(events), **filters)

    return make


def stored_secret(endpoint) -> str:
    """The signing secret's column as stored, read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_endpoint WHERE id = %s", [endpoint.pk])
        return cursor.fetchone()[0]
