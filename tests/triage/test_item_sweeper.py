"""Replies stuck in "sending" are settled from the platform's own record, through recorded X and Reddit
exchanges, and never posted by the sweeper."""

from datetime import timedelta

import pytest
import responses

from sources.connectors import x
from sources.connectors.base import SentReply
from triage.models import AuditEntry, Reply
from triage.services import reply_send
from triage.services.reply_sweeper import replies_sweep_stuck
from triage.tasks import replies_sweep_stuck_task

from . import test_reply_sending as sending
from .test_reply_sending import NOW, REDDIT_POST_URL, X_POST_URL, X_REPLY, posts, replay

STUCK_SINCE = NOW - timedelta(hours=2)


@pytest.fixture(autouse=True)
def hospital_settings(settings, monkeypatch):
    settings.HOSPITAL_CONTACT_PHONE = "555-0100"
    settings.HOSPITAL_CONTACT_EMAIL = "patientexperience@riverside.example"
    settings.HOSPITAL_DOMAINS = ["riverside.example"]
    monkeypatch.setattr(x, "utc_now", lambda: NOW)


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def x_reply(alice, bob):
    return sending.sending_reply(platform="x", text=sending.X_TEXT, author=alice, approver=bob)


@pytest.fixture
def reddit_reply(alice, bob):
    return sending.sending_reply(platform="reddit", text=sending.REDDIT_TEXT, author=alice, approver=bob)


def stuck(reply: Reply, *, attempts: int = 1, since=STUCK_SINCE) -> Reply:
    """A reply whose send task died after an attempt (counted before the platform was called)."""
    Reply.objects.filter(pk=reply.pk).update(attempts=attempts, updated_at=since, claimed_until=None)
    reply.refresh_from_db()
    return reply


def test_a_stuck_x_reply_that_reached_x_is_recorded_as_sent_without_posting(http, x_reply):
    stuck(x_reply)
    replay(http, "x/users_me.json")
    replay(http, "x/users_tweets_with_reply.json")

    result = replies_sweep_stuck(now=NOW)

    x_reply.refresh_from_db()
    assert result.sent == [x_reply.pk]
    assert x_reply.status == Reply.Status.SENT and x_reply.platform_reply_id == X_REPLY
    assert x_reply.attempts == 1, "asking is not an attempt to post"
    assert posts(http, X_POST_URL) == 0
    x_reply.item.refresh_from_db()
    assert x_reply.item.status == "replied"


def test_a_stuck_x_reply_missing_on_x_is_failed_with_the_reason_and_not_posted(http, x_reply):
    stuck(x_reply)
    replay(http, "x/users_me.json")
    replay(http, "x/users_tweets_empty.json")

    result = replies_sweep_stuck(now=NOW)

    x_reply.refresh_from_db()
    assert result.failed == [x_reply.pk]
    assert x_reply.status == Reply.Status.FAILED
    assert "waited 120 minutes" in x_reply.error and "X shows no such reply" in x_reply.error
    assert "never posts twice" in x_reply.how_to_fix
    assert posts(http, X_POST_URL) == 0
    failed = AuditEntry.objects.get(item=x_reply.item, action=AuditEntry.Action.REPLY_FAILED)
    assert failed.actor is None and "no such reply" in failed.after["error"]


def test_a_stuck_reddit_reply_that_reached_reddit_is_recorded_as_sent(http, reddit_reply):
    stuck(reddit_reply, attempts=2)
    replay(http, "reddit/token_password.json")
    replay(http, "reddit/user_comments_with_reply.json")

    replies_sweep_stuck(now=NOW)

    reddit_reply.refresh_from_db()
    assert reddit_reply.status == Reply.Status.SENT and reddit_reply.platform_reply_id == "t1_mt1r9x2"
    assert posts(http, REDDIT_POST_URL) == 0


def test_a_reply_never_attempted_is_failed_without_asking_the_platform(http, x_reply):
    stuck(x_reply, attempts=0)

    replies_sweep_stuck(now=NOW)

    x_reply.refresh_from_db()
    assert x_reply.status == Reply.Status.FAILED and "never tried" in x_reply.error
    assert not http.calls


def test_replies_sending_recently_or_claimed_are_left_alone(http, x_reply, reddit_reply):
    stuck(x_reply, since=NOW - timedelta(minutes=10))
    stuck(reddit_reply)
    Reply.objects.filter(pk=reddit_reply.pk).update(claimed_until=NOW + timedelta(seconds=60))

    result = replies_sweep_stuck(now=NOW)

    assert (result.sent, result.failed, result.unresolved) == ([], [], [])
    assert not http.calls
    assert set(Reply.objects.values_list("status", flat=True)) == {Reply.Status.SENDING}


def test_when_x_cannot_be_asked_the_reply_waits_for_the_next_sweep_then_fails_after_a_day(http, x_reply):
    stuck(x_reply)
    http.get("https://api.twitter.com/2/users/me", status=503, json={"title": "Service Unavailable"})

    first = replies_sweep_stuck(now=NOW)

    x_reply.refresh_from_db()
    assert first.unresolved == [x_reply.pk] and x_reply.status == Reply.Status.SENDING
    assert x_reply.claimed_until is None and "Could not check" in x_reply.error

    replies_sweep_stuck(now=STUCK_SINCE + timedelta(hours=25))
    x_reply.refresh_from_db()
    assert x_reply.status == Reply.Status.FAILED and "could not be asked" in x_reply.error
    assert posts(http, X_POST_URL) == 0


def test_a_late_send_task_after_the_sweep_posts_nothing(http, x_reply):
    stuck(x_reply)
    replay(http, "x/users_me.json")
    replay(http, "x/users_tweets_with_reply.json")
    replies_sweep_stuck(now=NOW)

    # The lost task turns up after all (a broker redelivery).
    reply = reply_send(reply_id=x_reply.pk, now=NOW + timedelta(minutes=1))

    assert reply.status == Reply.Status.SENT
    assert posts(http, X_POST_URL) == 0


def test_the_sweeper_task_is_thin_and_scheduled(monkeypatch, settings):
    called = []
    monkeypatch.setattr("triage.tasks.replies_sweep_stuck", lambda: called.append(True) or _empty())
    replies_sweep_stuck_task.apply()
    assert called
    entry = settings.PERIODIC_TASK_DEFAULTS["triage-replies-sweep-stuck"]
    assert entry["task"] == replies_sweep_stuck_task.name == "triage.replies_sweep_stuck"


def _empty():
    from triage.services.reply_sweeper import SweepResult

    return SweepResult()


def test_found_replies_are_recorded_once_even_if_found_twice(monkeypatch, x_reply):
    stuck(x_reply)

    class Connector:
        quota_units_used = 0

        def reply_parent(self, *, external_id, raw):
            return external_id

        def find_existing_reply(self, **kwargs):
            return SentReply(platform_reply_id=X_REPLY, url="https://x.com/i/web/status/" + X_REPLY)

    monkeypatch.setattr("triage.services.reply_sweeper.connector_for", lambda *a, **k: Connector())
    replies_sweep_stuck(now=NOW)
    replies_sweep_stuck(now=NOW + timedelta(hours=1))
    assert AuditEntry.objects.filter(item=x_reply.item, action=AuditEntry.Action.REPLY_SENT).count() == 1
