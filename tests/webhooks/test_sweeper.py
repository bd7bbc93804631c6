"""The sweep that sends deliveries whose task was lost (the broker was down after the commit), and only those:
never one whose task is queued, being retried, or held for a paused endpoint."""

from datetime import timedelta

import pytest
import responses
from django.utils import timezone
from kombu.exceptions import OperationalError

from tests.webhooks.conftest import RECEIVER
from webhooks.models import Delivery, Endpoint, Event
from webhooks.services import (
    SWEEP_GRACE,
    DeliveryTransientError,
    endpoint_enable,
    task_lease,
    webhook_deliveries_create,
    webhook_deliveries_sweep,
    webhook_delivery_send,
)
from webhooks.tasks import webhook_deliveries_sweep_task, webhook_delivery_send_task

DATA = {"mention": {"id": 1, "hospital": {"id": 7}, "category": "billing", "severity": "high"}}


def _later(**delta) -> timezone.datetime:
    return timezone.now() + timedelta(**delta)


@pytest.fixture
def broker(monkeypatch):
    """broker.down() makes sending the delivery task fail as with Redis stopped; broker.up() lets the worker
    run what it is sent at once (as .apply); broker.sent lists the delivery ids sent while up."""

    class Broker:
        sent: list[int] = []

        def down(self):
            def refuse(*args, **kwargs):
                raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

            monkeypatch.setattr(webhook_delivery_send_task, "delay", refuse)

        def up(self, *, run: bool = True):
            def send(delivery_id, **kwargs):
                self.sent.append(delivery_id)
                if run:
                    webhook_delivery_send_task.apply(args=[delivery_id], kwargs=kwargs)

            monkeypatch.setattr(webhook_delivery_send_task, "delay", send)

    return Broker()


@responses.activate
def test_a_delivery_the_broker_could_not_take_is_delivered_once_by_the_sweep(
    make_endpoint, broker, django_capture_on_commit_callbacks
):
    responses.post(RECEIVER, status=204)
    make_endpoint()
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_deliveries_create(event=Event.STATUS_CHANGED, payload=DATA)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING and not responses.calls

    broker.up()  # Beat runs the sweep only once the broker is back.
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_deliveries_sweep(now=_later(minutes=6)) == 1

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED and delivery.attempts == 1
    assert delivery.sweep_after is None
    assert len(responses.calls) == 1

    # Later sweeps, soon or hours later, send nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_deliveries_sweep(now=_later(minutes=11)) == 0
        assert webhook_deliveries_sweep(now=_later(hours=5)) == 0
    assert len(responses.calls) == 1


def test_while_the_broker_is_still_down_the_sweep_tries_again_after_the_grace(
    make_endpoint, broker, django_capture_on_commit_callbacks
):
    make_endpoint()
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        webhook_deliveries_create(event=Event.STATUS_CHANGED, payload=DATA)
        sweep_at = _later(minutes=6)
        assert webhook_deliveries_sweep(now=sweep_at) == 1  # Sent, refused again.

    broker.up(run=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_deliveries_sweep(now=sweep_at + SWEEP_GRACE / 2) == 0
        assert webhook_deliveries_sweep(now=sweep_at + SWEEP_GRACE + timedelta(seconds=1)) == 1
    assert len(broker.sent) == 1


@responses.activate
def test_the_sweep_never_takes_a_delivery_queued_or_waiting_for_its_retry(
    make_endpoint, broker, django_capture_on_commit_callbacks, django_assert_num_queries
):
    responses.post(RECEIVER, status=503)
    endpoint, _ = make_endpoint()
    broker.up(run=False)
    with django_capture_on_commit_callbacks(execute=True):
        [queued] = webhook_deliveries_create(event=Event.STATUS_CHANGED, payload=DATA)
        [retrying] = webhook_deliveries_create(event=Event.STATUS_CHANGED, payload=DATA)
    # The worker's first attempt fails; its retry waits in the broker with a countdown.
    with pytest.raises(DeliveryTransientError):
        webhook_delivery_send(delivery_id=retrying.pk, last_attempt=False)
    paused, _ = make_endpoint()
    Endpoint.objects.filter(pk=paused.pk).update(paused_at=timezone.now())
    Delivery.objects.create(
        endpoint=paused, event=Event.STATUS_CHANGED, payload={}, sweep_after=_later(hours=-2)
    )

    # A long queue, or the longest retry wait, is not a lost task; nor is a delivery held on purpose.
    with django_assert_num_queries(1):
        assert webhook_deliveries_sweep(now=_later(minutes=30)) == 0

    # Past the lease the broker would have redelivered, or the retry come: the task was lost.
    broker.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_deliveries_sweep(now=_later(seconds=task_lease().total_seconds() + 60)) == 2
    assert sorted(broker.sent) == sorted([queued.pk, retrying.pk])
    assert endpoint.pk != paused.pk


def test_a_resumed_endpoints_held_deliveries_are_not_also_queued_by_the_sweep(
    make_endpoint, broker, django_capture_on_commit_callbacks
):
    endpoint, _ = make_endpoint()
    Endpoint.objects.filter(pk=endpoint.pk).update(paused_at=_later(days=-2))
    held = Delivery.objects.create(
        endpoint=endpoint, event=Event.STATUS_CHANGED, payload={}, sweep_after=_later(days=-2)
    )
    broker.up(run=False)

    with django_capture_on_commit_callbacks(execute=True):
        endpoint_enable(endpoint=endpoint, user=None)
        assert webhook_deliveries_sweep(now=_later(minutes=1)) == 0

    assert broker.sent == [held.pk]


def test_the_task_runs_the_sweep(make_endpoint, broker, django_capture_on_commit_callbacks, caplog):
    make_endpoint()
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_deliveries_create(
            event=Event.STATUS_CHANGED, payload=DATA, now=_later(minutes=-10)
        )
    broker.up(run=False)

    with django_capture_on_commit_callbacks(execute=True):
        webhook_deliveries_sweep_task.apply()

    assert broker.sent == [delivery.pk]
    assert "queued again 1 webhook deliveries" in caplog.text
