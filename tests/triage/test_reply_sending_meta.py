"""Posting replies to Facebook and Instagram comments through recorded Graph API exchanges: once, and only
once, with the PHI check and approval the other platforms have."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import responses
from django.core.exceptions import ValidationError

from tests.factories import HospitalFactory, SourceFactory
from triage.models import Reply, Status
from triage.services import replies, reply_send, reply_send_enqueue

from .factories import ComplaintFactory, QueueItemFactory

RECORDINGS = Path(__file__).parents[1] / "sources" / "connectors" / "recordings"
NOW = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
PAGE = "104857600123456"
FB_PARENT = "comment:900000000000002_5550003"
FB_TEXT = (
    "Hi Dana, we're sorry to hear about the wait. Please contact our Patient Experience team at 555-0100."
)
IG_PARENT = "comment:17900000000000011"
IG_TEXT = "Hi Jamie, we're sorry. Please contact our Patient Experience team at 555-0100."
SOURCES = {
    "facebook": (
        "facebook_page",
        {"page_id": PAGE, "page_access_token": "EAAG-page", "hospital_key": "hospital:riverside"},
    ),
    "instagram": (
        "instagram",
        {"ig_user_id": "17841400008460056", "access_token": "EAAG-ig", "hospital_key": "hospital:riverside"},
    ),
}


def replay(http: responses.RequestsMock, name: str) -> None:
    exchange = json.loads((RECORDINGS / name).read_text())
    request, response = exchange["request"], exchange["response"]
    http.add(
        request["method"],
        request["url"],
        status=response["status"],
        json=response["json"],
        headers=response.get("headers", {}),
    )


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


def make_reply(*, platform, external_id, text, author, approver, status=Reply.Status.SENDING) -> Reply:
    kind, config = SOURCES[platform]
    source = SourceFactory(name=platform, kind=kind, config=config)
    mention = ComplaintFactory(
        platform=platform,
        external_id=external_id,
        source=source,
        hospital=HospitalFactory(slug="riverside", name="Riverside General Hospital", is_own=True),
    )
    item = QueueItemFactory(mention=mention, status=Status.ASSIGNED, assignee=author)
    return Reply.objects.create(
        item=item,
        text=text,
        status=status,
        created_by=author,
        approved_by=approver,
        approved_at=NOW,
        sent_by=author,
    )


def posts(http, url: str) -> int:
    return sum(
        1
        for c in http.calls
        if c.request.method == "POST" and c.request.url.startswith(url) and c.response.status_code < 300
    )


FB_POST_URL = "https://graph.facebook.com/v23.0/900000000000002_5550003/comments"
IG_POST_URL = "https://graph.facebook.com/v23.0/17900000000000011/replies"


def test_a_facebook_comment_reply_is_posted_as_the_page_and_the_item_replied(http, alice, bob):
    reply = make_reply(platform="facebook", external_id=FB_PARENT, text=FB_TEXT, author=alice, approver=bob)
    replay(http, "facebook/reply_created.json")
    reply = reply_send(reply_id=reply.pk)
    assert reply.status == Reply.Status.SENT and reply.platform_reply_id == "900000000000002_5550010"
    assert reply.platform_reply_url == "https://www.facebook.com/900000000000002_5550010"
    assert "message=" in http.calls[0].request.body
    reply.item.refresh_from_db()
    assert reply.item.status == Status.REPLIED


def test_an_instagram_comment_reply_is_posted_and_recorded(http, alice, bob):
    reply = make_reply(platform="instagram", external_id=IG_PARENT, text=IG_TEXT, author=alice, approver=bob)
    replay(http, "instagram/reply_created.json")
    reply = reply_send(reply_id=reply.pk)
    assert reply.status == Reply.Status.SENT and reply.platform_reply_id == "17900000000000020"
    assert posts(http, IG_POST_URL) == 1


def test_a_facebook_rate_limit_is_transient_and_the_retry_posts_once(http, alice, bob):
    reply = make_reply(platform="facebook", external_id=FB_PARENT, text=FB_TEXT, author=alice, approver=bob)
    replay(http, "facebook/reply_rate_limited.json")
    with pytest.raises(replies.ConnectorError) as raised:
        reply_send(reply_id=reply.pk, now=NOW)
    assert not raised.value.permanent
    reply.refresh_from_db()
    assert reply.status == Reply.Status.SENDING and "Application request limit" in reply.error

    http.reset()
    http.add("GET", FB_POST_URL, json={"data": []})
    replay(http, "facebook/reply_created.json")
    reply = reply_send(reply_id=reply.pk, now=NOW + timedelta(minutes=20))
    assert reply.status == Reply.Status.SENT and reply.attempts == 2
    assert posts(http, FB_POST_URL) == 1


def test_a_reply_posted_before_the_worker_died_is_found_not_posted_again(http, alice, bob):
    reply = make_reply(platform="facebook", external_id=FB_PARENT, text=FB_TEXT, author=alice, approver=bob)
    Reply.objects.filter(pk=reply.pk).update(attempts=1)
    replay(http, "facebook/replies_with_ours.json")
    reply = reply_send(reply_id=reply.pk, now=NOW)
    assert reply.status == Reply.Status.SENT and reply.platform_reply_id == "900000000000002_5550010"
    assert posts(http, FB_POST_URL) == 0


def test_an_instagram_reply_found_after_a_lost_attempt_is_recorded(http, alice, bob):
    reply = make_reply(platform="instagram", external_id=IG_PARENT, text=IG_TEXT, author=alice, approver=bob)
    Reply.objects.filter(pk=reply.pk).update(attempts=1)
    replay(http, "instagram/account.json")
    replay(http, "instagram/replies_with_ours.json")
    reply = reply_send(reply_id=reply.pk, now=NOW)
    assert reply.platform_reply_id == "17900000000000020" and posts(http, IG_POST_URL) == 0


def test_a_missing_permission_fails_the_reply_with_how_to_fix_it(http, alice, bob):
    reply = make_reply(platform="facebook", external_id=FB_PARENT, text=FB_TEXT, author=alice, approver=bob)
    replay(http, "facebook/reply_no_permission.json")
    reply = reply_send(reply_id=reply.pk)
    assert reply.status == Reply.Status.FAILED and "(#200)" in reply.error
    assert "pages_manage_engagement" in reply.how_to_fix


def test_a_recommendation_cannot_be_answered_from_here(http, alice, bob):
    reply = make_reply(
        platform="facebook", external_id="rating:1133557799", text=FB_TEXT, author=alice, approver=bob
    )
    reply = reply_send(reply_id=reply.pk)
    assert reply.status == Reply.Status.FAILED and "recommendations" in reply.error and not http.calls


def test_a_reply_the_phi_check_blocks_is_never_posted(http, alice, bob):
    text = "Hi Dana, we reviewed your chart from your ER visit on May 12 and your discharge was correct."
    reply = make_reply(
        platform="instagram",
        external_id=IG_PARENT,
        text=text,
        author=alice,
        approver=bob,
        status=Reply.Status.APPROVED,
    )
    with pytest.raises(ValidationError) as raised:
        reply_send_enqueue(reply=reply, user=alice)
    assert raised.value.code == "phi_blocked" and not http.calls


def test_an_unapproved_reply_is_not_posted(http, alice):
    reply = make_reply(
        platform="facebook",
        external_id=FB_PARENT,
        text=FB_TEXT,
        author=alice,
        approver=None,
        status=Reply.Status.DRAFT,
    )
    with pytest.raises(ValidationError) as raised:
        reply_send_enqueue(reply=reply, user=alice)
    assert raised.value.code == "not_approved"


def test_a_double_enqueue_and_two_task_runs_post_once(http, alice, bob, django_capture_on_commit_callbacks):
    reply = make_reply(
        platform="facebook",
        external_id=FB_PARENT,
        text=FB_TEXT,
        author=alice,
        approver=bob,
        status=Reply.Status.APPROVED,
    )
    Reply.objects.filter(pk=reply.pk).update(approved_at=NOW)
    replay(http, "facebook/reply_created.json")
    reply_send_enqueue(reply=reply, user=alice)
    reply_send_enqueue(reply=reply, user=alice)
    reply_send(reply_id=reply.pk)
    reply_send(reply_id=reply.pk)
    assert posts(http, FB_POST_URL) == 1
