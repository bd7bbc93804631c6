"""The item page shows the case in the hospital's own system, linked only when the link is http(s)."""

import re

import pytest
from rest_framework.test import APIClient

from administration import roles
from api.services import integration_token_create
from tests.api.conftest import role_group
from triage.models import QueueItem

from .factories import QueueItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_client(client, user_with_role):
    client.force_login(user_with_role(roles.PATIENT_EXPERIENCE, username="pat"))
    return client


@pytest.fixture
def crm():
    """The CRM's API client (a read-write Patient experience token), as the integration links cases."""
    token = integration_token_create(
        actor=None, name="CRM", role=role_group(roles.PATIENT_EXPERIENCE), scope="read_write"
    ).token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _external_case(page: str) -> str:
    [cell] = re.findall(r'<dd class="external-case">(.*?)</dd>', page, re.S)
    return cell


def test_a_case_linked_through_the_api_shows_as_a_link_that_opens_safely(worker_client, crm):
    item = QueueItemFactory()
    response = crm.put(
        f"/api/v1/queue-items/{item.pk}/external-case/",
        {"case_id": "SF-00123", "url": "https://crm.example.org/cases/00123?tab=notes&x=1"},
        format="json",
    )
    assert response.status_code == 200

    cell = _external_case(worker_client.get(f"/queue/{item.pk}/").content.decode())
    assert cell == (
        '<a href="https://crm.example.org/cases/00123?tab=notes&amp;x=1" target="_blank" '
        'rel="noopener noreferrer">SF-00123 ↗</a>'
    )


def test_a_stored_javascript_url_is_never_linked(worker_client):
    # Only the API's checked write sets it normally; a row written another way (the Django admin, a
    # restore) must still not turn into a script link.
    item = QueueItemFactory(external_case_id="SF-9", external_case_url=" JavaScript:alert(document.cookie)")
    page = worker_client.get(f"/queue/{item.pk}/").content.decode()
    assert _external_case(page) == "SF-9"
    assert "javascript:" not in page.lower()


def test_without_a_case_there_is_no_external_case_row(worker_client):
    item = QueueItemFactory()
    assert 'class="external-case"' not in worker_client.get(f"/queue/{item.pk}/").content.decode()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://crm.example.org/cases/1", "data:text/html,<script>1</script>"]
)
def test_the_api_refuses_a_case_link_that_is_not_http(crm, url):
    item = QueueItemFactory()
    response = crm.put(
        f"/api/v1/queue-items/{item.pk}/external-case/", {"case_id": "SF-1", "url": url}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["url"]
    assert QueueItem.objects.get(pk=item.pk).external_case_url == ""
