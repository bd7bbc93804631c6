"""What each event says, and the one-line emitters the other apps call after their writes.

Payloads carry what the mention itself shows publicly (the post, its author's public handle, our tags) and
the queue's workflow state. They never carry internal notes, harm levels, the action taken or anything a
person typed about the patient: a webhook leaves the building.
"""

from collections.abc import Iterable
from functools import partial

from clusters.models import Cluster
from mentions.models import Mention
from triage.models import QueueItem, Reply
from webhooks.models import Event
from webhooks.services import webhook_event_emit


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _hospital(hospital) -> dict | None:
    return {"id": hospital.pk, "slug": hospital.slug, "name": hospital.name} if hospital else None


def mention_data(mention: Mention) -> dict:
    return {
        "id": mention.pk,
        "platform": mention.platform,
        "url": mention.link_url,
        "posted_at": _iso(mention.posted_at),
        "author_handle": mention.author_handle,
        "author_name": mention.author_name,
        "title": mention.title,
        "text": mention.text,
        "hospital": _hospital(mention.hospital),
        "sentiment": mention.sentiment_label,
        "is_complaint": mention.is_complaint,
        "category": mention.category,
        "severity": mention.severity,
    }


def queue_item_data(item: QueueItem) -> dict:
    return {
        "id": item.pk,
        "status": item.status,
        "priority": item.priority,
        "routed_to_risk": item.routed_to_risk,
        "created_at": _iso(item.created_at),
        "first_response_at": _iso(item.first_response_at),
        "resolved_at": _iso(item.resolved_at),
        "outcome": item.outcome,
        "sla_first_response_due": _iso(item.sla_first_response_due),
        "sla_resolution_due": _iso(item.sla_resolution_due),
    }


def _queue_items(item_ids: Iterable[int]):
    return (
        QueueItem.objects.select_related("mention__hospital")
        .defer("mention__raw", "mention__search_vector")
        .filter(pk__in=list(item_ids))
        .order_by("pk")
    )


def queue_item_payloads(*, item_ids: Iterable[int], previous_status: dict[int, str] | None = None) -> list:
    """The data of each item's event, read after commit (so it is what was saved)."""
    payloads = []
    for item in _queue_items(item_ids):
        data = {"queue_item": queue_item_data(item), "mention": mention_data(item.mention)}
        if previous_status is not None:
            data["previous_status"] = previous_status.get(item.pk)
        payloads.append(data)
    return payloads


def complaints_new_emit(*, item_ids: list[int], critical_item_ids: list[int]) -> None:
    """Complaints joined the queue: a new-complaint event each, and a critical one for the critical ones."""
    webhook_event_emit(event=Event.COMPLAINT_NEW, payload=partial(queue_item_payloads, item_ids=item_ids))
    if critical_item_ids:
        webhook_event_emit(
            event=Event.COMPLAINT_CRITICAL, payload=partial(queue_item_payloads, item_ids=critical_item_ids)
        )


def queue_items_created_emit(*, items: Iterable[QueueItem]) -> None:
    items = list(items)
    critical = [item.pk for item in items if item.mention.severity == "critical"]
    complaints_new_emit(item_ids=[item.pk for item in items], critical_item_ids=critical)


def queue_item_status_changes_emit(*, entries: Iterable) -> None:
    """A status-changed event per audit entry (one per item and action) whose status moved."""
    previous = {
        entry.item_id: entry.before["status"]
        for entry in entries
        if "status" in entry.before
        and entry.before["status"] != entry.after.get("status", entry.before["status"])
    }
    if previous:
        webhook_event_emit(
            event=Event.STATUS_CHANGED,
            payload=partial(queue_item_payloads, item_ids=list(previous), previous_status=previous),
        )


def queue_item_severity_emit(*, item_id: int, before: dict, after: dict) -> None:
    """A correction that made a complaint critical announces it like a new critical complaint."""
    if after.get("severity") == "critical" and before.get("severity") != "critical":
        webhook_event_emit(
            event=Event.COMPLAINT_CRITICAL, payload=partial(queue_item_payloads, item_ids=[item_id])
        )


def _reply_payload(*, reply_id: int) -> list:
    reply = Reply.objects.select_related("item__mention__hospital").filter(pk=reply_id).first()
    if reply is None:
        return []
    return [
        {
            "reply": {
                "id": reply.pk,
                "text": reply.text,  # Posted publicly on the platform.
                "platform_reply_url": reply.platform_reply_url,
                "sent_at": _iso(reply.sent_at),
            },
            "queue_item": queue_item_data(reply.item),
            "mention": mention_data(reply.item.mention),
        }
    ]


def reply_sent_emit(*, reply_id: int) -> None:
    webhook_event_emit(event=Event.REPLY_SENT, payload=partial(_reply_payload, reply_id=reply_id))


def _cluster_payload(*, cluster_id: int, recent: int, baseline: float) -> list:
    cluster = (
        Cluster.objects.select_related("hospital", "representative__hospital").filter(pk=cluster_id).first()
    )
    if cluster is None:
        return []
    return [
        {
            "cluster": {
                "id": cluster.pk,
                "title": cluster.title,
                "key_terms": list(cluster.key_terms),
                "hospital": _hospital(cluster.hospital),
                "size": cluster.size,
                "emerging_since": _iso(cluster.emerging_since),
                "complaints_last_7_days": recent,
                "weekly_baseline": round(baseline, 2),
            },
            "representative_mention": mention_data(cluster.representative)
            if cluster.representative
            else None,
        }
    ]


def cluster_emerging_emit(*, cluster_id: int, recent: int, baseline: float) -> None:
    webhook_event_emit(
        event=Event.CLUSTER_EMERGING,
        payload=partial(_cluster_payload, cluster_id=cluster_id, recent=recent, baseline=baseline),
    )
