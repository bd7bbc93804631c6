"""Replies from the queue to YouTube and LinkedIn comments, through recorded exchanges
(tests/triage/recordings/youtube, linkedin): the PHI check, approval, and posting once and only once."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import requests
import responses
from django.core.exceptions import ValidationError
from django.db import OperationalError
from responses import matchers

from sources.connectors import youtube
from sources.connectors.base import TransientConnectorError
from sources.services import costs
from tests.factories import HospitalFactory, SourceFactory
from triage.models import AuditEntry, Reply, Status
from triage.services import (
    replies,
    reply_approve,
    reply_draft_save,
    reply_send,
    reply_send_enqueue,
    reply_submit,
)
from triage.tasks import reply_send_task

from .factories import ComplaintFactory, QueueItemFactory

RECORDINGS = Path(__file__).parent / "recordings"
NOW = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
TEXT = (
    "Hi there, we're sorry to hear about the wait you describe. We can't discuss details here, but we'd like "
    "to understand more. Please contact our Patient Experience team at 555-0100 or "
    "patientexperience@riverside.example."
)
YT_TOKEN = json.loads((RECORDINGS / "youtube" / "token.json").read_text())["request"]["form"]
YT_CONFIG = {
    "client_id": YT_TOKEN["client_id"],
    "client_secret": YT_TOKEN["client_secret"],
    "refresh_token": YT_TOKEN["refresh_token"],
    "channel_id": "UCx7Rv2QmL9pK3sT5wY8zA1b",
    "hospital_key": "hospital:riverside",
}
YT_PARENT = "UgzK3vN8pQ2rT5wY7bA4AaABAg"
YT_REPLY = "UgzK3vN8pQ2rT5wY7bA4AaABAg.A2bCd3EfG4h"
YT_POST_URL = "https://youtube.googleapis.com/youtube/v3/comments"
LI_CONFIG = {
    "access_token": "AQXdSP_W41_UPs5ioT_t8HESyODB4FqbkJ8LrV_5mff4gPODzOYR",
    "organization_id": "2414183",
    "hospital_key": "hospital:riverside",
}
LI_PARENT = "urn:li:comment:(urn:li:activity:7195001112230000001,7195123456789012345)"
LI_REPLY = "urn:li:comment:(urn:li:activity:7195001112230000001,7195200000000000001)"
LI_POST_URL = "https://api.linkedin.com/rest/socialActions/"


def form_matcher(expected: dict[str, str]):
    def match(request: requests.PreparedRequest) -> tuple[bool, str]:
        body = request.body.decode() if isinstance(request.body, bytes) else request.body or ""
        sent = dict(parse_qsl(body))
        return sent == expected, f"form {sent} is not {expected}"

    return match


def replay(http: responses.RequestsMock, path: str) -> None:
    """Serve a recorded exchange only to a request with the recorded method, URL, query, headers and body."""
    exchange = json.loads((RECORDINGS / path).read_text(encoding="utf-8"))
    request, response = exchange["request"], exchange["response"]
    match = []
    if "params" in request:
        match.append(matchers.query_param_matcher(request["params"]))
    if "headers" in request:
        match.append(matchers.header_matcher(request["headers"]))
    if "json" in request:
        match.append(matchers.json_params_matcher(request["json"]))
    if "form" in request:
        match.append(form_matcher(request["form"]))
    http.add(
        request["method"],
        request["url"],
        status=response["status"],
        headers=response.get("headers", {}),
        json=response["json"],
        match=match,
    )


def posts(http: responses.RequestsMock, url: str) -> int:
    """Replies the platform accepted: POSTs to its comment endpoint that succeeded."""
    return sum(
        1
        for call in http.calls
        if call.request.method == "POST"
        and call.request.url.startswith(url)
        and call.response.status_code < 300
    )


@pytest.fixture(autouse=True)
def hospital_settings(settings, monkeypatch):
    settings.HOSPITAL_CONTACT_PHONE = "555-0100"
    settings.HOSPITAL_CONTACT_EMAIL = "patientexperience@riverside.example"
    settings.HOSPITAL_DOMAINS = ["riverside.example"]
    settings.REPLY_APPROVAL_REQUIRED = True
    monkeypatch.setattr(youtube, "utc_now", lambda: NOW)


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def queue_item(platform: str, assignee):
    if platform == "youtube":
        source = SourceFactory(name="YouTube", kind="youtube", config=YT_CONFIG)
        external_id = YT_PARENT
    else:
        source = SourceFactory(name="LinkedIn", kind="linkedin", config=LI_CONFIG)
        external_id = LI_PARENT
    mention = ComplaintFactory(
        platform=platform,
        external_id=external_id,
        author_name="",
        source=source,
        hospital=HospitalFactory(slug="riverside", name="Riverside General Hospital", is_own=True),
    )
    return QueueItemFactory(mention=mention, status=Status.ASSIGNED, assignee=assignee)


def sending_reply(platform: str, *, author, approver) -> Reply:
    """A reply approved by someone other than its author and put in "sending" (as reply_send_enqueue does)."""
    return Reply.objects.create(
        item=queue_item(platform, author),
        text=TEXT,
        status=Reply.Status.SENDING,
        created_by=author,
        approved_by=approver,
        approved_at=NOW,
        sent_by=author,
    )


@pytest.fixture
def approver(db):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    dan = UserFactory(username="dan", first_name="Dan")
    dan.user_permissions.add(Permission.objects.get(codename="approve_reply"))
    return type(dan).objects.get(pk=dan.pk)


# From draft to posted


@pytest.mark.parametrize("platform", ["youtube", "linkedin"])
def test_a_reply_goes_through_the_phi_check_and_approval_then_posts_once(
    http, platform, alice, approver, django_capture_on_commit_callbacks
):
    item = queue_item(platform, alice)
    blocked = reply_draft_save(
        item=item, user=alice, text="Sorry, during your stay Dr. Lee saw it. Call him at 555-867-5309"
    )
    with pytest.raises(ValidationError, match="PHI check blocks"):
        reply_submit(reply=blocked, user=alice)

    reply = reply_draft_save(item=item, user=alice, text=TEXT)
    reply_submit(reply=reply, user=alice)
    with pytest.raises(ValidationError, match="Only an approved reply"):
        reply_send_enqueue(reply=Reply.objects.get(pk=reply.pk), user=alice)
    reply_approve(reply=Reply.objects.get(pk=reply.pk), user=approver)
    with django_capture_on_commit_callbacks() as callbacks:
        reply_send_enqueue(reply=Reply.objects.get(pk=reply.pk), user=alice)
        reply_send_enqueue(reply=Reply.objects.get(pk=reply.pk), user=alice)
    assert len(callbacks) == 1, "a second click enqueues nothing"

    if platform == "youtube":
        replay(http, "youtube/token.json")
        replay(http, "youtube/comment_reply.json")
        expected = (YT_REPLY, f"https://www.youtube.com/watch?v=Rg7hH2kL0pQ&lc={YT_REPLY}", YT_POST_URL)
    else:
        replay(http, "linkedin/comment_reply.json")
        expected = (
            LI_REPLY,
            "https://www.linkedin.com/feed/update/urn:li:activity:7195001112230000001/?commentUrn="
            "urn%3Ali%3Acomment%3A%28urn%3Ali%3Aactivity%3A7195001112230000001%2C7195200000000000001%29",
            LI_POST_URL,
        )
    # The task delivered twice (a broker redelivery): the second run finds the reply posted.
    reply_send_task.apply(args=[reply.pk])
    reply_send_task.apply(args=[reply.pk])

    reply.refresh_from_db()
    assert reply.status == Reply.Status.SENT
    assert (reply.platform_reply_id, reply.platform_reply_url) == expected[:2]
    assert posts(http, expected[2]) == 1
    item.refresh_from_db()
    assert item.status == Status.REPLIED and item.first_response_at is not None
    sent = AuditEntry.objects.filter(item=item, action=AuditEntry.Action.REPLY_SENT)
    assert sent.count() == 1


def test_a_linkedin_reply_over_1250_characters_cannot_be_submitted(db, alice):
    item = queue_item("linkedin", alice)
    reply = reply_draft_save(item=item, user=alice, text="We are sorry. " * 90)
    with pytest.raises(ValidationError, match="LinkedIn allows 1250 characters"):
        reply_submit(reply=reply, user=alice)


# Failures


def test_a_youtube_account_without_permission_fails_the_reply_with_how_to_fix(http, alice, approver):
    reply = sending_reply("youtube", author=alice, approver=approver)
    replay(http, "youtube/token.json")
    replay(http, "youtube/comment_reply_forbidden.json")
    reply = reply_send(reply_id=reply.pk)
    assert reply.status == Reply.Status.FAILED
    assert "403 forbidden" in reply.error and "youtube.force-ssl" in reply.how_to_fix
    reply.item.refresh_from_db()
    assert reply.item.status == Status.ASSIGNED


def test_youtube_quotaexceeded_fails_the_reply_and_counts_the_day_as_spent(http, alice, approver):
    reply = sending_reply("youtube", author=alice, approver=approver)
    replay(http, "youtube/token.json")
    replay(http, "youtube/comment_reply_quota_exceeded.json")
    reply = reply_send(reply_id=reply.pk)
    # Retrying before midnight Pacific would only fail again: nothing was posted, a person posts it later.
    assert reply.status == Reply.Status.FAILED and reply.claimed_until is None
    assert "Not posted" in reply.error and "quotaExceeded" in reply.error
    assert "after the quota resets" in reply.how_to_fix
    assert costs.source_quota_state(reply.item.mention.source).remaining == 0


# The daily quota: replies are counted, and refused when what is left cannot cover them


def test_a_youtube_reply_counts_50_units_against_the_sources_daily_quota(http, alice, approver):
    reply = sending_reply("youtube", author=alice, approver=approver)
    source = reply.item.mention.source
    # Polling stopped at its reserve (9,500 of 10,000): the last 500 units are there for replies.
    costs.quota_units_record(source=source, units=9_500)
    replay(http, "youtube/token.json")
    replay(http, "youtube/comment_reply.json")
    reply = reply_send(reply_id=reply.pk)
    assert reply.status == Reply.Status.SENT
    assert costs.source_quota_state(source).used == 9_550


def test_a_youtube_reply_the_remaining_quota_cannot_cover_is_refused_not_sent(
    http, alice, approver, django_capture_on_commit_callbacks
):
    reply = sending_reply("youtube", author=alice, approver=approver)
    source = reply.item.mention.source
    costs.quota_units_record(source=source, units=9_970)
    reply = reply_send(reply_id=reply.pk)

    assert not http.calls, "nothing was asked of YouTube"
    assert reply.status == Reply.Status.FAILED and reply.platform_reply_id == ""
    assert "Not posted: a reply costs up to 50 units" in reply.error
    assert "only 30 of 10,000 are left today" in reply.error
    assert "after the quota resets" in reply.how_to_fix
    assert costs.source_quota_state(source).used == 9_970

    # Posting it again is refused at the click, before anything is queued (a retry looks first: 53 units).
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError) as raised:
        reply_send_enqueue(reply=Reply.objects.get(pk=reply.pk), user=alice)
    assert raised.value.code == "quota" and "up to 53 units" in raised.value.messages[0]
    assert not callbacks
    assert Reply.objects.get(pk=reply.pk).status == Reply.Status.FAILED


def test_a_linkedin_app_without_w_organization_social_fails_the_reply(http, alice, approver):
    reply = sending_reply("linkedin", author=alice, approver=approver)
    replay(http, "linkedin/comment_reply_forbidden.json")
    reply = reply_send(reply_id=reply.pk)
    assert reply.status == Reply.Status.FAILED
    assert "ACCESS_DENIED" in reply.error and "w_organization_social" in reply.how_to_fix


def test_a_linkedin_rate_limit_is_transient_and_the_retry_looks_before_posting(http, alice, approver):
    reply = sending_reply("linkedin", author=alice, approver=approver)
    replay(http, "linkedin/comment_reply_rate_limited.json")
    with pytest.raises(TransientConnectorError):
        reply_send(reply_id=reply.pk, now=NOW)

    http.reset()
    replay(http, "linkedin/comments_on_comment_empty.json")
    replay(http, "linkedin/comment_reply.json")
    reply = reply_send(reply_id=reply.pk, now=NOW + timedelta(seconds=1))
    assert reply.status == Reply.Status.SENT and reply.attempts == 2
    assert [call.request.method for call in http.calls] == ["GET", "POST"]


# Exactly once


@pytest.mark.parametrize(
    ("platform", "recordings", "lookup", "post_url", "expected_id"),
    [
        (
            "youtube",
            ["youtube/token.json", "youtube/comment_reply.json"],
            ["youtube/comments_with_reply.json"],
            YT_POST_URL,
            YT_REPLY,
        ),
        (
            "linkedin",
            ["linkedin/comment_reply.json"],
            ["linkedin/comments_on_comment_with_reply.json"],
            LI_POST_URL,
            LI_REPLY,
        ),
    ],
)
def test_a_reply_posted_before_the_worker_died_is_found_and_recorded_not_posted_again(
    http, monkeypatch, alice, approver, platform, recordings, lookup, post_url, expected_id
):
    reply = sending_reply(platform, author=alice, approver=approver)
    for name in recordings:
        replay(http, name)
    record_sent = replies._record_sent

    def connection_lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(replies, "_record_sent", connection_lost)
    with pytest.raises(OperationalError):
        reply_send(reply_id=reply.pk, now=NOW)
    reply.refresh_from_db()
    assert reply.status == Reply.Status.SENDING and reply.attempts == 1

    monkeypatch.setattr(replies, "_record_sent", record_sent)
    for name in lookup:
        replay(http, name)
    reply = reply_send(reply_id=reply.pk, now=NOW + replies.SEND_CLAIM + timedelta(seconds=1))

    assert reply.status == Reply.Status.SENT and reply.platform_reply_id == expected_id
    assert reply.attempts == 2
    assert posts(http, post_url) == 1


def test_a_youtube_retry_posts_when_the_earlier_attempt_left_nothing(http, alice, approver):
    reply = sending_reply("youtube", author=alice, approver=approver)
    Reply.objects.filter(pk=reply.pk).update(attempts=1)
    replay(http, "youtube/token.json")
    replay(http, "youtube/comments_without_reply.json")
    replay(http, "youtube/comment_reply.json")
    reply = reply_send(reply_id=reply.pk)
    assert reply.status == Reply.Status.SENT and reply.platform_reply_id == YT_REPLY
    assert posts(http, YT_POST_URL) == 1
