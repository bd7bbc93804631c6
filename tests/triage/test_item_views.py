"""The item page's context, case, suggestion and escalation panels, and their actions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from administration import roles
from triage.models import AuditEntry, Escalation, LinkDecision, OnCallContact, QueueItem

from .factories import ComplaintFactory, QueueItemFactory
from .test_item_links import INCIDENT_REDDIT, INCIDENT_X

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_client(client, user_with_role):
    client.force_login(user_with_role(roles.PATIENT_EXPERIENCE, username="pat"))
    return client


@pytest.fixture
def incident(db):
    item = QueueItemFactory(
        mention=ComplaintFactory(
            platform="x",
            text=INCIDENT_X,
            author_handle="jdoe_rgh",
            posted_at=timezone.now() - timedelta(hours=20),
            raw={"id": "1", "referenced_tweets": [{"type": "replied_to", "id": "2054890000000000001"}]},
        )
    )
    reddit = ComplaintFactory(
        platform="reddit", text=INCIDENT_REDDIT, author_handle="jdoe-rgh", hospital=item.mention.hospital
    )
    return item, reddit


def test_the_item_page_shows_the_thread_the_suggestion_and_who_is_on_call(worker_client, incident):
    item, reddit = incident
    OnCallContact.objects.create(name="Dr. Priya Raman", email="oncall@riverside.example")

    page = worker_client.get(f"/queue/{item.pk}/").content.decode()

    assert "https://x.com/i/web/status/2054890000000000001" in page
    assert "same handle @jdoe_rgh on X and u/jdoe-rgh on Reddit" in page
    assert "ward 4b" in page
    assert "On call now: Dr. Priya Raman" in page
    assert 'data-x-limit="280"' in page and "js/reply_composer.js" in page


def test_confirming_from_the_page_links_the_case(worker_client, incident):
    item, reddit = incident
    response = worker_client.post(
        f"/queue/{item.pk}/link-confirm/",
        {"mention": reddit.pk, "score": "0.9", "reasons": ["same handle", "both mention ‘ward 4b’"]},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.case is not None and QueueItem.objects.get(mention=reddit).case == item.case
    assert LinkDecision.objects.get().reasons == ["same handle", "both mention ‘ward 4b’"]
    page = worker_client.get(f"/queue/{item.pk}/").content.decode()
    assert "Take this item out of the case" in page

    worker_client.post(f"/queue/{item.pk}/case-unlink/")
    item.refresh_from_db()
    assert item.case is None
    assert AuditEntry.objects.filter(item=item, action=AuditEntry.Action.CASE_UNLINKED).exists()


def test_rejecting_from_the_page_hides_the_suggestion(worker_client, incident):
    item, reddit = incident
    worker_client.post(f"/queue/{item.pk}/link-reject/", {"mention": reddit.pk, "score": "0.9"})
    page = worker_client.get(f"/queue/{item.pk}/").content.decode()
    assert "u/jdoe-rgh on Reddit" not in page


def test_linking_by_number_refuses_an_unknown_item_with_a_message(worker_client, incident):
    item, _ = incident
    response = worker_client.post(f"/queue/{item.pk}/case-link/", {"other": 999999}, follow=True)
    assert "There is no queue item 999999." in response.content.decode()
    other = QueueItemFactory()
    worker_client.post(f"/queue/{item.pk}/case-link/", {"other": other.pk})
    other.refresh_from_db()
    assert other.case is not None


def test_escalating_from_the_page_records_the_address_of_the_item(worker_client, incident):
    item, _ = incident
    contact = OnCallContact.objects.create(name="Dr. Priya Raman", email="oncall@riverside.example")
    worker_client.post(f"/queue/{item.pk}/escalate/", {"contact": contact.pk, "note": "Family on the phone"})
    escalation = Escalation.objects.get()
    assert escalation.link == f"http://testserver/queue/{item.pk}/"
    assert escalation.escalated_by.username == "pat" and escalation.note == "Family on the phone"


def test_a_marketer_cannot_escalate(client, user_with_role, incident):
    item, _ = incident
    contact = OnCallContact.objects.create(name="A", email="a@x.example")
    client.force_login(user_with_role(roles.MARKETING))
    assert client.post(f"/queue/{item.pk}/escalate/", {"contact": contact.pk}).status_code == 403
    assert not Escalation.objects.exists()
