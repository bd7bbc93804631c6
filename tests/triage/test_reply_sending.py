"""Posting replies through recorded X and Reddit exchanges (tests/triage/recordings/): once, and only once."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import responses
from django.db import OperationalError
from responses import matchers

from sources.connectors import x
from sources.connectors.base import TransientConnectorError
from tests.factories import HospitalFactory, SourceFactory
from triage.models import AuditEntry, Reply, Status
from triage.services import replies, reply_send, reply_send_enqueue
from triage.tasks import reply_send_task

from .factories import ComplaintFactory, QueueItemFactory

RECORDINGS = Path(__file__).parent / "recordings"
# The X recordings' rate-limit reset times are relative to this moment.
NOW = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
X_PARENT = "2054894002762690577"
X_REPLY = "2054901873215402284"
X_TEXT = (
    "Hi Dana, we're sorry to hear about the wait you describe. We know how hard long waits are and would "
    "like to hear more. Please contact our Patient Experience team at 555-0100 or "
    "patientexperience@riverside.example."
)
X_CONFIG = {
    "bearer_token": "AAAAAAAAAAAAAAAAAAAAA-test-bearer-token",
    "consumer_key": "xvz1evFS4wEEPTGEFPHBog",
    "consumer_secret": "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
    "access_token": "1587330642819207168-Hs8qWCHbY3ZJdOEz0kA0jLw9rTGdK2",
    "access_token_secret": "J6zix3FfA9LofH0awS24M3HcBYXO5nI1iYe8EfBA",
}
REDDIT_PARENT = "t3_1kp6m2c"
REDDIT_TEXT = (
    "Hi there, we're sorry to hear about this experience. We can't discuss details here, but we'd like to "
    "understand more. Please contact our Patient Experience team at 555-0100 or "
    "patientexperience@riverside.example."
)
REDDIT_CONFIG = {
    "client_id": "p-jcoLKBynTLew",
    "client_secret": "gko_LXELoV07ZBNUXrvWZfzE3aI",
    "username": "riverside_comms",
    "password": "hunter2-but-longer",
}
REDDIT_URL = (
    "https://www.reddit.com/r/AskDocs/comments/1kp6m2c/discharged_from_rgh_with_no_followup_plan/mt1r9x2/"
)


def replay(http: responses.RequestsMock, path: str) -> None:
    """Serve a recorded exchange only to a request with the recorded method, URL, query and body."""
    exchange = json.loads((RECORDINGS / path).read_text(encoding="utf-8"))
    request, response = exchange["request"], exchange["response"]
    match = []
    if "query" in request:
        match.append(matchers.query_param_matcher(request["query"], strict_match=False))
    if "params" in request:
        match.append(matchers.query_param_matcher(request["params"]))
    if "json" in request:
        match.append(matchers.json_params_matcher(request["json"]))
    if "form" in request:
        match.append(matchers.urlencoded_params_matcher(request["form"]))
    headers = dict(response.get("headers", {}))
    content_type = headers.pop("content-type", "application/json")
    http.add(
        request["method"],
        request["url"],
        status=response["status"],
        headers=headers,
        content_type=content_type,
        json=response.get("body", response.get("json")),
        match=match,
    )


def posts(http: responses.RequestsMock, url: str) -> int:
    """How many replies were posted: POSTs to the platform's reply endpoint that it accepted."""
    return sum(
        1
        for call in http.calls
        if call.request.method == "POST"
        and call.request.url.startswith(url)
        and call.response.status_code < 300
    )


X_POST_URL = "https://api.twitter.com/2/tweets"
REDDIT_POST_URL = "https://oauth.reddit.com/api/comment/"


@pytest.fixture(autouse=True)
def hospital_settings(settings, monkeypatch):
    settings.HOSPITAL_CONTACT_PHONE = "555-0100"
    settings.HOSPITAL_CONTACT_EMAIL = "patientexperience@riverside.example"
    settings.HOSPITAL_DOMAINS = ["riverside.example"]
    settings.REPLY_APPROVAL_REQUIRED = True
    monkeypatch.setattr(x, "utc_now", lambda: NOW)


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def sending_reply(*, platform: str, text: str, author, approver) -> Reply:
    """A reply approved by someone other than its author and put in "sending" (as reply_send_enqueue does)."""
    if platform == "x":
        source = SourceFactory(name="X", kind="x", config=X_CONFIG)
        external_id, author_name = X_PARENT, "Dana Whitfield"
    else:
        source = SourceFactory(name="Reddit", kind="reddit", config=REDDIT_CONFIG)
        external_id, author_name = REDDIT_PARENT, ""
    mention = ComplaintFactory(
        platform=platform,
        external_id=external_id,
        author_name=author_name,
        source=source,
        hospital=HospitalFactory(slug="riverside", name="Riverside General Hospital", is_own=True),
    )
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


@pytest.fixture
def x_reply(alice, bob):
    return sending_reply(platform="x", text=X_TEXT, author=alice, approver=bob)


@pytest.fixture
def reddit_reply(alice, bob):
    return sending_reply(platform="reddit", text=REDDIT_TEXT, author=alice, approver=bob)


def actions(item) -> list[str]:
    return list(AuditEntry.objects.filter(item=item).values_list("action", flat=True))


# Success


def test_an_x_reply_is_posted_and_recorded_and_the_item_is_replied(http, x_reply, alice):
    replay(http, "x/create_reply.json")
    reply = reply_send(reply_id=x_reply.pk)

    assert reply.status == Reply.Status.SENT
    assert reply.platform_reply_id == X_REPLY
    assert reply.platform_reply_url == f"https://x.com/i/web/status/{X_REPLY}"
    assert reply.sent_at is not None and reply.attempts == 1
    request = http.calls[0].request
    assert request.headers["Authorization"].startswith("OAuth "), "posted with user context, not the bearer"
    item = reply.item
    item.refresh_from_db()
    assert item.status == Status.REPLIED and item.first_response_at == reply.sent_at
    assert item.mention.triage_status == Status.REPLIED
    assert actions(item) == [AuditEntry.Action.REPLY_SENT, AuditEntry.Action.STATUS_CHANGED]
    sent = AuditEntry.objects.get(item=item, action=AuditEntry.Action.REPLY_SENT)
    assert sent.actor == alice and sent.after["platform_reply_id"] == X_REPLY


def test_a_reddit_reply_is_posted_as_the_account_and_recorded(http, reddit_reply):
    replay(http, "reddit/token_password.json")
    replay(http, "reddit/comment_reply.json")
    reply = reply_send(reply_id=reddit_reply.pk)

    assert reply.status == Reply.Status.SENT
    assert (reply.platform_reply_id, reply.platform_reply_url) == ("t1_mt1r9x2", REDDIT_URL)
    reply.item.refresh_from_db()
    assert reply.item.status == Status.REPLIED
    assert posts(http, REDDIT_POST_URL) == 1


# Failures


def test_an_x_rate_limit_is_transient_and_the_retry_posts_once(http, x_reply):
    replay(http, "x/create_reply_rate_limited.json")
    with pytest.raises(TransientConnectorError) as raised:
        reply_send(reply_id=x_reply.pk)
    assert raised.value.retry_after == 300
    x_reply.refresh_from_db()
    assert x_reply.status == Reply.Status.SENDING and x_reply.claimed_until is None
    assert "Too Many Requests" in x_reply.error

    # The retry first checks that the rejected attempt left nothing on X, then posts.
    replay(http, "x/users_me.json")
    replay(http, "x/users_tweets_empty.json")
    replay(http, "x/create_reply.json")
    reply = reply_send(reply_id=x_reply.pk)
    assert reply.status == Reply.Status.SENT and reply.attempts == 2
    assert posts(http, X_POST_URL) == 1


def test_a_reddit_rate_limit_is_transient_with_the_wait_reddit_asked_for(http, reddit_reply):
    replay(http, "reddit/token_password.json")
    replay(http, "reddit/comment_ratelimited.json")
    with pytest.raises(TransientConnectorError) as raised:
        reply_send(reply_id=reddit_reply.pk)
    assert raised.value.retry_after == 9 * 60
    reddit_reply.refresh_from_db()
    assert reddit_reply.status == Reply.Status.SENDING


def test_an_x_auth_error_fails_the_reply_with_how_to_fix_it(http, x_reply):
    replay(http, "x/create_reply_unauthorized.json")
    reply = reply_send(reply_id=x_reply.pk)
    assert reply.status == Reply.Status.FAILED
    assert "X would not post the reply (401)" in reply.error
    assert "bearer token can only read" in reply.how_to_fix
    assert actions(reply.item) == [AuditEntry.Action.REPLY_FAILED]
    reply.item.refresh_from_db()
    assert reply.item.status == Status.ASSIGNED and reply.item.first_response_at is None


def test_an_x_app_without_write_permission_fails_with_how_to_fix_it(http, x_reply):
    replay(http, "x/create_reply_forbidden.json")
    reply = reply_send(reply_id=x_reply.pk)
    assert reply.status == Reply.Status.FAILED
    assert "not permitted" in reply.error and "Read and write" in reply.how_to_fix


def test_an_x_source_with_only_a_bearer_token_cannot_post(http, x_reply):
    x_reply.item.mention.source.config = {"bearer_token": X_CONFIG["bearer_token"]}
    x_reply.item.mention.source.save()
    reply = reply_send(reply_id=x_reply.pk)
    assert reply.status == Reply.Status.FAILED
    assert "consumer_key" in reply.error and "bearer token can only read" in reply.how_to_fix
    assert not http.calls


def test_a_reddit_sign_in_failure_fails_the_reply_with_how_to_fix_it(http, reddit_reply):
    replay(http, "reddit/token_invalid_grant.json")
    reply = reply_send(reply_id=reddit_reply.pk)
    assert reply.status == Reply.Status.FAILED
    assert "invalid_grant" in reply.error and "username" in reply.how_to_fix


def test_a_locked_reddit_thread_fails_the_reply_and_suggests_handling_it_elsewhere(http, reddit_reply):
    replay(http, "reddit/token_password.json")
    replay(http, "reddit/comment_thread_locked.json")
    reply = reply_send(reply_id=reddit_reply.pk)
    assert reply.status == Reply.Status.FAILED
    assert "THREAD_LOCKED" in reply.error and "handled elsewhere" in reply.how_to_fix


# Exactly once


def test_a_double_click_and_two_task_runs_post_once(
    http, x_reply, alice, bob, django_capture_on_commit_callbacks
):
    replay(http, "x/create_reply.json")
    Reply.objects.filter(pk=x_reply.pk).update(status=Reply.Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reply_send_enqueue(reply=Reply.objects.get(pk=x_reply.pk), user=alice)
        reply_send_enqueue(reply=Reply.objects.get(pk=x_reply.pk), user=bob)
    assert len(callbacks) == 1, "the second click enqueues nothing"
    # The same task delivered twice anyway (a broker redelivery): the second run finds it posted.
    reply_send_task.apply(args=[x_reply.pk])
    reply_send_task.apply(args=[x_reply.pk])
    x_reply.refresh_from_db()
    assert x_reply.status == Reply.Status.SENT
    assert posts(http, X_POST_URL) == 1
    assert actions(x_reply.item).count(AuditEntry.Action.REPLY_SENT) == 1


def test_a_second_delivery_while_the_first_is_posting_waits_instead_of_posting(http, x_reply):
    Reply.objects.filter(pk=x_reply.pk).update(claimed_until=NOW + timedelta(seconds=90), attempts=1)
    with pytest.raises(replies.ReplySendInProgress) as raised:
        reply_send(reply_id=x_reply.pk, now=NOW)
    assert raised.value.retry_after == 90
    assert not http.calls


@pytest.mark.parametrize(
    ("reply_fixture", "post_url", "recordings", "lookup", "expected_id"),
    [
        (
            "x_reply",
            X_POST_URL,
            ["x/create_reply.json"],
            ["x/users_me.json", "x/users_tweets_with_reply.json"],
            X_REPLY,
        ),
        (
            "reddit_reply",
            REDDIT_POST_URL,
            ["reddit/token_password.json", "reddit/comment_reply.json"],
            ["reddit/user_comments_with_reply.json"],
            "t1_mt1r9x2",
        ),
    ],
)
def test_a_reply_posted_before_the_worker_died_is_found_and_recorded_not_posted_again(
    request, http, monkeypatch, reply_fixture, post_url, recordings, lookup, expected_id
):
    reply = request.getfixturevalue(reply_fixture)
    for name in recordings:
        replay(http, name)
    record_sent = replies._record_sent

    def connection_lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    # The platform accepts the reply, then recording it fails: the database went away, or the worker died.
    monkeypatch.setattr(replies, "_record_sent", connection_lost)
    with pytest.raises(OperationalError):
        reply_send(reply_id=reply.pk, now=NOW)
    reply.refresh_from_db()
    assert reply.status == Reply.Status.SENDING and not reply.platform_reply_id and reply.attempts == 1

    # The redelivered task runs once the dead attempt's claim has run out.
    monkeypatch.setattr(replies, "_record_sent", record_sent)
    for name in lookup:
        replay(http, name)
    reply = reply_send(reply_id=reply.pk, now=NOW + replies.SEND_CLAIM + timedelta(seconds=1))

    assert reply.status == Reply.Status.SENT and reply.platform_reply_id == expected_id
    assert reply.attempts == 2
    assert posts(http, post_url) == 1


def test_x_refusing_duplicate_content_finds_the_earlier_reply(http, x_reply):
    replay(http, "x/create_reply_duplicate.json")
    replay(http, "x/users_me.json")
    replay(http, "x/users_tweets_with_reply.json")
    reply = reply_send(reply_id=x_reply.pk)
    assert reply.status == Reply.Status.SENT and reply.platform_reply_id == X_REPLY


def test_a_sent_reply_is_never_posted_again(http, x_reply):
    Reply.objects.filter(pk=x_reply.pk).update(status=Reply.Status.SENT, platform_reply_id=X_REPLY)
    reply = reply_send(reply_id=x_reply.pk)
    assert reply.status == Reply.Status.SENT
    assert not http.calls


# The task


def test_the_task_retries_transient_errors_after_the_platforms_wait(monkeypatch, x_reply):
    retried = {}

    def rate_limited(**kwargs):
        raise TransientConnectorError("429 Too Many Requests", retry_after=300)

    def fake_retry(exc, countdown):
        retried.update(exc=exc, countdown=countdown)
        return RuntimeError("retry scheduled")

    monkeypatch.setattr("triage.tasks.reply_send", rate_limited)
    monkeypatch.setattr(reply_send_task, "retry", fake_retry)
    with pytest.raises(RuntimeError, match="retry scheduled"):
        reply_send_task.run(x_reply.pk)
    assert 300 < retried["countdown"] <= 305


def test_the_task_gives_up_after_five_retries_and_fails_the_reply(http, x_reply):
    for _ in range(6):
        replay(http, "x/create_reply_rate_limited.json")
    replay(http, "x/users_me.json")
    replay(http, "x/users_tweets_empty.json")
    result = reply_send_task.apply(args=[x_reply.pk])
    assert result.successful()
    x_reply.refresh_from_db()
    assert x_reply.status == Reply.Status.FAILED and x_reply.attempts == 6
    assert "Too Many Requests" in x_reply.error
    assert posts(http, X_POST_URL) == 0


def test_the_task_ignores_a_deleted_reply(db):
    assert reply_send_task.apply(args=[987654321]).successful()


def test_the_task_is_registered_with_a_stable_name_and_acks_late():
    assert reply_send_task.name == "triage.reply_send"
    assert reply_send_task.acks_late is True
    assert reply_send_task.max_retries == 5
    assert reply_send_task.time_limit < replies.SEND_CLAIM.total_seconds()


def test_a_reply_to_a_new_item_moves_it_through_in_progress_to_replied(http, x_reply):
    x_reply.item.status = Status.NEW
    x_reply.item.save(update_fields=["status"])
    replay(http, "x/create_reply.json")
    reply = reply_send(reply_id=x_reply.pk)
    reply.item.refresh_from_db()
    assert reply.item.status == Status.REPLIED
    assert actions(reply.item) == [
        AuditEntry.Action.REPLY_SENT,
        AuditEntry.Action.STATUS_CHANGED,
        AuditEntry.Action.STATUS_CHANGED,
    ]
