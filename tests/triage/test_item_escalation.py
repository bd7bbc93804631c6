"""Escalation to the on-call contact: email and webhook once per item per contact, audited, automatic for
critical complaints."""

import json
from datetime import timedelta

import pytest
import responses
from django.core import mail
from django.utils import timezone

from triage.models import AuditEntry, Escalation, OnCallContact
from triage.services import queue_items_sync
from triage.services.escalation import escalation_notify, oncall_contacts_current, queue_item_escalate
from triage.tasks import escalation_notify_task

from .factories import ComplaintFactory, QueueItemFactory

pytestmark = pytest.mark.django_db

WEBHOOK = "https://hooks.slack.example/services/T000/B000/oncall-test"


@pytest.fixture
def on_call(db):
    return OnCallContact.objects.create(
        name="Dr. Priya Raman", email="oncall@riverside.example", webhook_url=WEBHOOK
    )


@pytest.fixture
def critical_item(db):
    return QueueItemFactory(
        mention=ComplaintFactory(
            severity="critical",
            category="safety",
            author_handle="jdoe_rgh",
            text="Nurse on ward 4B gave my dad the wrong medication and nobody will tell us anything.",
        )
    )


@pytest.fixture
def http():
    with responses.RequestsMock() as mock:
        yield mock


def actions(item) -> list[str]:
    return list(AuditEntry.objects.filter(item=item).order_by("id").values_list("action", flat=True))


def test_escalating_notifies_the_contact_once_by_email_and_webhook(
    http, on_call, critical_item, alice, django_capture_on_commit_callbacks
):
    http.post(WEBHOOK, body="ok")
    with django_capture_on_commit_callbacks() as callbacks:
        escalation, created = queue_item_escalate(
            item=critical_item,
            contact=on_call,
            user=alice,
            note="Family is calling the ward",
            link="https://x/q/1/",
        )
        again, created_again = queue_item_escalate(item=critical_item, contact=on_call, user=alice)
    assert created and not created_again and again == escalation
    assert len(callbacks) == 1, "the second click enqueues nothing"
    escalation_notify_task.apply(args=[escalation.pk])
    # A redelivered task finds it done.
    escalation_notify_task.apply(args=[escalation.pk])

    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.SENT
    assert escalation.email_sent_at and escalation.webhook_sent_at
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["oncall@riverside.example"]
    assert "wrong medication" in mail.outbox[0].body and "Family is calling the ward" in mail.outbox[0].body
    assert "https://x/q/1/" in mail.outbox[0].body
    assert len(http.calls) == 1
    assert "escalated to you by alice" in json.loads(http.calls[0].request.body)["text"]
    assert actions(critical_item) == [AuditEntry.Action.ESCALATED, AuditEntry.Action.ESCALATION_SENT]
    escalated = AuditEntry.objects.get(item=critical_item, action=AuditEntry.Action.ESCALATED)
    assert escalated.actor == alice and escalated.after["contact"] == "Dr. Priya Raman"


def test_a_failing_webhook_is_retried_without_emailing_again(http, on_call, critical_item, alice):
    http.post(WEBHOOK, status=503, body="upstream unavailable")
    http.post(WEBHOOK, body="ok")
    escalation, _ = queue_item_escalate(item=critical_item, contact=on_call, user=alice)

    with pytest.raises(Exception, match="503"):
        escalation_notify(escalation_id=escalation.pk)
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.PENDING and escalation.claimed_until is None
    assert escalation.email_sent_at and not escalation.webhook_sent_at

    escalation = escalation_notify(escalation_id=escalation.pk)
    assert escalation.status == Escalation.Status.SENT and escalation.attempts == 2
    assert len(mail.outbox) == 1 and len(http.calls) == 2


def test_a_webhook_refusing_the_address_fails_the_escalation_for_good(http, on_call, critical_item, alice):
    http.post(WEBHOOK, status=404, body="no_service")
    escalation, _ = queue_item_escalate(item=critical_item, contact=on_call, user=alice)

    escalation_notify_task.apply(args=[escalation.pk])

    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.FAILED and "404" in escalation.error
    assert len(http.calls) == 1 and len(mail.outbox) == 1
    failed = AuditEntry.objects.get(item=critical_item, action=AuditEntry.Action.ESCALATION_FAILED)
    assert failed.after["email_sent"] is True and failed.after["webhook_sent"] is False


def test_the_task_gives_up_after_its_retries(http, on_call, critical_item, alice):
    for _ in range(6):
        http.post(WEBHOOK, status=500, body="oops")
    escalation, _ = queue_item_escalate(item=critical_item, contact=on_call, user=alice)

    escalation_notify_task.apply(args=[escalation.pk])

    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.FAILED and escalation.attempts == 6
    assert len(mail.outbox) == 1


def test_critical_complaints_joining_the_queue_are_escalated_to_everyone_on_call(
    http, on_call, django_capture_on_commit_callbacks
):
    http.post(WEBHOOK, body="ok")
    OnCallContact.objects.create(name="Off duty", email="off@riverside.example", on_call=False)
    OnCallContact.objects.create(
        name="Next week", email="next@riverside.example", on_call_from=timezone.now() + timedelta(days=7)
    )
    critical = ComplaintFactory(severity="critical", hospital__is_own=True)
    medium = ComplaintFactory(severity="medium", hospital=critical.hospital)

    with django_capture_on_commit_callbacks():
        assert queue_items_sync(mention_ids=[critical.pk, medium.pk]) == 2
    escalation = Escalation.objects.get()
    escalation_notify_task.apply(args=[escalation.pk])

    escalation.refresh_from_db()
    assert escalation.item.mention == critical and escalation.automatic and escalation.escalated_by is None
    assert escalation.contact == on_call and escalation.status == Escalation.Status.SENT
    assert [m.to for m in mail.outbox] == [["oncall@riverside.example"]]
    assert "automatically (critical)" in mail.outbox[0].body


def test_automatic_escalation_can_be_switched_off(on_call, settings):
    settings.ONCALL_AUTO_ESCALATE_CRITICAL = False
    critical = ComplaintFactory(severity="critical", hospital__is_own=True)
    queue_items_sync(mention_ids=[critical.pk])
    assert not Escalation.objects.exists()


def test_a_person_can_escalate_an_item_that_is_not_critical(on_call, alice):
    on_call.webhook_url = ""
    on_call.save()
    item = QueueItemFactory(mention=ComplaintFactory(severity="low"))
    escalation, _ = queue_item_escalate(item=item, contact=on_call, user=alice)
    escalation_notify_task.apply(args=[escalation.pk])
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.SENT and escalation.webhook_sent_at is None
    assert len(mail.outbox) == 1


def test_only_contacts_on_call_now_are_offered(db):
    now = timezone.now()
    current = OnCallContact.objects.create(
        name="A", email="a@x.example", on_call_until=now + timedelta(hours=8)
    )
    OnCallContact.objects.create(name="B", email="b@x.example", on_call_until=now - timedelta(hours=1))
    OnCallContact.objects.create(name="C", email="c@x.example", on_call=False)
    assert oncall_contacts_current(now=now) == [current]
