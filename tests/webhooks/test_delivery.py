"""Sending deliveries: signing, recording each attempt, retries with backoff, pausing, replay."""

import json
from datetime import timedelta

import pytest
import requests
import responses
from django.utils import timezone

from administration.models import ConfigChange
from tests.webhooks.conftest import RECEIVER
from webhooks.models import Delivery, Endpoint, Event
from webhooks.services import (
    PAUSE_AFTER_FAILED_DELIVERIES,
    DeliveryTransientError,
    endpoint_enable,
    webhook_deliveries_create,
    webhook_delivery_send,
)
from webhooks.signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature_compute
from webhooks.tasks import webhook_delivery_send_task

DATA = {"mention": {"id": 1, "hospital": {"id": 7}, "category": "billing", "severity": "high"}}


def _delivery(endpoint) -> Delivery:
    return Delivery.objects.create(
        endpoint=endpoint,
        event=Event.STATUS_CHANGED,
        payload={
            "id": "e1",
            "event": Event.STATUS_CHANGED,
            "created_at": "2026-11-26T10:00:00+00:00",
            "data": DATA,
        },
    )


@responses.activate
def test_it_posts_the_body_signed_with_the_endpoint_secret(make_endpoint):
    endpoint, secret = make_endpoint()
    delivery = _delivery(endpoint)
    responses.post(RECEIVER, json={"ok": True}, status=200)

    webhook_delivery_send(delivery_id=delivery.pk)

    request = responses.calls[0].request
    fields = dict(part.split("=", 1) for part in request.headers[SIGNATURE_HEADER].split(","))
    assert fields["v1"] == signature_compute(secret=secret, timestamp=int(fields["t"]), body=request.body)
    assert json.loads(request.body) == delivery.payload
    assert request.headers[EVENT_HEADER] == Event.STATUS_CHANGED
    assert request.headers[DELIVERY_HEADER] == str(delivery.event_id)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED and delivery.attempts == 1
    attempt = delivery.attempt_log.get()
    assert (attempt.status_code, attempt.succeeded, attempt.response_snippet) == (200, True, '{"ok": true}')


@responses.activate
def test_it_records_a_server_error_and_asks_for_a_retry(make_endpoint):
    endpoint, _ = make_endpoint()
    delivery = _delivery(endpoint)
    responses.post(RECEIVER, body="upstream down " * 100, status=503, headers={"Retry-After": "30"})

    with pytest.raises(DeliveryTransientError) as raised:
        webhook_delivery_send(delivery_id=delivery.pk, last_attempt=False)

    assert raised.value.retry_after == 30
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    attempt = delivery.attempt_log.get()
    assert attempt.status_code == 503 and attempt.error == "HTTP 503" and len(attempt.response_snippet) == 500
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None and endpoint.consecutive_failures == 0


@responses.activate
def test_it_records_a_timeout_without_a_status(make_endpoint):
    endpoint, _ = make_endpoint()
    delivery = _delivery(endpoint)
    responses.post(RECEIVER, body=requests.ReadTimeout("read timed out"))

    with pytest.raises(DeliveryTransientError):
        webhook_delivery_send(delivery_id=delivery.pk, last_attempt=False)

    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None and "ReadTimeout" in attempt.error


@responses.activate
def test_a_client_error_fails_the_delivery_at_once(make_endpoint):
    endpoint, _ = make_endpoint()
    delivery = _delivery(endpoint)
    responses.post(RECEIVER, json={"error": "unknown hook"}, status=410)

    webhook_delivery_send(delivery_id=delivery.pk, last_attempt=False)  # No retry for a 410.

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1


@responses.activate
def test_the_task_retries_with_backoff_then_fails_the_delivery(make_endpoint, monkeypatch):
    endpoint, _ = make_endpoint()
    delivery = _delivery(endpoint)
    responses.post(RECEIVER, status=500)
    countdowns = []
    original_retry = webhook_delivery_send_task.retry

    def retry(*args, countdown=None, **kwargs):
        countdowns.append(countdown)
        return original_retry(*args, countdown=countdown, **kwargs)

    monkeypatch.setattr(webhook_delivery_send_task, "retry", retry)

    webhook_delivery_send_task.apply(args=[delivery.pk])

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == webhook_delivery_send_task.max_retries + 1 == len(responses.calls)
    # Full jitter under a doubling cap: 10 s, 20 s, 40 s, ...
    assert all(0 <= countdown <= 10 * 2**retry for retry, countdown in enumerate(countdowns))
    assert len(countdowns) == webhook_delivery_send_task.max_retries


@responses.activate
def test_the_task_succeeds_on_a_later_attempt(make_endpoint):
    endpoint, _ = make_endpoint()
    delivery = _delivery(endpoint)
    responses.post(RECEIVER, status=502)
    responses.post(RECEIVER, status=204)

    webhook_delivery_send_task.apply(args=[delivery.pk])

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED and delivery.attempts == 2
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None and endpoint.last_success_at is not None


@responses.activate
def test_an_endpoint_is_paused_after_ten_failed_deliveries_in_a_row(make_endpoint):
    endpoint, _ = make_endpoint()
    responses.post(RECEIVER, status=404)
    for _ in range(PAUSE_AFTER_FAILED_DELIVERIES - 1):
        webhook_delivery_send(delivery_id=_delivery(endpoint).pk)
    endpoint.refresh_from_db()
    assert endpoint.paused_at is None

    webhook_delivery_send(delivery_id=_delivery(endpoint).pk)

    endpoint.refresh_from_db()
    assert endpoint.paused_at is not None and endpoint.paused_reason == "10 deliveries in a row failed"
    change = ConfigChange.objects.filter(object_id=str(endpoint.pk), actor=None).latest("at")
    assert change.changes["paused"] == [False, True]
    # Paused: the next delivery is held, not sent.
    held = _delivery(endpoint)
    webhook_delivery_send(delivery_id=held.pk)
    assert len(responses.calls) == PAUSE_AFTER_FAILED_DELIVERIES
    held.refresh_from_db()
    assert held.status == Delivery.Status.PENDING and held.attempts == 0


@responses.activate
def test_an_endpoint_failing_for_a_day_is_paused(make_endpoint):
    endpoint, _ = make_endpoint()
    Endpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - timedelta(hours=24, minutes=1)
    )
    responses.post(RECEIVER, status=503)

    with pytest.raises(DeliveryTransientError):
        webhook_delivery_send(delivery_id=_delivery(endpoint).pk, last_attempt=False)

    endpoint.refresh_from_db()
    assert endpoint.paused_at is not None and endpoint.paused_reason.startswith("every delivery failed since")


@responses.activate
def test_a_success_resets_the_count_of_failures(make_endpoint):
    endpoint, _ = make_endpoint()
    responses.post(RECEIVER, status=400)
    responses.post(RECEIVER, status=200)
    webhook_delivery_send(delivery_id=_delivery(endpoint).pk)
    webhook_delivery_send(delivery_id=_delivery(endpoint).pk)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.failing_since is None


@responses.activate
def test_resuming_a_paused_endpoint_sends_the_deliveries_it_held(
    make_endpoint, django_capture_on_commit_callbacks
):
    endpoint, _ = make_endpoint()
    Endpoint.objects.filter(pk=endpoint.pk).update(paused_at=timezone.now(), consecutive_failures=10)
    held = _delivery(endpoint)
    responses.post(RECEIVER, status=200)

    with django_capture_on_commit_callbacks(execute=True):
        endpoint_enable(endpoint=endpoint, user=None)
    webhook_delivery_send_task.apply(args=[held.pk])  # What the worker does with the enqueued task.

    endpoint.refresh_from_db()
    held.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0
    assert held.status == Delivery.Status.SUCCEEDED


@responses.activate
def test_a_replay_sends_the_same_body_and_event_id_with_a_fresh_signature(make_endpoint, monkeypatch):
    endpoint, _ = make_endpoint()
    delivery = _delivery(endpoint)
    responses.post(RECEIVER, status=200)
    clock = iter([1_800_000_000, 1_800_000_100])
    monkeypatch.setattr("webhooks.services.signature_timestamp", lambda: next(clock))

    webhook_delivery_send_task.apply(args=[delivery.pk])
    webhook_delivery_send_task.apply(args=[delivery.pk], kwargs={"replay": True})

    first, second = (call.request for call in responses.calls)
    assert first.body == second.body
    assert first.headers[DELIVERY_HEADER] == second.headers[DELIVERY_HEADER]
    assert first.headers[SIGNATURE_HEADER] != second.headers[SIGNATURE_HEADER]
    assert [attempt.is_replay for attempt in delivery.attempt_log.order_by("id")] == [False, True]


@responses.activate
def test_a_replay_is_sent_to_a_paused_endpoint_once(make_endpoint):
    endpoint, _ = make_endpoint()
    Endpoint.objects.filter(pk=endpoint.pk).update(paused_at=timezone.now())
    delivery = _delivery(endpoint)
    responses.post(RECEIVER, status=500)

    webhook_delivery_send_task.apply(args=[delivery.pk], kwargs={"replay": True})

    assert len(responses.calls) == 1  # A replay is one attempt, never retried.
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED


def test_deliveries_go_only_to_active_endpoints_whose_filters_match(make_endpoint, hospitals):
    riverside = hospitals["riverside"]
    everything, _ = make_endpoint()
    same_hospital, _ = make_endpoint(hospital=riverside)
    other_category, _ = make_endpoint(category="safety")
    severe_only, _ = make_endpoint(min_severity="critical")
    high_or_worse, _ = make_endpoint(min_severity="high")
    other_event, _ = make_endpoint(events=[Event.REPLY_SENT])
    disabled, _ = make_endpoint()
    Endpoint.objects.filter(pk=disabled.pk).update(is_enabled=False)
    data = {"mention": {"id": 1, "hospital": {"id": riverside.pk}, "category": "billing", "severity": "high"}}

    deliveries = webhook_deliveries_create(event=Event.STATUS_CHANGED, payload=data)

    assert {delivery.endpoint_id for delivery in deliveries} == {
        everything.pk,
        same_hospital.pk,
        high_or_worse.pk,
    }
    assert len({delivery.event_id for delivery in deliveries}) == 1  # One event id across endpoints.
    assert other_category and severe_only and other_event


def test_a_cluster_event_is_not_held_back_by_a_severity_filter(make_endpoint):
    endpoint, _ = make_endpoint(events=[Event.CLUSTER_EMERGING], min_severity="critical")
    data = {"cluster": {"id": 3, "hospital": None}}
    assert [d.endpoint_id for d in webhook_deliveries_create(event=Event.CLUSTER_EMERGING, payload=data)] == [
        endpoint.pk
    ]


def test_the_payload_is_not_built_when_nobody_subscribes(db):
    def payload():
        raise AssertionError("built for nobody")

    assert webhook_deliveries_create(event=Event.COMPLAINT_NEW, payload=payload) == []


def test_deliveries_the_broker_cannot_take_stay_pending_without_failing_the_caller(
    make_endpoint, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from kombu.exceptions import OperationalError

    attempts = []

    def broker_down(*args, **kwargs):
        attempts.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(webhook_delivery_send_task, "delay", broker_down)
    make_endpoint()
    make_endpoint()

    with django_capture_on_commit_callbacks(execute=True):
        deliveries = webhook_deliveries_create(event=Event.STATUS_CHANGED, payload=DATA)

    assert len(deliveries) == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.PENDING}
    assert len(attempts) == 1  # The broker is down: the second would only wait out the same retries.
    assert "webhooks.webhook_delivery_send" in caplog.text
