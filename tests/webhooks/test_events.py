"""Events come from the real services, once each, only after the change is committed."""

import pytest
import responses
from django.db import transaction
from django.utils import timezone

from clusters.services import clusters_assign, clusters_detect_emerging
from sources.connectors.base import SentReply
from tests.clusters.conftest import PARKING, story
from tests.triage.factories import ComplaintFactory, NoteFactory, QueueItemFactory
from triage.models import Reply, Status
from triage.services import (
    TransitionError,
    queue_item_correct,
    queue_item_transition,
    queue_items_bulk_dismiss,
    queue_items_sync,
)
from triage.services.replies import _record_sent
from webhooks.models import Delivery, Event


@pytest.fixture
def subscribed(make_endpoint):
    """An endpoint for every event."""
    endpoint, _ = make_endpoint(events=list(Event.values))
    return endpoint


def _events() -> list[str]:
    return list(Delivery.objects.order_by("id").values_list("event", flat=True))


def test_a_status_change_emits_exactly_one_event_after_commit(subscribed, django_capture_on_commit_callbacks):
    item = QueueItemFactory()
    NoteFactory(item=item, text="Patient is Jane Doe, DOB 1980-02-03")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_item_transition(item=item, user=None, status=Status.IN_PROGRESS)
        assert Delivery.objects.count() == 0  # Nothing before the commit.
    for callback in callbacks:
        callback()

    (delivery,) = Delivery.objects.all()
    data = delivery.payload["data"]
    assert delivery.event == Event.STATUS_CHANGED
    assert (data["previous_status"], data["queue_item"]["status"]) == ("new", "in_progress")
    assert data["mention"]["id"] == item.mention_id
    assert "Jane Doe" not in str(delivery.payload)  # Notes never leave the building.


def test_a_rolled_back_status_change_emits_nothing(subscribed, django_capture_on_commit_callbacks):
    item = QueueItemFactory()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_item_transition(item=item, user=None, status=Status.IN_PROGRESS)
        raise RuntimeError("something later in the same transaction failed")

    assert Delivery.objects.count() == 0


def test_a_refused_transition_emits_nothing(subscribed, django_capture_on_commit_callbacks):
    item = QueueItemFactory()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError):
        queue_item_transition(item=item, user=None, status=Status.DISMISSED, reason="")
    assert Delivery.objects.count() == 0


def test_new_complaints_emit_new_and_critical_events(subscribed, django_capture_on_commit_callbacks):
    medium = ComplaintFactory(severity="medium")
    critical = ComplaintFactory(severity="critical", category="safety")

    with django_capture_on_commit_callbacks(execute=True):
        queue_items_sync(mention_ids=[medium.pk, critical.pk])

    deliveries = Delivery.objects.order_by("id")
    new = [d.payload["data"]["mention"]["id"] for d in deliveries if d.event == Event.COMPLAINT_NEW]
    urgent = [d.payload["data"]["mention"]["id"] for d in deliveries if d.event == Event.COMPLAINT_CRITICAL]
    assert sorted(new) == sorted([medium.pk, critical.pk]) and urgent == [critical.pk]


def test_a_correction_to_critical_emits_a_critical_event(
    subscribed, django_capture_on_commit_callbacks, user_with_role
):
    item = QueueItemFactory()
    with django_capture_on_commit_callbacks(execute=True):
        queue_item_correct(
            item=item, user=user_with_role("Admin"), is_complaint=True, category="safety", severity="critical"
        )
    assert _events() == [Event.COMPLAINT_CRITICAL]


def test_a_bulk_dismiss_emits_one_event_per_item(subscribed, django_capture_on_commit_callbacks):
    items = [QueueItemFactory(), QueueItemFactory()]
    with django_capture_on_commit_callbacks(execute=True):
        queue_items_bulk_dismiss(items=items, user=None, reason="spam")
    assert _events() == [Event.STATUS_CHANGED] * 2


def test_a_sent_reply_emits_reply_sent_and_the_status_changes(subscribed, django_capture_on_commit_callbacks):
    item = QueueItemFactory()
    reply = Reply.objects.create(item=item, text="Please call us on 555-0100.", status=Reply.Status.SENDING)

    with django_capture_on_commit_callbacks(execute=True):
        _record_sent(
            reply.pk, sent=SentReply(platform_reply_id="99", url="https://x.com/r/99"), now=timezone.now()
        )

    assert sorted(_events()) == sorted([Event.STATUS_CHANGED, Event.STATUS_CHANGED, Event.REPLY_SENT])
    sent = Delivery.objects.get(event=Event.REPLY_SENT).payload["data"]
    assert sent["reply"]["platform_reply_url"] == "https://x.com/r/99"


@responses.activate
def test_an_emerging_cluster_emits_once_per_episode(
    subscribed,
    complaint,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.ALERT_EMAILS, settings.ALERT_WEBHOOK_URL = [], ""
    steady = [7 + 7 * week + 7 * (n + 0.5) / 2 for week in range(8) for n in range(2)]
    wave = [0.3 + n * 0.5 for n in range(12)]
    mentions = [complaint(story(PARKING, n), days_ago=age) for n, age in enumerate(steady + wave)]
    clusters_assign(mention_ids=[m.pk for m in mentions])

    with django_capture_on_commit_callbacks(execute=True):
        first = clusters_detect_emerging(now=timezone.now())
        clusters_detect_emerging(now=timezone.now())

    (delivery,) = Delivery.objects.filter(event=Event.CLUSTER_EMERGING)
    cluster = delivery.payload["data"]["cluster"]
    assert [cluster["id"]] == first.notified and cluster["complaints_last_7_days"] >= 12
