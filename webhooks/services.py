"""Writes for outbound webhooks: endpoints, deliveries created after commit, sending with retries, pausing.

Delivery is at least once: a retry or a replay may reach a receiver twice, with the same event id in the
body and in the X-HospitalListen-Delivery header, which receivers de-duplicate on.
"""

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial

import requests
import urllib3
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from administration.models import ConfigChange
from administration.services import config_change_record
from enrichment.taxonomy import SEVERITY_RANK
from hospitallisten.lib.tasks import task_send_or_log
from sources.crypto import CredentialsUnreadable
from sources.fields import UnreadableCredentials
from webhooks.destinations import UnsafeDestination, checked_session, delivery_url_check
from webhooks.models import Delivery, DeliveryAttempt, Endpoint
from webhooks.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    secret_generate,
    signature_header,
)

logger = logging.getLogger(__name__)

# A receiver answers quickly and does its work later; a slow one must not hold a worker.
REQUEST_TIMEOUT = (3.05, 10)
# An endpoint is paused after this many deliveries in a row failed for good, or after failing this long.
PAUSE_AFTER_FAILED_DELIVERIES = 10
PAUSE_AFTER_FAILING_FOR = timedelta(hours=24)
SNIPPET_LENGTH = 500
# Worth trying again later: the receiver is down, overloaded or asks us to slow down. Other 4xx (and
# redirects, which are not followed) will not fix themselves.
TRANSIENT_STATUSES = {408, 425, 429}
# A delivery's task is handed to the broker right after the commit and starts within seconds; one not handed
# off after this long never will be (the broker was down), and webhook_deliveries_sweep queues it again.
SWEEP_GRACE = timedelta(minutes=5)
# How many lost deliveries one sweep queues again; the rest wait for the next run, minutes later.
SWEEP_LIMIT = 500

ENDPOINT_FIELDS = ["name", "url", "events", "hospital_id", "category", "min_severity", "is_enabled"]


def task_lease() -> timedelta:
    """How long a delivery handed to a task is left to it before the sweeper takes the task as lost: past the
    broker's redelivery of a task whose worker died (its visibility timeout) plus the longest retry wait, so
    a task still retrying, or about to be redelivered, is never doubled."""
    from sources.tasks import MAX_RETRY_COUNTDOWN  # sources.tasks imports this module, through ingest.

    visibility_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return timedelta(seconds=visibility_timeout + MAX_RETRY_COUNTDOWN)


class DeliveryTransientError(Exception):
    """The attempt failed in a way a later attempt may not (timeout, connection error, 5xx, 429)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# --- Endpoints ------------------------------------------------------------------------------------------


def endpoint_secret(endpoint: Endpoint) -> str:
    """The signing secret. Raises CredentialsUnreadable when no configured key opens it."""
    if isinstance(endpoint.secret, UnreadableCredentials):
        raise CredentialsUnreadable()
    return endpoint.secret["secret"]


def endpoint_create(
    *, user, name: str, url: str, events: list[str], hospital=None, category: str = "", min_severity: str = ""
) -> tuple[Endpoint, str]:
    """Register an endpoint with a new signing secret; returns it and the secret (shown to the person once).

    Creates an Endpoint and a ConfigChange (the secret recorded only as set).
    """
    secret = secret_generate()
    with transaction.atomic():
        endpoint = Endpoint(
            name=name,
            url=url,
            events=sorted(events),
            hospital=hospital,
            category=category,
            min_severity=min_severity,
            secret={"secret": secret},
            created_by=user,
        )
        endpoint.full_clean()
        endpoint.save()
        config_change_record(
            actor=user,
            instance=endpoint,
            action=ConfigChange.Action.CREATED,
            after=_snapshot(endpoint) | {"secret": "set"},
            secret_fields=["secret"],
        )
    return endpoint, secret


def _snapshot(endpoint: Endpoint) -> dict:
    return {field: getattr(endpoint, field) for field in ENDPOINT_FIELDS} | {
        "paused": endpoint.paused_at is not None
    }


def _change(endpoint: Endpoint, *, user, apply: Callable[[], None], secret_changed: bool = False) -> None:
    with transaction.atomic():
        endpoint.refresh_from_db(from_queryset=Endpoint.objects.select_for_update())
        before = _snapshot(endpoint)
        apply()
        endpoint.full_clean()
        endpoint.save()
        after = _snapshot(endpoint)
        if secret_changed:
            before["secret"], after["secret"] = "old", "new"
        config_change_record(
            actor=user,
            instance=endpoint,
            action=ConfigChange.Action.CHANGED,
            before=before,
            after=after,
            secret_fields=["secret"],
        )


def endpoint_update(
    *,
    endpoint: Endpoint,
    user,
    name: str,
    url: str,
    events: list[str],
    hospital,
    category: str,
    min_severity: str,
) -> Endpoint:
    """Change an endpoint's address, events or filters. Updates the Endpoint; writes a ConfigChange."""

    def apply() -> None:
        endpoint.name, endpoint.url, endpoint.events = name, url, sorted(events)
        endpoint.hospital, endpoint.category, endpoint.min_severity = hospital, category, min_severity

    _change(endpoint, user=user, apply=apply)
    return endpoint


def endpoint_enable(*, endpoint: Endpoint, user) -> Endpoint:
    """Turn an endpoint on, or resume a paused one: the failure count starts again and the deliveries held
    while it was paused are sent.

    Updates the Endpoint and its pending Deliveries; writes a ConfigChange; enqueues one task per pending
    delivery.
    """

    def apply() -> None:
        endpoint.is_enabled = True
        endpoint.paused_at, endpoint.paused_reason = None, ""
        endpoint.consecutive_failures, endpoint.failing_since = 0, None

    with transaction.atomic():
        _change(endpoint, user=user, apply=apply)
        pending = endpoint.deliveries.filter(status=Delivery.Status.PENDING)
        pending_ids = list(pending.values_list("pk", flat=True))
        # Committed with the resume, so the sweeper never sees the held deliveries as lost before the
        # tasks queued here had their chance.
        pending.update(sweep_after=timezone.now() + SWEEP_GRACE)
        transaction.on_commit(partial(_enqueue, pending_ids))
    return endpoint


def endpoint_disable(*, endpoint: Endpoint, user) -> Endpoint:
    """Stop sending to an endpoint. Updates the Endpoint; writes a ConfigChange."""

    def apply() -> None:
        endpoint.is_enabled = False

    _change(endpoint, user=user, apply=apply)
    return endpoint


def endpoint_secret_rotate(*, endpoint: Endpoint, user) -> str:
    """Give the endpoint a new signing secret and return it (shown once); the old one stops working at once.

    Updates the Endpoint; writes a ConfigChange (secret recorded only as changed).
    """
    secret = secret_generate()

    def apply() -> None:
        endpoint.secret = {"secret": secret}

    _change(endpoint, user=user, apply=apply, secret_changed=True)
    return secret


# --- Events ---------------------------------------------------------------------------------------------


def endpoint_matches(endpoint: Endpoint, data: dict) -> bool:
    """The endpoint's filters against the event's subject (the mention, or the cluster). A filter on a
    field the event does not have (a cluster has no severity) does not hold the event back."""
    subject = data.get("mention") or data.get("cluster") or {}
    if endpoint.hospital_id and (subject.get("hospital") or {}).get("id") != endpoint.hospital_id:
        return False
    if endpoint.category and "category" in subject and subject["category"] != endpoint.category:
        return False
    if endpoint.min_severity and "severity" in subject:
        rank = SEVERITY_RANK.get(subject["severity"], -1)
        if rank < SEVERITY_RANK[endpoint.min_severity]:
            return False
    return True


def webhook_event_emit(*, event: str, payload: dict | Callable[[], dict | list[dict]]) -> None:
    """Announce an event once the current transaction commits (nothing, if it rolls back).

    payload is the event's data, or a callable returning one or a list of them, called after commit and
    only when some active endpoint subscribes to the event. Creates Deliveries and enqueues their tasks.
    """
    transaction.on_commit(partial(webhook_deliveries_create, event=event, payload=payload))


def webhook_deliveries_create(
    *, event: str, payload: dict | Callable[[], dict | list[dict]], now: datetime | None = None
) -> list[Delivery]:
    """Create one Delivery per (event data, matching active endpoint) and enqueue each one's task."""
    endpoints = list(
        Endpoint.objects.filter(is_enabled=True, paused_at__isnull=True, events__contains=[event])
    )
    if not endpoints:
        return []
    data_list = payload() if callable(payload) else payload
    if isinstance(data_list, dict):
        data_list = [data_list]
    now = now or timezone.now()
    deliveries = []
    for data in data_list:
        # One id per event, shared by every endpoint that receives it.
        event_id = uuid.uuid4()
        body = {"id": str(event_id), "event": event, "created_at": now.isoformat(), "data": data}
        deliveries += [
            Delivery(
                endpoint=endpoint,
                event=event,
                event_id=event_id,
                payload=body,
                created_at=now,
                sweep_after=now + SWEEP_GRACE,
            )
            for endpoint in endpoints
            if endpoint_matches(endpoint, data)
        ]
    with transaction.atomic():
        Delivery.objects.bulk_create(deliveries)
        transaction.on_commit(partial(_enqueue, [delivery.pk for delivery in deliveries]))
    return deliveries


def _enqueue(delivery_ids: Iterable[int], *, replay: bool = False) -> None:
    from webhooks.tasks import webhook_delivery_send_task

    handed_off = []
    for delivery_id in delivery_ids:
        # The deliveries are saved as pending either way; raising would also cut short the caller's other
        # follow-ups (the enrichment task queues complaints, then emits, then clusters). After one failure
        # the broker is down: the rest would only wait out the same publish retries.
        if not task_send_or_log(
            webhook_delivery_send_task,
            delivery_id,
            replay=replay,
            fallback="the deliveries stay pending; the webhooks-deliveries-sweep task queues them again",
        ):
            break
        handed_off.append(delivery_id)
    if handed_off:
        # Now in the broker's hands: the sweeper leaves them to their task however long the queue is.
        Delivery.objects.filter(pk__in=handed_off, status=Delivery.Status.PENDING).update(
            sweep_after=timezone.now() + task_lease()
        )


def webhook_deliveries_sweep(*, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Queue again the pending deliveries of active endpoints whose task was lost (Delivery.sweep_after
    passed), oldest first and at most `limit`; returns how many. One query when there is nothing to do.

    Updates their sweep_after; enqueues one task each after commit.
    """
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(
            status=Delivery.Status.PENDING,
            sweep_after__lt=now,
            endpoint__is_enabled=True,
            endpoint__paused_at__isnull=True,
        )
        .order_by("sweep_after")
        .values_list("pk", flat=True)[:limit]
    )
    if not due:
        return 0
    with transaction.atomic():
        # skip_locked: rows a sweep running at the same time holds are its to queue. Re-checked under the
        # lock, so a delivery that sweep already queued (sweep_after moved on) is not queued twice.
        claimed = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=due, status=Delivery.Status.PENDING, sweep_after__lt=now)
            .values_list("pk", flat=True)
        )
        # A grace again: if the broker is still down, the next sweep tries once this has passed.
        Delivery.objects.filter(pk__in=claimed).update(sweep_after=now + SWEEP_GRACE)
        transaction.on_commit(partial(_enqueue, claimed))
    return len(claimed)


# --- Sending --------------------------------------------------------------------------------------------


def delivery_body(delivery: Delivery) -> bytes:
    """The exact bytes POSTed and signed (sorted keys, so a replay sends the same body)."""
    return json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()


def signature_timestamp() -> int:
    return int(time.time())


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def webhook_delivery_send(*, delivery_id: int, last_attempt: bool = True, replay: bool = False) -> Delivery:
    """POST a delivery to its endpoint, signed, and record the attempt. Raises DeliveryTransientError on a
    failure worth retrying unless this is the last attempt (the task's retries, or a replay).

    Writes a DeliveryAttempt; updates the Delivery and the Endpoint's failure count, pausing it when it
    keeps failing (with a ConfigChange). Sends nothing for a disabled or paused endpoint (except a replay).
    """
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if delivery.status == Delivery.Status.SUCCEEDED and not replay:
        return delivery
    if not endpoint.is_active and not replay:
        logger.info("endpoint %s is disabled or paused; delivery %s is held", endpoint.pk, delivery.pk)
        return delivery
    body = delivery_body(delivery)
    timestamp = signature_timestamp()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "HospitalListen-Webhooks/1",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.event_id),
        SIGNATURE_HEADER: signature_header(secret=endpoint_secret(endpoint), timestamp=timestamp, body=body),
    }
    started_at, clock = timezone.now(), time.monotonic()
    response, error, snippet, refused = None, "", "", False
    try:
        delivery_url_check(endpoint.url)
        # Streamed, so a receiver answering with a huge body costs us only the snippet we keep.
        with (
            checked_session() as session,
            session.post(
                endpoint.url,
                data=body,
                headers=headers,
                timeout=REQUEST_TIMEOUT,
                allow_redirects=False,
                stream=True,
            ) as response,
        ):
            snippet = response.raw.read(SNIPPET_LENGTH * 4, decode_content=True).decode("utf-8", "replace")
    except UnsafeDestination as exc:
        # Nothing was sent. Not retried: a later attempt may resolve differently, but is refused the same way.
        logger.warning("endpoint %s: delivery %s refused: %s", endpoint.pk, delivery.pk, exc)
        response, error, refused = None, str(exc), True
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        # urllib3's errors come from reading the streamed answer.
        error = f"{type(exc).__name__}: {exc}"
    duration_ms = int((time.monotonic() - clock) * 1000)
    succeeded = response is not None and 200 <= response.status_code < 300
    if response is not None and not succeeded:
        error = f"HTTP {response.status_code}" + (
            " (redirects are not followed)" if response.is_redirect else ""
        )
    transient = not refused and (
        response is None or response.status_code in TRANSIENT_STATUSES or response.status_code >= 500
    )
    final = succeeded or last_attempt or not transient
    _attempt_record(
        delivery,
        started_at=started_at,
        duration_ms=duration_ms,
        response=response,
        error=error,
        snippet=snippet,
        succeeded=succeeded,
        final=final,
        replay=replay,
    )
    if not final:
        raise DeliveryTransientError(
            error, retry_after=_retry_after(response) if response is not None else None
        )
    return delivery


def _attempt_record(
    delivery: Delivery, *, started_at, duration_ms, response, error, snippet, succeeded, final, replay
) -> None:
    now = timezone.now()
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        DeliveryAttempt.objects.create(
            delivery=delivery,
            started_at=started_at,
            duration_ms=duration_ms,
            status_code=response.status_code if response is not None else None,
            response_snippet=snippet[:SNIPPET_LENGTH],
            error=error[:SNIPPET_LENGTH],
            succeeded=succeeded,
            is_replay=replay,
        )
        delivery.attempts += 1
        delivery.last_attempt_at = started_at
        # Left to the task's retry while it may come; no longer the sweeper's concern once final.
        delivery.sweep_after = None if final else now + task_lease()
        if succeeded:
            delivery.status, delivery.delivered_at = Delivery.Status.SUCCEEDED, now
            endpoint.consecutive_failures, endpoint.failing_since = 0, None
            endpoint.last_success_at = now
        else:
            endpoint.failing_since = endpoint.failing_since or started_at
            if final:
                delivery.status = Delivery.Status.FAILED
                endpoint.consecutive_failures += 1
        delivery.save(update_fields=["attempts", "last_attempt_at", "status", "delivered_at", "sweep_after"])
        fields = ["consecutive_failures", "failing_since", "last_success_at", "updated_at"]
        if not succeeded and endpoint.paused_at is None and _keeps_failing(endpoint, now=now):
            _pause(endpoint, now=now)
            fields += ["paused_at", "paused_reason"]
        endpoint.save(update_fields=fields)


def _keeps_failing(endpoint: Endpoint, *, now: datetime) -> bool:
    return endpoint.consecutive_failures >= PAUSE_AFTER_FAILED_DELIVERIES or (
        endpoint.failing_since is not None and now - endpoint.failing_since >= PAUSE_AFTER_FAILING_FOR
    )


def _pause(endpoint: Endpoint, *, now: datetime) -> None:
    if endpoint.consecutive_failures >= PAUSE_AFTER_FAILED_DELIVERIES:
        reason = f"{endpoint.consecutive_failures} deliveries in a row failed"
    else:
        reason = f"every delivery failed since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC"
    endpoint.paused_at, endpoint.paused_reason = now, reason
    config_change_record(
        actor=None,
        instance=endpoint,
        action=ConfigChange.Action.CHANGED,
        before={"paused": False},
        after={"paused": True, "paused_reason": reason},
    )
    logger.warning("webhook endpoint %s paused: %s", endpoint.pk, reason)


def webhook_delivery_replay(*, delivery: Delivery, user) -> Delivery:
    """Send a delivery again, as it was (same body and event id, a fresh signature), even to a paused
    endpoint, so a person can check a fixed receiver. One attempt, no retries.

    Enqueues one task; the attempt is recorded like any other.
    """
    logger.info("delivery %s replayed by user %s", delivery.pk, getattr(user, "pk", None))
    transaction.on_commit(partial(_enqueue, [delivery.pk], replay=True))
    return delivery
