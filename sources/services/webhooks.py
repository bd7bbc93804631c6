"""Meta webhooks for Instagram sources: answering Meta's verification, storing signed notifications before
anything else, and reading the @mentions they announce into mentions through the same ingest as polling.

Meta's app dashboard takes one callback URL per app, so every Instagram source shares one endpoint: a
notification is matched to the sources whose app secret signed it and whose account it names.
"""

import json
import logging
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone

from hospitallisten.lib.text import json_without_nul, without_nul
from mentions.models import RejectedPayload
from mentions.services import mention_ingest
from sources.connectors import connector_for
from sources.connectors.base import ConnectorError
from sources.connectors.google_reviews import review_hospital_name
from sources.connectors.instagram import InstagramConnector, MentionUnavailable
from sources.connectors.meta_webhooks import (
    challenge_valid,
    mention_refs,
    notified_accounts,
    signature_matches,
    verify_token_matches,
)
from sources.models import CoverageGap, Source, WebhookNotification
from sources.services import coverage
from sources.services.credentials import credentials_readable, source_settings
from sources.services.sync import source_queries

logger = logging.getLogger(__name__)


class WebhookRejected(Exception):
    """The request is not Meta's (no or wrong signature or verify token); answered 403."""


@dataclass(frozen=True, slots=True)
class _Listener:
    source: Source
    app_secret: str
    verify_token: str
    account_id: str


def _instagram_listeners() -> list[_Listener]:
    """Instagram sources whose secrets can be read, with what the webhook needs of them. A handful of rows:
    each is decrypted, which is why this is not filtered further in SQL."""
    listeners = []
    for source in Source.objects.filter(kind=Source.Kind.INSTAGRAM).order_by("pk"):
        if not credentials_readable(source):
            continue
        listeners.append(
            _Listener(
                source=source,
                app_secret=str(source.credentials.get("app_secret") or "").strip(),
                verify_token=str(source.credentials.get("webhook_verify_token") or "").strip(),
                account_id=str(source.config.get("ig_user_id") or "").strip(),
            )
        )
    return listeners


def meta_webhook_challenge(*, mode: str, verify_token: str, challenge: str) -> str:
    """The challenge to echo when Meta verifies the callback URL with a verify token one of the Instagram
    sources holds. Raises WebhookRejected otherwise. Writes nothing."""
    if mode != "subscribe" or not challenge_valid(challenge):
        raise WebhookRejected("not a subscription check")
    tokens = [listener.verify_token for listener in _instagram_listeners()]
    if not verify_token_matches(given=verify_token, tokens=tokens):
        raise WebhookRejected("unknown verify token")
    return challenge


def meta_webhook_receive(*, body: bytes, signature: str) -> list[int]:
    """Store a signed notification once for each enabled Instagram source it is about, before it is
    answered. Raises WebhookRejected when no source's app secret signed it.

    Writes WebhookNotification rows (or a RejectedPayload for a signed body that is not JSON); enqueues
    instagram_mentions_fetch_task for each notification after commit.
    """
    signed_by = [
        listener
        for listener in _instagram_listeners()
        if signature_matches(body=body, header=signature, app_secret=listener.app_secret)
    ]
    if not signed_by:
        raise WebhookRejected("signature matches no Instagram source's app secret")
    try:
        payload = json.loads(body)
    except ValueError as error:
        RejectedPayload.objects.create(
            source=signed_by[0].source if len(signed_by) == 1 else None,
            payload_text=without_nul(body.decode("utf-8", errors="replace")),
            error=f"A signed Meta webhook notification that is not JSON: {error}"[:1000],
        )
        return []
    accounts = notified_accounts(payload)
    recipients = [
        listener.source
        for listener in signed_by
        if listener.account_id in accounts and listener.source.is_enabled
    ]
    if not recipients:
        logger.info("Meta notification for no enabled Instagram source (%d bytes); ignored", len(body))
        return []
    with transaction.atomic():
        notifications = WebhookNotification.objects.bulk_create(
            [WebhookNotification(source=source, payload=json_without_nul(payload)) for source in recipients]
        )
        ids = [notification.pk for notification in notifications]
        transaction.on_commit(partial(_enqueue, ids))
    return ids


def _enqueue(notification_ids: list[int]) -> None:
    from sources.tasks import instagram_mentions_fetch_task

    for notification_id in notification_ids:
        instagram_mentions_fetch_task.delay(notification_id)


def instagram_mentions_fetch(*, notification_id: int) -> WebhookNotification | None:
    """Read every @mention a stored notification announces and ingest them like polled items, so one
    delivered twice, or a post also found by polling, is stored once.

    Writes Mention rows (through mention_ingest) and the notification's outcome. A permanent failure (an
    expired token) keeps the notification as failed and marks the source broken with what to do. Re-raises
    transient errors for the task to retry. Returns None when the notification no longer exists.
    """
    notification = WebhookNotification.objects.select_related("source").filter(pk=notification_id).first()
    if notification is None:
        return None
    if notification.status == WebhookNotification.Status.PROCESSED:
        return notification
    source = notification.source
    try:
        connector = connector_for(source.kind, source_settings(source))
        if not isinstance(connector, InstagramConnector):
            raise ConnectorError(
                f"{source.name} is not an Instagram source", permanent=True, how_to_fix="Nothing to do."
            )
        hospital_name = _hospital_name(source, connector)
        items, unavailable = [], []
        for ref in mention_refs(notification.payload, account_id=connector.ig_user_id):
            try:
                items.append(connector.fetch_mention(ref, hospital_name=hospital_name))
            except MentionUnavailable as gone:
                unavailable.append(f"{ref.external_id}: {gone}")
    except ConnectorError as error:
        if not error.permanent:
            WebhookNotification.objects.filter(pk=notification.pk).update(error=str(error)[:2000])
            raise
        _notification_fail(notification, error)
        return notification
    with transaction.atomic():
        stored = mention_ingest(source=source, raw_items=items, normalize=connector.normalize)
        notification.status = WebhookNotification.Status.PROCESSED
        notification.mentions_new, notification.duplicates = stored.new, stored.duplicates
        notification.error = "; ".join(unavailable)[:2000]
        notification.processed_at = timezone.now()
        notification.save(update_fields=["status", "mentions_new", "duplicates", "error", "processed_at"])
    return notification


def webhook_notifications_retry(*, notification_ids: list[int]) -> int:
    """Queue failed notifications to be read again (once the token is fixed). Writes their status;
    enqueues instagram_mentions_fetch_task for each after commit. Returns how many were queued."""
    with transaction.atomic():
        failed = list(
            WebhookNotification.objects.filter(
                pk__in=notification_ids, status=WebhookNotification.Status.FAILED
            ).values_list("pk", flat=True)
        )
        WebhookNotification.objects.filter(pk__in=failed).update(status=WebhookNotification.Status.RECEIVED)
        transaction.on_commit(partial(_enqueue, failed))
    return len(failed)


def webhook_notification_fail(*, notification_id: int, error: str) -> None:
    """Give up on a notification after its retries (the platform kept failing). Writes its status and
    error; the source is left as it is, since polling reports outages of its own."""
    WebhookNotification.objects.filter(pk=notification_id).exclude(
        status=WebhookNotification.Status.PROCESSED
    ).update(status=WebhookNotification.Status.FAILED, error=error[:2000], processed_at=timezone.now())


def _notification_fail(notification: WebhookNotification, error: ConnectorError) -> None:
    message = f"Reading an Instagram @mention failed: {error}"
    with transaction.atomic():
        notification.status = WebhookNotification.Status.FAILED
        notification.error = str(error)[:2000]
        notification.processed_at = timezone.now()
        notification.save(update_fields=["status", "error", "processed_at"])
        source = notification.source
        source.status, source.last_error, source.how_to_fix = Source.Status.BROKEN, message, error.how_to_fix
        source.save(update_fields=["status", "last_error", "how_to_fix"])
        coverage.gap_open(source=source, reason=CoverageGap.Reason.CREDENTIALS, detail=message)
    logger.warning("source %s: webhook notification %s failed: %s", source.pk, notification.pk, error)


def _hospital_name(source: Source, connector: InstagramConnector) -> str:
    """The name the account's hospital is tracked by, so the term matcher files the mention under it."""
    for planned in source_queries(source=source):
        if connector.plan_queries(planned.query):
            return review_hospital_name(planned.query.terms)
    return ""
