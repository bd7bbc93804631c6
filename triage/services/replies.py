"""Public replies: drafting from templates, the PHI check, approval, and posting each reply exactly once.

Sending is split in two: `reply_send_enqueue` (a person's click) moves the reply to "sending" and enqueues
triage.reply_send after commit; `reply_send` (the task) posts it. Posting is idempotent:
- a reply with a platform_reply_id is never posted again;
- a worker claims the reply with a conditional UPDATE (status "sending", no platform id, no live claim),
  so two deliveries of the task never post at the same time;
- the attempt is counted and committed *before* the platform is called, so a retry knows an earlier
  attempt may have reached the platform (the worker was killed, or the recording failed) and first asks
  the platform for the account's reply to the same post with the same text (`find_existing_reply`),
  recording that one instead of posting again. Both calls name the post as the connector's `reply_parent`
  does, so a reply is looked for where it was posted (an Instagram @mention, for one).
docs/replies.md describes the flow for users.
"""

import logging
import re
import string
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from mentions.models import Mention, Platform
from sources.connectors import CONNECTORS, connector_for
from sources.connectors.base import ConnectorError, DailyQuotaExceeded, SentReply
from sources.models import Source
from sources.services import costs
from sources.services.credentials import source_settings
from triage.models import REPLY_PLACEHOLDERS, AuditEntry, QueueItem, Reply, ReplyTemplate, Status
from triage.phi import Finding, check_reply_draft, has_blocking
from triage.services._common import audit_entry_record, lock
from triage.services.workflow import queue_item_transition
from triage.x_text import X_MAX_WEIGHTED_LENGTH, x_weighted_length
from webhooks.events import reply_sent_emit

logger = logging.getLogger(__name__)

# The platforms this project can post replies to, and the source kind whose account posts them. Mentions
# from anywhere else (news, web pages, review sites, Bluesky, Google reviews, demo data, imports) are
# answered on the platform by a person and marked as handled elsewhere.
REPLY_SOURCE_KINDS: dict[str, str] = {
    Platform.X: Source.Kind.X,
    Platform.REDDIT: Source.Kind.REDDIT,
    Platform.FACEBOOK: Source.Kind.FACEBOOK_PAGE,
    Platform.INSTAGRAM: Source.Kind.INSTAGRAM,
    Platform.YOUTUBE: Source.Kind.YOUTUBE,
    Platform.LINKEDIN: Source.Kind.LINKEDIN,
}
# X counts 280 weighted characters (triage/x_text.py); Reddit allows 10,000 in a comment, Facebook 8,000
# and Instagram 2,200.
MAX_REPLY_LENGTH: dict[str, int] = {
    Platform.X: X_MAX_WEIGHTED_LENGTH,
    Platform.REDDIT: 10_000,
    Platform.FACEBOOK: 8_000,
    Platform.INSTAGRAM: 2_200,
    # YouTube takes 10,000 characters in a comment; LinkedIn 1,250.
    Platform.YOUTUBE: 10_000,
    Platform.LINKEDIN: 1_250,
}
# A claim outlives the task's hard time limit (triage/tasks.py), so a live attempt is never overtaken; an
# attempt whose worker died frees the reply when its claim runs out.
SEND_CLAIM = timedelta(seconds=180)
EDITABLE = (Reply.Status.DRAFT, Reply.Status.PENDING_APPROVAL, Reply.Status.APPROVED)
QUOTA_REPLY_FIX = (
    "Post the reply again after the quota resets (the source's page shows today's units), or reply on the "
    "platform yourself and mark the item as handled elsewhere."
)
FIRST_NAME_FALLBACK = "there"
_FIRST_NAME = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)?")


class ReplySendInProgress(Exception):
    """Another attempt holds the reply; try again when its claim runs out."""

    def __init__(self, message: str, *, retry_after: float):
        super().__init__(message)
        self.retry_after = retry_after


def hospital_contacts() -> dict[str, Any]:
    """The hospital's published contact details (settings), for placeholders and the PHI allow-list."""
    return {
        "phone": str(getattr(settings, "HOSPITAL_CONTACT_PHONE", "") or ""),
        "email": str(getattr(settings, "HOSPITAL_CONTACT_EMAIL", "") or ""),
        "domains": tuple(getattr(settings, "HOSPITAL_DOMAINS", ()) or ()),
    }


def reply_approval_required() -> bool:
    return bool(getattr(settings, "REPLY_APPROVAL_REQUIRED", True))


def reply_sending_unsupported_reason(*, mention: Mention) -> str:
    """Why a reply to this mention cannot be posted from here ("" when it can)."""
    kind = REPLY_SOURCE_KINDS.get(mention.platform)
    if kind is None:
        return (
            f"Replies to {mention.get_platform_display()} cannot be posted from here. Reply on the site "
            "itself, or follow up privately, then mark the item as handled elsewhere."
        )
    if mention.source.kind != kind:
        return (
            f"This mention came from “{mention.source}”, which has no {mention.get_platform_display()} "
            "account to reply with. Reply on the platform yourself, then mark the item as handled elsewhere."
        )
    return ""


def _first_name(author_name: str) -> str:
    words = author_name.split()
    match = _FIRST_NAME.fullmatch(words[0]) if words else None
    # Handles like "RGH_Watcher" or "👋" are not names to greet anyone by.
    return match.group() if match and match.group()[0].isupper() else FIRST_NAME_FALLBACK


def reply_template_render(*, template: ReplyTemplate, item: QueueItem) -> str:
    """The template's text for this item with its placeholders filled in (writes nothing).

    Raises ValidationError naming the setting to add when a contact placeholder has no value, rather than
    produce a reply that says "call us at ."
    """
    mention = item.mention
    contacts = hospital_contacts()
    values = {
        "hospital": mention.hospital.name if mention.hospital_id else "our hospital",
        "contact_phone": contacts["phone"],
        "contact_email": contacts["email"],
        "first_name": _first_name(mention.author_name),
    }
    fields = [field for _, field, _, _ in string.Formatter().parse(template.body) if field is not None]
    for field in fields:
        if field not in REPLY_PLACEHOLDERS:
            raise ValidationError(
                f"The template “{template}” uses an unknown placeholder {{{field}}}; fix it in the admin.",
                code="placeholder",
            )
        if not values[field]:
            setting = {"contact_phone": "HOSPITAL_CONTACT_PHONE", "contact_email": "HOSPITAL_CONTACT_EMAIL"}
            raise ValidationError(
                f"The template “{template}” needs {{{field}}}, which is not set: add "
                f"{setting.get(field, field)} to the settings.",
                code="missing_contact",
            )
    return template.body.format_map(values)


def _check(text: str) -> list[Finding]:
    contacts = hospital_contacts()
    return check_reply_draft(
        text,
        hospital_phones=[contacts["phone"]] if contacts["phone"] else [],
        hospital_emails=[contacts["email"]] if contacts["email"] else [],
        hospital_domains=contacts["domains"],
    )


def _findings_json(findings: list[Finding]) -> list[dict[str, Any]]:
    return [
        {"kind": f.kind, "severity": f.severity, "message": f.message, "start": f.start, "end": f.end}
        for f in findings
    ]


def _lock_reply(reply: Reply) -> None:
    reply.refresh_from_db(from_queryset=Reply.objects.select_for_update(of=("self",)))


def _audit(reply: Reply, *, actor, action: str, before: dict, now: datetime, **after: Any) -> None:
    audit_entry_record(
        item=reply.item,
        actor=actor,
        action=action,
        before=before,
        after={"reply_id": reply.pk, "reply_status": reply.status, **after},
        now=now,
    )


def _refuse_blocked(reply: Reply, findings: list[Finding]) -> None:
    if has_blocking(findings):
        kinds = ", ".join(sorted({f.kind for f in findings if f.severity == "block"}))
        raise ValidationError(
            f"This reply must not be posted as written: the PHI check blocks it ({kinds}). Edit the draft.",
            code="phi_blocked",
        )


def reply_length(*, platform: str, text: str) -> int:
    """The length the platform counts: X weighs characters (links 23, emoji and CJK 2); others count
    characters."""
    return x_weighted_length(text) if platform == Platform.X else len(text)


def _check_length(reply: Reply) -> None:
    platform = reply.item.mention.platform
    limit = MAX_REPLY_LENGTH.get(platform)
    length = reply_length(platform=platform, text=reply.text)
    if limit and length > limit:
        how = " as X counts them (links 23, emoji and CJK characters 2)" if platform == Platform.X else ""
        raise ValidationError(
            f"{reply.item.mention.get_platform_display()} allows {limit} characters in a reply; this one has "
            f"{length}{how}. Shorten it by {length - limit}.",
            code="too_long",
        )


def reply_draft_save(*, item: QueueItem, user, text: str, now: datetime | None = None) -> Reply:
    """Save the item's reply draft and run the PHI check on it, with the hospital's contacts allowed.

    Updates the item's open draft (one waiting for approval or approved goes back to draft, its approval
    withdrawn) or creates a Reply; stores the findings (a blocked draft is saved, flagged, and can be
    neither approved nor sent); writes an AuditEntry.
    """
    text = text.strip()
    if not text:
        raise ValidationError("A reply needs some text.", code="empty")
    now = now or timezone.now()
    findings = _check(text)
    with transaction.atomic():
        lock(item)
        reply = (
            Reply.objects.select_for_update(of=("self",))
            .filter(item=item, status__in=EDITABLE)
            .order_by("-created_at", "-id")
            .first()
        )
        before = {"reply_status": reply.status} if reply else {}
        if reply is None:
            reply = Reply(item=item, created_by=user, created_at=now)
        reply.item = item
        reply.text = text
        reply.status = Reply.Status.DRAFT
        reply.phi_findings = _findings_json(findings)
        reply.phi_blocked = has_blocking(findings)
        reply.approved_by, reply.approved_at = None, None
        reply.save()
        _audit(
            reply,
            actor=user,
            action=AuditEntry.Action.REPLY_DRAFTED,
            before=before,
            now=now,
            phi_blocked=reply.phi_blocked,
            phi_findings=sorted({f.kind for f in findings}),
        )
    return reply


def reply_submit(*, reply: Reply, user, now: datetime | None = None) -> Reply:
    """Submit a draft: to "waiting for approval" when settings.REPLY_APPROVAL_REQUIRED (the default), else
    straight to approved (the submitter's own approval).

    Updates the Reply; writes an AuditEntry. Refuses drafts the PHI check blocks and over-long ones.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock(reply.item)
        _lock_reply(reply)
        if reply.status != Reply.Status.DRAFT:
            raise ValidationError(
                f"Only a draft can be submitted; this reply is “{reply.get_status_display()}”.",
                code="not_draft",
            )
        _refuse_blocked(reply, _check(reply.text))
        _check_length(reply)
        before = {"reply_status": reply.status}
        if reply_approval_required():
            reply.status = Reply.Status.PENDING_APPROVAL
            action = AuditEntry.Action.REPLY_SUBMITTED
        else:
            reply.status = Reply.Status.APPROVED
            reply.approved_by, reply.approved_at = user, now
            action = AuditEntry.Action.REPLY_APPROVED
        reply.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        _audit(reply, actor=user, action=action, before=before, now=now)
    return reply


def reply_approve(*, reply: Reply, user, now: datetime | None = None) -> Reply:
    """Approve a reply waiting for approval. Needs the triage.approve_reply permission, and the approver
    may not be its author (four eyes on everything the hospital says in public).

    Updates the Reply (approved_by, approved_at); writes an AuditEntry.
    """
    if user is None or not user.has_perm("triage.approve_reply"):
        raise PermissionDenied("Approving replies needs the “Can approve public replies” permission.")
    now = now or timezone.now()
    with transaction.atomic():
        lock(reply.item)
        _lock_reply(reply)
        if reply.status != Reply.Status.PENDING_APPROVAL:
            raise ValidationError(
                f"Only a reply waiting for approval can be approved; this one is "
                f"“{reply.get_status_display()}”.",
                code="not_pending",
            )
        if reply.created_by_id == user.pk:
            raise PermissionDenied("You wrote this reply; someone else must approve it.")
        _refuse_blocked(reply, _check(reply.text))
        before = {"reply_status": reply.status}
        reply.status = Reply.Status.APPROVED
        reply.approved_by, reply.approved_at = user, now
        reply.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        _audit(reply, actor=user, action=AuditEntry.Action.REPLY_APPROVED, before=before, now=now)
    return reply


def reply_send_enqueue(*, reply: Reply, user, now: datetime | None = None) -> Reply:
    """Post an approved reply (or try a failed one again): moves it to "sending" and enqueues
    triage.reply_send after commit. A reply already sending or sent is returned as is, so a second click
    posts nothing.

    Updates the Reply (status, sent_by); writes an AuditEntry; enqueues one task.
    """
    from triage.tasks import reply_send_task  # The tasks module imports this one.

    now = now or timezone.now()
    with transaction.atomic():
        lock(reply.item)
        _lock_reply(reply)
        if reply.status in (Reply.Status.SENDING, Reply.Status.SENT):
            return reply
        if reply.status not in (Reply.Status.APPROVED, Reply.Status.FAILED) or not reply.approved_at:
            raise ValidationError(
                f"Only an approved reply can be posted; this one is “{reply.get_status_display()}”.",
                code="not_approved",
            )
        mention = reply.item.mention
        unsupported = reply_sending_unsupported_reason(mention=mention)
        if unsupported:
            raise ValidationError(unsupported, code="unsupported_platform")
        if not reply.item.is_open:
            raise ValidationError(
                "This item is closed; reopen it before posting a reply.", code="item_closed"
            )
        _refuse_blocked(reply, _check(reply.text))
        _check_length(reply)
        # A reply tried before looks on the platform first, which costs quota too.
        refusal = _quota_refusal(mention.source, look_first=reply.attempts > 0)
        if refusal:
            raise ValidationError(refusal, code="quota")
        before = {"reply_status": reply.status}
        reply.status = Reply.Status.SENDING
        reply.sent_by = user
        reply.error, reply.how_to_fix = "", ""
        try:
            with transaction.atomic():
                reply.save(update_fields=["status", "sent_by", "error", "how_to_fix", "updated_at"])
        except IntegrityError:
            raise ValidationError(
                "Another reply to this item is being posted or was posted already.", code="already_replied"
            ) from None
        _audit(reply, actor=user, action=AuditEntry.Action.REPLY_QUEUED, before=before, now=now)
        transaction.on_commit(partial(reply_send_task.delay, reply.pk))
    return reply


def _claim(reply_id: int, now: datetime) -> bool:
    """Take the reply for one attempt. The UPDATE commits on its own (autocommit), so the attempt is on
    record before the platform is called, whatever happens to this worker afterwards."""
    claimable = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    claimed = Reply.objects.filter(
        claimable, pk=reply_id, status=Reply.Status.SENDING, platform_reply_id=""
    ).update(claimed_until=now + SEND_CLAIM, attempts=F("attempts") + 1, updated_at=now)
    return claimed == 1


def reply_send(*, reply_id: int, now: datetime | None = None) -> Reply:
    """Post a reply that is "sending" to the platform, exactly once (called by triage.reply_send).

    Does nothing for a reply already posted or no longer sending. Otherwise claims it, counts the attempt,
    and (when an earlier attempt may have reached the platform) looks there for the reply first; then
    posts through the source's connector. On success records platform_reply_id, platform_reply_url and
    sent_at, moves the item to replied (first response time) and writes AuditEntries. A permanent
    ConnectorError marks the reply failed with the platform's message and how to fix it; a transient one
    is re-raised for the task to retry. Raises Reply.DoesNotExist, ReplySendInProgress.
    """
    now = now or timezone.now()
    if not _claim(reply_id, now):
        reply = Reply.objects.get(pk=reply_id)
        if reply.status != Reply.Status.SENDING or reply.platform_reply_id:
            logger.info("reply %s is %s; nothing to post", reply_id, reply.status)
            return reply
        wait = max((reply.claimed_until - now).total_seconds(), 1.0) if reply.claimed_until else 1.0
        raise ReplySendInProgress(f"reply {reply_id} is being posted by another attempt", retry_after=wait)
    reply = Reply.objects.select_related("item__mention__source").get(pk=reply_id)
    mention = reply.item.mention
    try:
        if has_blocking(_check(reply.text)):
            # The settings changed since approval (a contact was removed): never post what the check blocks.
            raise ConnectorError(
                "The PHI check now blocks this reply, so it was not posted.",
                how_to_fix="Edit the draft, have it approved again and post it.",
            )
        unsupported = reply_sending_unsupported_reason(mention=mention)
        if unsupported:
            raise ConnectorError(unsupported, how_to_fix="Mark the item as handled elsewhere.")
        connector = connector_for(mention.source.kind, source_settings(mention.source))
        look_first = reply.attempts > 1
        refusal = _quota_refusal(mention.source, look_first=look_first)
        if refusal:
            raise ConnectorError(refusal, how_to_fix=QUOTA_REPLY_FIX)
        try:
            parent = connector.reply_parent(external_id=mention.external_id, raw=mention.raw)
            sent = None
            if look_first:
                sent = connector.find_existing_reply(parent_external_id=parent, text=reply.text)
            if sent is None:
                sent = connector.send_reply(parent_external_id=parent, text=reply.text)
        finally:
            costs.quota_units_record(source=mention.source, units=connector.quota_units_used)
    except DailyQuotaExceeded as error:
        # Retrying before the quota resets only fails again: nothing was posted, so a person posts it later.
        costs.quota_spent_record(source=mention.source)
        refused = ConnectorError(
            f"Not posted: the platform says the daily quota is used up ({error}).", how_to_fix=QUOTA_REPLY_FIX
        )
        return _record_failure(reply_id, error=refused, now=timezone.now())
    except ConnectorError as error:
        if error.permanent:
            return _record_failure(reply_id, error=error, now=timezone.now())
        _release(reply_id, error=error)
        raise
    return _record_sent(reply_id, sent=sent, now=timezone.now())


def _quota_refusal(source: Source, *, look_first: bool) -> str:
    """Why the source's daily quota cannot take one more reply today ("" when it can, or has no quota)."""
    connector_class = CONNECTORS.get(source.kind)
    units = connector_class.reply_quota_units(look_first=look_first) if connector_class else 0
    return costs.quota_reply_refusal(source=source, units=units) if units else ""


def _release(reply_id: int, *, error: ConnectorError) -> None:
    """Free the reply for the task's retry, keeping the reason it failed this time."""
    Reply.objects.filter(pk=reply_id, status=Reply.Status.SENDING, platform_reply_id="").update(
        claimed_until=None, error=str(error), how_to_fix=error.how_to_fix, updated_at=timezone.now()
    )


def _record_sent(reply_id: int, *, sent: SentReply, now: datetime) -> Reply:
    reply = Reply.objects.select_related("item").get(pk=reply_id)
    with transaction.atomic():
        lock(reply.item)
        _lock_reply(reply)
        if reply.platform_reply_id:
            return reply
        before = {"reply_status": reply.status}
        reply.status = Reply.Status.SENT
        reply.platform_reply_id, reply.platform_reply_url = sent.platform_reply_id, sent.url
        reply.sent_at = now
        reply.claimed_until = None
        reply.error, reply.how_to_fix = "", ""
        reply.save()
        _audit(
            reply,
            actor=reply.sent_by,
            action=AuditEntry.Action.REPLY_SENT,
            before=before,
            now=now,
            platform_reply_id=reply.platform_reply_id,
            platform_reply_url=reply.platform_reply_url,
            attempts=reply.attempts,
        )
        _item_replied(reply.item, user=reply.sent_by, now=now)
        reply_sent_emit(reply_id=reply.pk)
    return reply


def _record_failure(reply_id: int, *, error: ConnectorError, now: datetime) -> Reply:
    reply = Reply.objects.select_related("item").get(pk=reply_id)
    with transaction.atomic():
        lock(reply.item)
        _lock_reply(reply)
        if reply.status != Reply.Status.SENDING or reply.platform_reply_id:
            return reply
        before = {"reply_status": reply.status}
        reply.status = Reply.Status.FAILED
        reply.error, reply.how_to_fix = str(error), error.how_to_fix
        reply.claimed_until = None
        reply.save(update_fields=["status", "error", "how_to_fix", "claimed_until", "updated_at"])
        _audit(
            reply,
            actor=None,
            action=AuditEntry.Action.REPLY_FAILED,
            before=before,
            now=now,
            error=reply.error,
        )
    return reply


def reply_send_give_up(*, reply_id: int, error: Exception, now: datetime | None = None) -> Reply:
    """Stop retrying a reply whose attempts kept failing for transient reasons: marks it failed with the
    last reason (the reply may be tried again; that attempt looks on the platform before posting).

    Updates the Reply; writes an AuditEntry.
    """
    how_to_fix = getattr(error, "how_to_fix", "") or (
        "The platform kept failing. Check the post on the platform: if the reply is not there, post it again "
        "later; if it is, mark the item as handled elsewhere with its link."
    )
    return _record_failure(
        reply_id, error=ConnectorError(str(error), how_to_fix=how_to_fix), now=now or timezone.now()
    )


def _item_replied(item: QueueItem, *, user, now: datetime) -> None:
    """Move the item to replied, through the status machine so the first response time is set once. A new
    item passes through "in progress" (somebody evidently worked on it); a closed one stays closed."""
    if item.status == Status.NEW:
        queue_item_transition(item=item, user=user, status=Status.IN_PROGRESS, now=now)
    if item.status in (Status.ASSIGNED, Status.IN_PROGRESS):
        queue_item_transition(item=item, user=user, status=Status.REPLIED, now=now)


def reply_mark_elsewhere(
    *, item: QueueItem, user, url: str = "", note: str = "", now: datetime | None = None
) -> Reply:
    """Record that the item was answered outside this app: on a platform we cannot post to, or privately.

    Creates a Reply with status "handled elsewhere" (elsewhere_url, the note as its text), moves the item
    to replied (first response time) and writes AuditEntries.
    """
    url, note = url.strip(), note.strip()
    if not url and not note:
        raise ValidationError(
            "Give the link to the reply, or a note on how it was handled (for a private follow-up).",
            code="empty",
        )
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError(f"“{url}” is not a web address.", code="invalid_url") from None
    now = now or timezone.now()
    with transaction.atomic():
        lock(item)
        if not item.is_open:
            raise ValidationError("This item is closed; reopen it first.", code="item_closed")
        reply = Reply.objects.create(
            item=item,
            text=note,
            status=Reply.Status.REPLIED_ELSEWHERE,
            elsewhere_url=url,
            created_by=user,
            sent_by=user,
            sent_at=now,
            created_at=now,
        )
        _audit(
            reply, actor=user, action=AuditEntry.Action.REPLY_ELSEWHERE, before={}, now=now, elsewhere_url=url
        )
        _item_replied(item, user=user, now=now)
    return reply
