"""Replies left in "sending": the send task was lost (broker flushed, worker killed between retries) or kept
failing without giving up. The sweeper settles each one without ever posting:

- a reply never attempted (attempts == 0, counted before any platform call) cannot be on the platform:
  it is marked failed, to be posted again by a person;
- otherwise the platform is asked for the account's reply to the post with the same text (the check the
  send path makes before a retry): found, the reply is recorded as sent; not there, it is marked failed.

Posting again later goes through reply_send_enqueue and reply_send, which look on the platform first
whenever an earlier attempt exists, so a failed mark here never leads to a second post.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from sources.connectors import connector_for
from sources.connectors.base import ConnectorError
from sources.services import costs
from sources.services.credentials import source_settings
from triage.models import Reply
from triage.services.replies import SEND_CLAIM, _record_failure, _record_sent

logger = logging.getLogger(__name__)

# Past this long without any answer from the platform, the reply is marked failed rather than left
# "sending" for ever; a person checks the post (the next send looks on the platform first anyway).
GIVE_UP_CHECKING_AFTER = timedelta(hours=24)
RESEND_HELP = (
    "Nothing was posted. Check the draft and post it again; the send first looks on the platform, so it "
    "never posts twice."
)


@dataclass(slots=True)
class SweepResult:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    unresolved: list[int] = field(default_factory=list)


def stuck_after() -> timedelta:
    """How long a reply may stay "sending" before the sweeper settles it. Longer than the send task's
    longest wait between retries (15 minutes), so a reply still being retried is left alone."""
    return timedelta(minutes=int(getattr(settings, "REPLY_SENDING_STUCK_MINUTES", 30)))


def replies_sweep_stuck(*, now: datetime | None = None) -> SweepResult:
    """Settle every reply "sending" for longer than REPLY_SENDING_STUCK_MINUTES (see reply_resolve_stuck).

    Updates Replies and their items; writes AuditEntries; calls the platforms' read APIs only.
    """
    now = now or timezone.now()
    result = SweepResult()
    stuck = Reply.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        status=Reply.Status.SENDING,
        platform_reply_id="",
        updated_at__lt=now - stuck_after(),
    )
    for reply_id in stuck.order_by("pk").values_list("pk", flat=True):
        reply = reply_resolve_stuck(reply_id=reply_id, now=now)
        if reply is None or reply.status == Reply.Status.SENDING:
            result.unresolved.append(reply_id)
        elif reply.status == Reply.Status.SENT:
            result.sent.append(reply_id)
        else:
            result.failed.append(reply_id)
    return result


def _claim(reply_id: int, now: datetime) -> Reply | None:
    """Hold the reply while the platform is asked, exactly like a send attempt does, so a late send task
    waits; attempts is not counted (nothing is posted) and updated_at, the moment it got stuck, is kept."""
    claimable = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    claimed = Reply.objects.filter(
        claimable,
        pk=reply_id,
        status=Reply.Status.SENDING,
        platform_reply_id="",
        updated_at__lt=now - stuck_after(),
    ).update(claimed_until=now + SEND_CLAIM)
    if claimed != 1:
        return None
    return Reply.objects.select_related("item__mention__source").get(pk=reply_id)


def reply_resolve_stuck(*, reply_id: int, now: datetime | None = None) -> Reply | None:
    """Settle one stuck reply: sent (found on the platform) or failed (not there, or never attempted),
    with the reason on the reply. Left "sending" when the platform cannot be asked right now, until
    GIVE_UP_CHECKING_AFTER. Returns None when the reply is not stuck (any more). Never posts.

    Updates the Reply and its item; writes AuditEntries.
    """
    now = now or timezone.now()
    reply = _claim(reply_id, now)
    if reply is None:
        return None
    stuck_minutes = int((now - reply.updated_at).total_seconds() // 60)
    if reply.attempts == 0:
        error = ConnectorError(
            f"The reply waited {stuck_minutes} minutes in “sending” and was never tried: the send task was "
            "lost.",
            how_to_fix=RESEND_HELP,
        )
        return _record_failure(reply_id, error=error, now=now)
    mention = reply.item.mention
    try:
        connector = connector_for(mention.source.kind, source_settings(mention.source))
        try:
            parent = connector.reply_parent(external_id=mention.external_id, raw=mention.raw)
            found = connector.find_existing_reply(parent_external_id=parent, text=reply.text)
        finally:
            costs.quota_units_record(source=mention.source, units=connector.quota_units_used)
    except ConnectorError as error:
        return _unanswered(reply, error=error, now=now)
    if found is not None:
        logger.info("stuck reply %s was on the platform as %s", reply_id, found.platform_reply_id)
        return _record_sent(reply_id, sent=found, now=now)
    platform = mention.get_platform_display()
    error = ConnectorError(
        f"The reply waited {stuck_minutes} minutes in “sending”; {platform} shows no such reply from the "
        "account, so it was not posted.",
        how_to_fix=RESEND_HELP,
    )
    return _record_failure(reply_id, error=error, now=now)


def _unanswered(reply: Reply, *, error: ConnectorError, now: datetime) -> Reply:
    """The platform could not be asked. A transient failure is tried again at the next sweep; a permanent
    one (or a day of transient ones) fails the reply, saying it may or may not be on the platform."""
    if not error.permanent and now - reply.updated_at < GIVE_UP_CHECKING_AFTER:
        Reply.objects.filter(pk=reply.pk, status=Reply.Status.SENDING).update(
            claimed_until=None, error=f"Could not check whether the reply was posted: {error}"
        )
        reply.refresh_from_db()
        return reply
    platform = reply.item.mention.get_platform_display()
    failure = ConnectorError(
        f"The reply was stuck in “sending” and {platform} could not be asked whether it was posted: {error}",
        how_to_fix=(
            f"Open the post on {platform}. If the reply is there, mark the item as handled elsewhere with "
            "its link; if not, post it again (the send looks on the platform first). "
            + (error.how_to_fix or "")
        ).strip(),
    )
    return _record_failure(reply.pk, error=failure, now=now)
