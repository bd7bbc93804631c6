"""The sweep that tells on-call contacts about critical complaints they were never told about: notify tasks
lost while the broker was down, escalations never made; never twice, never ahead of a retry's wait."""

import json
from datetime import timedelta

import pytest
import responses
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from enrichment.models import ClassificationLabel
from tests.webhooks.test_destinations import loopback_receiver  # noqa: F401
from triage.models import AuditEntry, Escalation, OnCallContact, QueueItem
from triage.services import queue_items_sync
from triage.services.escalation import queue_item_escalate
from triage.services.escalation_sweeper import RETRIES_OVER_AFTER, escalations_sweep
from triage.tasks import escalation_notify_task, escalations_sweep_task

from .factories import ComplaintFactory, QueueItemFactory

pytestmark = pytest.mark.django_db

WEBHOOK = "https://hooks.slack.example/services/T000/B000/oncall-test"


def _later(**delta):
    return timezone.now() + timedelta(**delta)


@pytest.fixture
def on_call(db):
    return OnCallContact.objects.create(
        name="Dr. Priya Raman", email="oncall@riverside.example", webhook_url=WEBHOOK
    )


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def broker_down(monkeypatch):
    """Sending triage.escalation_notify fails as with Redis stopped; returns the attempts made."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(escalation_notify_task, "delay", refuse)
    monkeypatch.setattr(escalation_notify_task, "apply_async", refuse)
    return attempts


def _critical_item(**kwargs) -> QueueItem:
    return QueueItemFactory(mention=ComplaintFactory(severity="critical", category="safety"), **kwargs)


def test_a_critical_complaint_whose_notify_task_was_lost_is_notified_once_by_the_sweep(
    http, on_call, broker_down, django_capture_on_commit_callbacks, caplog
):
    http.post(WEBHOOK, body="ok")
    mention = ComplaintFactory(severity="critical", category="safety", hospital__is_own=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_items_sync(mention_ids=[mention.pk]) == 1
    escalation = Escalation.objects.get()
    assert broker_down and "triage.escalation_notify" in caplog.text
    assert escalation.status == Escalation.Status.PENDING and not mail.outbox and not http.calls

    result = escalations_sweep(now=_later(minutes=3))

    assert result.notified == [escalation.pk] and result.escalated == 0
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.SENT
    assert [m.to for m in mail.outbox] == [["oncall@riverside.example"]]
    assert "automatically (critical)" in json.loads(http.calls[0].request.body)["text"]

    # Swept again, soon or hours later, or the lost task turning up after all: nobody is told twice.
    assert not escalations_sweep(now=_later(minutes=8))
    assert not escalations_sweep(now=_later(hours=4))
    escalation_notify_task.apply(args=[escalation.pk])
    assert len(mail.outbox) == 1 and len(http.calls) == 1
    assert Escalation.objects.count() == 1
    actions = AuditEntry.objects.filter(item=escalation.item).values_list("action", flat=True)
    assert list(actions.filter(action__startswith="escalat").order_by("id")) == [
        AuditEntry.Action.ESCALATED,
        AuditEntry.Action.ESCALATION_SENT,
    ]


def test_a_critical_complaint_left_without_escalation_is_escalated_once(
    http, on_call, broker_down, django_capture_on_commit_callbacks
):
    http.post(WEBHOOK, body="ok")
    item = _critical_item(created_at=_later(minutes=-10))  # Queued; the worker stopped before escalating.

    with django_capture_on_commit_callbacks(execute=True):
        first = escalations_sweep()
    escalation = Escalation.objects.get()
    assert first.escalated == 1 and escalation.item == item and escalation.automatic
    assert escalation.contact == on_call and escalation.escalated_by is None

    # Its notify task could not be sent either: the next sweep tells the contact itself.
    with django_capture_on_commit_callbacks(execute=True):
        second = escalations_sweep(now=_later(minutes=3))
        third = escalations_sweep(now=_later(minutes=8))

    assert second.notified == [escalation.pk] and second.escalated == 0 and not third
    assert Escalation.objects.count() == 1
    assert len(mail.outbox) == 1 and len(http.calls) == 1


def test_the_sweep_leaves_alone_what_is_in_hand_or_not_owed(
    on_call, alice, settings, django_assert_num_queries
):
    now = timezone.now()
    item = _critical_item(created_at=now - timedelta(hours=1))
    # Just made: its task is on its way.
    Escalation.objects.create(item=item, contact=on_call, created_at=now - timedelta(seconds=30))
    in_backoff = _critical_item(created_at=now - timedelta(hours=1))
    # Failed once, its retry waits in the broker: trying now would jump the wait.
    Escalation.objects.create(
        item=in_backoff, contact=on_call, attempts=1, error="503", created_at=now - timedelta(minutes=20)
    )
    being_sent = _critical_item(created_at=now - timedelta(hours=1))
    Escalation.objects.create(
        item=being_sent,
        contact=on_call,
        created_at=now - timedelta(minutes=20),
        claimed_until=now + timedelta(seconds=60),
    )
    done = _critical_item(created_at=now - timedelta(hours=1))
    Escalation.objects.create(
        item=done, contact=on_call, status=Escalation.Status.SENT, created_at=now - timedelta(days=1)
    )
    # Critical complaints that the service would not have escalated, or a person now owns.
    _critical_item(flagged_by=alice, created_at=now - timedelta(minutes=10))
    _critical_item(
        status=QueueItem.Status.DISMISSED, dismiss_reason="spam", created_at=now - timedelta(minutes=10)
    )
    relabelled = _critical_item(created_at=now - timedelta(minutes=10))
    ClassificationLabel.objects.create(
        mention=relabelled.mention, is_complaint=True, severity="critical", previous={"severity": "high"}
    )
    _critical_item(created_at=now - timedelta(days=2))  # Long before the window.
    _critical_item(created_at=now - timedelta(seconds=30))  # Being escalated right now.
    QueueItemFactory(mention=ComplaintFactory(severity="high"), created_at=now - timedelta(minutes=10))
    OnCallContact.objects.create(
        name="Later", email="later@x.example", on_call_from=now - timedelta(minutes=5)
    )
    on_call.on_call_from = now - timedelta(minutes=5)  # Nobody was on call when these were queued.
    on_call.save()
    _critical_item(created_at=now - timedelta(minutes=10))

    with django_assert_num_queries(1):
        result = escalations_sweep(now=now)

    assert not result
    assert not mail.outbox
    settings.ONCALL_AUTO_ESCALATE_CRITICAL = False
    with django_assert_num_queries(1):
        assert not escalations_sweep(now=now)


def test_an_escalation_whose_retry_was_lost_gets_one_last_try(http, on_call, alice):
    http.post(WEBHOOK, status=503, body="upstream unavailable")
    item = _critical_item(created_at=_later(hours=-5))
    escalation, _ = queue_item_escalate(item=item, contact=on_call, user=alice, now=_later(hours=-5))
    # The first attempt emailed, the webhook failed, and the retry never came back from the broker.
    Escalation.objects.filter(pk=escalation.pk).update(attempts=1, email_sent_at=_later(hours=-5))

    assert not escalations_sweep(now=_later(hours=-5) + RETRIES_OVER_AFTER - timedelta(minutes=1))
    result = escalations_sweep()

    assert result.failed == [escalation.pk]
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.FAILED and "503" in escalation.error
    assert len(http.calls) == 1 and not mail.outbox  # The email had gone already.


def test_a_transient_failure_in_the_sweep_is_handed_to_the_tasks_retries(http, on_call, alice, monkeypatch):
    http.post(WEBHOOK, status=503, body="upstream unavailable")
    sent = []
    monkeypatch.setattr(
        escalation_notify_task, "apply_async", lambda args, kwargs, countdown: sent.append((args, countdown))
    )
    escalation, _ = queue_item_escalate(item=_critical_item(), contact=on_call, user=alice)

    result = escalations_sweep(now=_later(minutes=3))

    assert result.retrying == [escalation.pk]
    assert [args for args, _ in sent] == [[escalation.pk]] and 0 <= sent[0][1] <= 10
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.PENDING and escalation.attempts == 1
    assert escalation.email_sent_at and len(mail.outbox) == 1
    # Now in the task's hands: later sweeps leave it to its retries.
    assert not escalations_sweep(now=_later(minutes=30))


def test_the_task_runs_the_sweep(on_call, alice, caplog):
    on_call.webhook_url = ""
    on_call.save()
    escalation, _ = queue_item_escalate(
        item=_critical_item(), contact=on_call, user=alice, now=_later(minutes=-5)
    )

    escalations_sweep_task.apply()

    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.SENT and len(mail.outbox) == 1
    assert "escalations caught up" in caplog.text


# --- The contact's webhook URL: the same SSRF guard as webhook endpoints ------------------------------


def test_a_contact_webhook_on_the_internal_network_is_never_posted_to(on_call, alice, loopback_receiver):  # noqa: F811
    port, received = loopback_receiver
    on_call.webhook_url = f"http://127.0.0.1:{port}/hook"  # Saved before the rule, or by a script.
    on_call.save()
    escalation, _ = queue_item_escalate(item=_critical_item(), contact=on_call, user=alice)

    escalation_notify_task.apply(args=[escalation.pk])

    assert received == []
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.FAILED  # Not retried: it would be refused again.
    assert "127.0.0.1 is a loopback address" in escalation.error
    assert len(mail.outbox) == 1  # The email still went.


def test_the_contact_admin_refuses_a_webhook_on_the_internal_network(admin_client):
    def add(url):
        return admin_client.post(
            "/admin/triage/oncallcontact/add/",
            {
                "name": "Dr. Raman",
                "email": "oncall@riverside.example",
                "webhook_url": url,
                "on_call": "on",
                "on_call_from_0": "",
                "on_call_from_1": "",
                "on_call_until_0": "",
                "on_call_until_1": "",
            },
        )

    response = add("http://169.254.169.254/latest/meta-data/")

    assert response.status_code == 200
    assert "169.254.169.254 is a link-local address" in response.content.decode()
    assert not OnCallContact.objects.exists()

    assert add(WEBHOOK).status_code == 302  # A name that does not resolve here is accepted.
    assert OnCallContact.objects.get().webhook_url == WEBHOOK
