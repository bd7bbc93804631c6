"""Replies from the queue to Instagram @mentions in other people's captions and comments, which Instagram
only takes through POST /{ig-user-id}/mentions: the mentions are stored by the webhook ingest, then answered
through recorded Graph API exchanges (tests/sources/connectors/recordings/instagram/), with the PHI check,
approval, and posting once and only once."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import responses
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from responses import matchers

from administration import roles
from mentions.models import Mention
from sources.connectors import connector_for
from sources.connectors.base import ConnectorError
from sources.connectors.instagram import MENTION_LOOK_FIX
from sources.models import Source, WebhookNotification
from sources.services.credentials import source_settings
from sources.services.webhooks import instagram_mentions_fetch
from tests.factories import SourceFactory, UserFactory
from triage.models import Reply, Status
from triage.services import (
    replies,
    reply_approve,
    reply_draft_save,
    reply_send,
    reply_send_enqueue,
    reply_submit,
)
from triage.services.reply_sweeper import replies_sweep_stuck
from triage.tasks import reply_send_task

from .factories import QueueItemFactory

RECORDINGS = Path(__file__).parents[1] / "sources" / "connectors" / "recordings" / "instagram"
NOW = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
IGU = "17841400008460056"
MEDIA = "17918195224117851"
COMMENT = "17894227972186120"
MENTIONS_URL = f"https://graph.facebook.com/v23.0/{IGU}/mentions"
CAPTION_TEXT = "We're sorry to hear this. Please contact our Patient Experience team at 555-0100."
COMMENT_TEXT = "We're sorry to hear this. Please contact our Billing Office at 555-0100."
CAPTION_REPLY_ID = "17846319838228163"
COMMENT_REPLY_ID = "17846319838228170"
READ_FIELDS = {
    "caption": (
        f"mentioned_media.media_id({MEDIA})"
        "{id,caption,media_type,timestamp,permalink,username,like_count,comments_count}"
    ),
    "comment": (
        f"mentioned_comment.comment_id({COMMENT}){{id,text,timestamp,like_count,media{{id,permalink}}}}"
    ),
}
LOOK_FIELDS = {
    "caption": f"username,mentioned_media.media_id({MEDIA}){{comments.limit(100){{id,text,username}}}}",
    "comment": f"username,mentioned_comment.comment_id({COMMENT}){{replies.limit(100){{id,text,username}}}}",
}


class WorkerKilled(BaseException):
    """The worker process dying between Instagram's answer and the database write."""


@pytest.fixture(autouse=True)
def hospital_settings(settings):
    settings.HOSPITAL_CONTACT_PHONE = "555-0100"
    settings.HOSPITAL_CONTACT_EMAIL = "patientexperience@riverside.example"
    settings.HOSPITAL_DOMAINS = ["riverside.example"]
    settings.REPLY_APPROVAL_REQUIRED = True


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def replay(http: responses.RequestsMock, name: str, *, fields: str | None = None) -> None:
    exchange = json.loads((RECORDINGS / name).read_text())
    request, response = exchange["request"], exchange["response"]
    match = [matchers.query_param_matcher({"fields": fields}, strict_match=False)] if fields else []
    http.add(request["method"], request["url"], status=response["status"], json=response["json"], match=match)


@pytest.fixture
def instagram(db, hospitals):
    return SourceFactory(
        name="Riverside Instagram",
        kind=Source.Kind.INSTAGRAM,
        config={"ig_user_id": IGU, "hospital_key": "hospital:riverside"},
        credentials={
            "access_token": "EAAGm0PX4ZCpsBA-ig-token",
            "app_secret": "6f1c0d2e9a8b7c6d5e4f3a2b1c0d9e8f",
        },
    )


@pytest.fixture
def mentions(instagram, http) -> dict[str, Mention]:
    """The caption and the comment @mentioning the account, stored by the webhook ingest as Meta announced
    them (recordings/instagram/webhook_mentions.json)."""
    payload = json.loads((RECORDINGS / "webhook_mentions.json").read_text())
    payload.pop("note")
    notification = WebhookNotification.objects.create(source=instagram, payload=payload)
    replay(http, "mentioned_media.json", fields=READ_FIELDS["caption"])
    replay(http, "mentioned_comment.json", fields=READ_FIELDS["comment"])
    instagram_mentions_fetch(notification_id=notification.pk)
    http.reset()
    return {
        "caption": Mention.objects.get(source=instagram, external_id=f"media:{MEDIA}"),
        "comment": Mention.objects.get(source=instagram, external_id=f"comment:{COMMENT}"),
    }


@pytest.fixture
def approver(db):
    dan = UserFactory(username="dan", first_name="Dan")
    dan.user_permissions.add(Permission.objects.get(codename="approve_reply"))
    return type(dan).objects.get(pk=dan.pk)


def sending_reply(mention: Mention, *, text: str, author, approver) -> Reply:
    """A reply approved by someone other than its author and put in "sending" (as reply_send_enqueue does)."""
    item = QueueItemFactory(mention=mention, status=Status.ASSIGNED, assignee=author)
    return Reply.objects.create(
        item=item,
        text=text,
        status=Reply.Status.SENDING,
        created_by=author,
        approved_by=approver,
        approved_at=NOW,
        sent_by=author,
    )


def mention_posts(http) -> list[dict[str, list[str]]]:
    """The forms of the replies Instagram accepted on the mentions edge."""
    return [
        parse_qs(call.request.body)
        for call in http.calls
        if call.request.method == "POST"
        and call.request.url.startswith(MENTIONS_URL)
        and call.response.status_code < 300
    ]


def test_the_webhook_ingest_marks_both_mentions_as_mentions(mentions):
    assert mentions["caption"].raw["found_by"] == mentions["comment"].raw["found_by"] == "mention"
    assert mentions["comment"].raw["media_id"] == MEDIA


def test_a_caption_mention_reply_passes_the_phi_check_and_approval_then_posts_once(
    http, mentions, alice, approver, django_capture_on_commit_callbacks
):
    item = QueueItemFactory(mention=mentions["caption"], status=Status.ASSIGNED, assignee=alice)
    blocked = reply_draft_save(
        item=item,
        user=alice,
        text="Sorry, during your stay in the ER Dr. Lee saw it. Call him at 555-867-5309",
    )
    with pytest.raises(ValidationError, match="PHI check blocks"):
        reply_submit(reply=blocked, user=alice)
    reply = reply_draft_save(item=item, user=alice, text=CAPTION_TEXT)
    reply_submit(reply=reply, user=alice)
    with pytest.raises(ValidationError, match="Only an approved reply"):
        reply_send_enqueue(reply=Reply.objects.get(pk=reply.pk), user=alice)
    reply_approve(reply=Reply.objects.get(pk=reply.pk), user=approver)
    with django_capture_on_commit_callbacks() as callbacks:
        reply_send_enqueue(reply=Reply.objects.get(pk=reply.pk), user=alice)
        reply_send_enqueue(reply=Reply.objects.get(pk=reply.pk), user=alice)
    assert len(callbacks) == 1, "a second click enqueues nothing"

    replay(http, "mention_reply_created.json")
    reply_send_task.apply(args=[reply.pk])
    reply_send_task.apply(args=[reply.pk])  # redelivered by the broker

    reply.refresh_from_db()
    assert reply.status == Reply.Status.SENT and reply.platform_reply_id == CAPTION_REPLY_ID
    assert mention_posts(http) == [{"media_id": [MEDIA], "message": [CAPTION_TEXT]}], "no comment_id"
    assert not any("/replies" in call.request.url for call in http.calls)
    item.refresh_from_db()
    assert item.status == Status.REPLIED


def test_a_comment_mention_reply_names_the_media_and_the_comment(http, mentions, alice, bob):
    reply = sending_reply(mentions["comment"], text=COMMENT_TEXT, author=alice, approver=bob)
    replay(http, "mention_comment_reply_created.json")

    reply = reply_send(reply_id=reply.pk, now=NOW)

    assert reply.status == Reply.Status.SENT and reply.platform_reply_id == COMMENT_REPLY_ID
    assert mention_posts(http) == [{"media_id": [MEDIA], "comment_id": [COMMENT], "message": [COMMENT_TEXT]}]


def test_a_missing_permission_fails_the_reply_and_the_item_page_says_what_to_do(
    http, mentions, alice, bob, client, user_with_role
):
    reply = sending_reply(mentions["caption"], text=CAPTION_TEXT, author=alice, approver=bob)
    replay(http, "mention_reply_no_permission.json")

    reply = reply_send(reply_id=reply.pk, now=NOW)

    assert reply.status == Reply.Status.FAILED
    assert reply.error == (
        "Instagram answered 403, error 10: (#10) Application does not have permission for this action"
    )
    assert "instagram_manage_comments" in reply.how_to_fix
    client.force_login(user_with_role(roles.PATIENT_EXPERIENCE, username="pat"))
    page = client.get(f"/queue/{reply.item_id}/").content.decode()
    assert "(#10) Application does not have permission for this action" in page
    assert "How to fix:" in page and "instagram_manage_comments" in page


@pytest.mark.parametrize(
    ("kind", "text", "created", "look", "reply_id"),
    [
        (
            "caption",
            CAPTION_TEXT,
            "mention_reply_created.json",
            "mentioned_media_with_our_comment.json",
            CAPTION_REPLY_ID,
        ),
        (
            "comment",
            COMMENT_TEXT,
            "mention_comment_reply_created.json",
            "mentioned_comment_with_our_reply.json",
            COMMENT_REPLY_ID,
        ),
    ],
    ids=["caption", "comment"],
)
def test_a_worker_killed_after_instagram_accepted_the_reply_does_not_post_it_again(
    http, mentions, alice, bob, monkeypatch, kind, text, created, look, reply_id
):
    reply = sending_reply(mentions[kind], text=text, author=alice, approver=bob)
    replay(http, created)

    def killed(*args, **kwargs):
        raise WorkerKilled

    with monkeypatch.context() as patched:
        patched.setattr(replies, "_record_sent", killed)
        with pytest.raises(WorkerKilled):
            reply_send(reply_id=reply.pk, now=NOW)
    reply.refresh_from_db()
    assert reply.status == Reply.Status.SENDING and reply.attempts == 1 and not reply.platform_reply_id

    # The broker redelivers the task once the claim has run out; the reply is on Instagram already.
    replay(http, look, fields=LOOK_FIELDS[kind])
    reply = reply_send(reply_id=reply.pk, now=NOW + timedelta(minutes=4))

    assert reply.status == Reply.Status.SENT and reply.platform_reply_id == reply_id and reply.attempts == 2
    assert len(mention_posts(http)) == 1


def test_a_retry_whose_first_attempt_never_reached_instagram_posts_once(http, mentions, alice, bob):
    reply = sending_reply(mentions["caption"], text=CAPTION_TEXT, author=alice, approver=bob)
    Reply.objects.filter(pk=reply.pk).update(attempts=1)
    replay(http, "mentioned_media_without_ours.json", fields=LOOK_FIELDS["caption"])
    replay(http, "mention_reply_created.json")

    reply = reply_send(reply_id=reply.pk, now=NOW)

    assert reply.status == Reply.Status.SENT and reply.platform_reply_id == CAPTION_REPLY_ID
    assert len(mention_posts(http)) == 1


def test_a_look_instagram_refuses_posts_nothing_and_says_what_to_check(http, mentions, alice, bob):
    reply = sending_reply(mentions["comment"], text=COMMENT_TEXT, author=alice, approver=bob)
    Reply.objects.filter(pk=reply.pk).update(attempts=1)
    replay(http, "mentioned_comment_look_refused.json", fields=LOOK_FIELDS["comment"])
    replay(http, "mention_comment_reply_created.json")

    reply = reply_send(reply_id=reply.pk, now=NOW)

    assert reply.status == Reply.Status.FAILED and "nonexisting field (replies)" in reply.error
    assert reply.how_to_fix == MENTION_LOOK_FIX
    assert mention_posts(http) == []


def test_the_sweeper_finds_a_stuck_mention_reply_under_the_mention(http, mentions, alice, bob):
    reply = sending_reply(mentions["caption"], text=CAPTION_TEXT, author=alice, approver=bob)
    Reply.objects.filter(pk=reply.pk).update(attempts=1, updated_at=NOW - timedelta(hours=2))
    replay(http, "mentioned_media_with_our_comment.json", fields=LOOK_FIELDS["caption"])

    result = replies_sweep_stuck(now=NOW)

    assert result.sent == [reply.pk] and mention_posts(http) == []
    reply.refresh_from_db()
    assert reply.platform_reply_id == CAPTION_REPLY_ID


def test_only_mentions_go_to_the_mentions_edge(instagram, mentions):
    connector = connector_for(instagram.kind, source_settings(instagram))
    polled_comment = {"id": "17900000000000011", "text": "Long wait", "kind": "comment", "media_id": MEDIA}
    tagged = {"id": "18040000000000001", "kind": "media", "found_by": "tag"}

    assert connector.reply_parent(external_id="comment:17900000000000011", raw=polled_comment) == (
        "comment:17900000000000011"
    )
    assert connector.reply_parent(external_id="media:18040000000000001", raw=tagged) == (
        "media:18040000000000001"
    )
    with pytest.raises(ConnectorError, match="tags or hashtags"):
        connector.send_reply(parent_external_id="media:18040000000000001", text=CAPTION_TEXT)
    caption, comment = mentions["caption"], mentions["comment"]
    assert connector.reply_parent(external_id=caption.external_id, raw=caption.raw) == f"mention:{MEDIA}"
    assert connector.reply_parent(external_id=comment.external_id, raw=comment.raw) == (
        f"mention:{MEDIA}:{COMMENT}"
    )


def test_a_mention_of_another_account_is_refused_before_any_call(http, mentions, alice, bob):
    Source.objects.filter(kind=Source.Kind.INSTAGRAM).update(
        config={"ig_user_id": "17841400000000999", "hospital_key": "hospital:riverside"}
    )
    reply = sending_reply(mentions["caption"], text=CAPTION_TEXT, author=alice, approver=bob)

    reply = reply_send(reply_id=reply.pk, now=NOW)

    assert reply.status == Reply.Status.FAILED and not http.calls
    assert f"was of Instagram account {IGU}" in reply.error
    assert "as the account that was mentioned" in reply.how_to_fix
