"""Escalating queue items to the on-call contact: once per item per contact, by email and webhook.

`queue_item_escalate` records the escalation (a unique row per item and contact, so a second click or a
second automatic run does nothing) and enqueues triage.escalation_notify after commit. `escalation_notify`
sends the email and the webhook POST, each at most once: it claims the row with a conditional UPDATE,
and stamps email_sent_at / webhook_sent_at as soon as each goes out, so a retry after a webhook failure
sends only the webhook. The same email + webhook pattern as the emerging-cluster alerts. A notify task that
never ran (the broker was down) is caught up by triage/services/escalation_sweeper.py.
"""

import logging
import smtplib
from datetime import datetime, timedelta
from functools import partial

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from enrichment.taxonomy import Severity
from hospitallisten.lib.tasks import task_send_or_log
from triage.models import AuditEntry, Escalation, OnCallContact, QueueItem
from triage.services._common import audit_entry_record, lock
from webhooks.destinations import UnsafeDestination, checked_session, delivery_url_check

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_SECONDS = 10
# Longer than the notify task's hard time limit, so a live attempt is never overtaken.
NOTIFY_CLAIM = timedelta(seconds=120)


class EscalationNotifyError(Exception):
    """Sending failed. Transient failures (SMTP down, webhook 5xx/429, timeouts) are retried by the task."""

    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


def oncall_contacts_current(*, now: datetime | None = None) -> list[OnCallContact]:
    """The contacts on call now, by name."""
    now = now or timezone.now()
    contacts = OnCallContact.objects.filter(on_call=True).filter(
        Q(on_call_from__isnull=True) | Q(on_call_from__lte=now),
        Q(on_call_until__isnull=True) | Q(on_call_until__gt=now),
    )
    return list(contacts.order_by("name"))


def queue_item_escalate(
    *,
    item: QueueItem,
    contact: OnCallContact,
    user=None,
    note: str = "",
    link: str = "",
    automatic: bool = False,
    now: datetime | None = None,
) -> tuple[Escalation, bool]:
    """Escalate the item to the contact; returns the escalation and whether it is new. Idempotent: an item
    already escalated to this contact is returned as it is, and nobody is notified again.

    Creates an Escalation and an AuditEntry; enqueues triage.escalation_notify after commit.
    """
    from triage.tasks import escalation_notify_task  # The tasks module imports this one.

    now = now or timezone.now()
    if automatic and item.mention.severity != Severity.CRITICAL:
        raise ValidationError("Only critical items are escalated automatically.", code="not_critical")
    with transaction.atomic():
        lock(item)
        existing = Escalation.objects.filter(item=item, contact=contact).first()
        if existing:
            return existing, False
        try:
            with transaction.atomic():
                escalation = Escalation.objects.create(
                    item=item,
                    contact=contact,
                    escalated_by=user,
                    automatic=automatic,
                    note=note.strip(),
                    link=link or reverse("triage:queue_item", kwargs={"item_id": item.pk}),
                    created_at=now,
                )
        except IntegrityError:
            # The item lock makes this unreachable for callers that pass the item; kept for safety.
            return Escalation.objects.get(item=item, contact=contact), False
        audit_entry_record(
            item=item,
            actor=user,
            action=AuditEntry.Action.ESCALATED,
            before={},
            after={
                "escalation_id": escalation.pk,
                "contact": contact.name,
                "automatic": automatic,
            },
            now=now,
        )
        transaction.on_commit(
            partial(
                task_send_or_log,
                escalation_notify_task,
                escalation.pk,
                fallback=f"triage-escalations-sweep notifies escalation {escalation.pk} within minutes",
            )
        )
    return escalation, True


def auto_escalate_enabled() -> bool:
    return bool(getattr(settings, "ONCALL_AUTO_ESCALATE_CRITICAL", True))


def queue_items_escalate_critical(*, items: list[QueueItem], now: datetime | None = None) -> int:
    """Escalate the critical ones among newly queued items to every contact on call, when
    ONCALL_AUTO_ESCALATE_CRITICAL is on (the default). Returns how many escalations were made.

    Creates Escalations and AuditEntries (actor: the system); enqueues one notify task each.
    """
    if not auto_escalate_enabled():
        return 0
    critical = [item for item in items if item.mention.severity == Severity.CRITICAL]
    if not critical:
        return 0
    now = now or timezone.now()
    contacts = oncall_contacts_current(now=now)
    if not contacts:
        logger.warning("%d critical items queued but nobody is on call to escalate to", len(critical))
        return 0
    made = 0
    for item in critical:
        for contact in contacts:
            made += queue_item_escalate(item=item, contact=contact, automatic=True, now=now)[1]
    return made


def escalation_message(escalation: Escalation) -> tuple[str, str]:
    """The subject and body sent to the contact. The post's text is included: it is already public, and
    the contact needs it to act; nothing from internal notes is."""
    item = escalation.item
    mention = item.mention
    who = "automatically (critical)" if escalation.automatic else f"by {escalation.escalated_by or 'someone'}"
    hospital = mention.hospital.name if mention.hospital_id else "no hospital"
    subject = f"Escalated complaint: {mention.get_severity_display() or 'untagged'} {hospital} item {item.pk}"
    lines = [
        f"A complaint was escalated to you {who}.",
        f"Severity: {mention.get_severity_display() or 'not tagged'}. "
        f"Category: {mention.get_category_display() or 'not tagged'}.",
        f"Hospital: {hospital}. Source: {mention.get_platform_display()}"
        + (f" (@{mention.author_handle})" if mention.author_handle else ""),
        f'Post: "{mention.text[:500]}"',
    ]
    if escalation.note:
        lines.append(f"Note: {escalation.note}")
    lines.append(f"Open the item: {escalation.link}")
    return subject[:150], "\n".join(lines)


def _claim(escalation_id: int, now: datetime) -> bool:
    claimable = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return (
        Escalation.objects.filter(claimable, pk=escalation_id, status=Escalation.Status.PENDING).update(
            claimed_until=now + NOTIFY_CLAIM
        )
        == 1
    )


def _send_email(escalation: Escalation, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, None, [escalation.contact.email])
    except (smtplib.SMTPException, OSError) as error:
        raise EscalationNotifyError(
            f"Could not email {escalation.contact.email}: {error}", permanent=False
        ) from error


def _send_webhook(escalation: Escalation, body: str) -> None:
    # An admin types the contact's webhook URL: it gets the same SSRF guard as webhook endpoints, at
    # connection time too (DNS may have changed since the form checked it).
    url = escalation.contact.webhook_url
    try:
        delivery_url_check(url)
        with checked_session() as session:
            response = session.post(url, json={"text": body}, timeout=WEBHOOK_TIMEOUT_SECONDS)
    except UnsafeDestination as error:
        raise EscalationNotifyError(f"The webhook address was refused: {error}", permanent=True) from error
    except requests.RequestException as error:
        raise EscalationNotifyError(f"Could not reach the webhook: {error}", permanent=False) from error
    if response.status_code >= 400:
        # 408, 425, 429 and 5xx may pass; any other 4xx means the address or its secret is wrong.
        transient = response.status_code in (408, 425, 429) or response.status_code >= 500
        raise EscalationNotifyError(
            f"The webhook answered {response.status_code}: {response.text[:200]}", permanent=not transient
        )


def escalation_notify(*, escalation_id: int, now: datetime | None = None) -> Escalation:
    """Notify the escalation's contact by email and (if set) webhook, each once (called by
    triage.escalation_notify). Does nothing for an escalation already notified or being notified.

    Updates the Escalation (sent times, attempts, error, status); writes an AuditEntry when it is done or
    fails for good; sends one email and one webhook POST. Raises EscalationNotifyError when a transient
    failure should be retried; a permanent one marks it failed.
    """
    now = now or timezone.now()
    if not _claim(escalation_id, now):
        return Escalation.objects.get(pk=escalation_id)
    escalation = Escalation.objects.select_related("contact", "item__mention__hospital", "escalated_by").get(
        pk=escalation_id
    )
    Escalation.objects.filter(pk=escalation_id).update(attempts=escalation.attempts + 1)
    subject, body = escalation_message(escalation)
    try:
        if escalation.email_sent_at is None:
            _send_email(escalation, subject, body)
            # Stamped at once, on its own, so a retry after a webhook failure does not email again.
            Escalation.objects.filter(pk=escalation_id).update(email_sent_at=timezone.now())
        if escalation.contact.webhook_url and escalation.webhook_sent_at is None:
            _send_webhook(escalation, body)
            Escalation.objects.filter(pk=escalation_id).update(webhook_sent_at=timezone.now())
    except EscalationNotifyError as error:
        if error.permanent:
            return _finish(escalation_id, failed_with=str(error), now=timezone.now())
        Escalation.objects.filter(pk=escalation_id).update(claimed_until=None, error=str(error))
        raise
    return _finish(escalation_id, failed_with="", now=timezone.now())


def escalation_notify_give_up(*, escalation_id: int, error: Exception) -> Escalation:
    """Stop retrying: mark the escalation failed with the last reason. Writes an AuditEntry."""
    return _finish(escalation_id, failed_with=str(error), now=timezone.now())


def _finish(escalation_id: int, *, failed_with: str, now: datetime) -> Escalation:
    escalation = Escalation.objects.select_related("item", "contact").get(pk=escalation_id)
    with transaction.atomic():
        lock(escalation.item)
        escalation.refresh_from_db()
        if escalation.status != Escalation.Status.PENDING:
            return escalation
        escalation.status = Escalation.Status.FAILED if failed_with else Escalation.Status.SENT
        escalation.error = failed_with
        escalation.claimed_until = None
        escalation.save(update_fields=["status", "error", "claimed_until"])
        audit_entry_record(
            item=escalation.item,
            actor=None,
            action=AuditEntry.Action.ESCALATION_FAILED if failed_with else AuditEntry.Action.ESCALATION_SENT,
            before={},
            after={
                "escalation_id": escalation.pk,
                "contact": escalation.contact.name,
                "email_sent": escalation.email_sent_at is not None,
                "webhook_sent": escalation.webhook_sent_at is not None,
                **({"error": failed_with} if failed_with else {}),
            },
            now=now,
        )
    return escalation
