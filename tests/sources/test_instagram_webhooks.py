"""Meta's Instagram webhook: verification, signed notifications stored first, and @mentions read into
mentions through the recorded Graph API exchanges (connectors/recordings/instagram/)."""

import hashlib
import hmac
import json
import logging
from pathlib import Path
from typing import Any

import pytest
import responses
from django.urls import reverse
from responses import matchers

from mentions.models import Mention, RejectedPayload
from sources.connectors.base import TransientConnectorError
from sources.connectors.meta_webhooks import MentionRef, mention_refs, signature_matches
from sources.models import CoverageGap, Source, SourceCursor, WebhookNotification
from sources.services import source_sync
from sources.services.webhooks import webhook_notifications_retry
from sources.tasks import instagram_mentions_fetch_task
from tests.factories import SourceFactory

RECORDINGS = Path(__file__).parent / "connectors" / "recordings" / "instagram"
IGU = "17841400008460056"
APP_SECRET = "6f1c0d2e9a8b7c6d5e4f3a2b1c0d9e8f"
VERIFY_TOKEN = "vt-Qm9vZ2xlLXNheXMtaGk-riverside-2026"
URL = "/sources/webhooks/meta/"


def recorded(name: str) -> dict[str, Any]:
    return json.loads((RECORDINGS / name).read_text())


def notification_body() -> bytes:
    payload = recorded("webhook_mentions.json")
    payload.pop("note")
    return json.dumps(payload).encode()


def signed(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def replay(http: responses.RequestsMock, name: str, **params: str) -> None:
    exchange = recorded(name)
    match = [matchers.query_param_matcher(params, strict_match=False)] if params else []
    http.add(
        exchange["request"]["method"],
        exchange["request"]["url"],
        status=exchange["response"]["status"],
        json=exchange["response"]["json"],
        match=match,
    )


def mentioned_media_fields(media_id: str) -> str:
    return (
        f"mentioned_media.media_id({media_id})"
        "{id,caption,media_type,timestamp,permalink,username,like_count,comments_count}"
    )


COMMENT_FIELDS = (
    "mentioned_comment.comment_id(17894227972186120){id,text,timestamp,like_count,media{id,permalink}}"
)


@pytest.fixture
def instagram(db, hospitals):
    return SourceFactory(
        name="Riverside Instagram",
        kind=Source.Kind.INSTAGRAM,
        config={"ig_user_id": IGU, "hospital_key": "hospital:riverside"},
        credentials={
            "access_token": "EAAGm0PX4ZCpsBA-ig-token",
            "app_secret": APP_SECRET,
            "webhook_verify_token": VERIFY_TOKEN,
        },
    )


@pytest.fixture
def http():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks, monkeypatch):
    """POSTs a notification as Meta does; returns the response and the notification ids it enqueued."""

    def post(body: bytes, signature: str | None):
        queued: list[int] = []
        monkeypatch.setattr(instagram_mentions_fetch_task, "delay", queued.append)
        headers = {"HTTP_X_HUB_SIGNATURE_256": signature} if signature is not None else {}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, data=body, content_type="application/json", **headers)
        return response, queued

    return post


def test_the_url_is_public_and_named():
    assert reverse("sources:meta_webhook") == URL


def test_it_answers_metas_verification_with_the_challenge(client, instagram):
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response.content == b"1158201444" and response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "guessed", "hub.challenge": "1158201444"},
        {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1158201444"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"},
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "<script>x</script>"},
        {},
    ],
)
def test_it_refuses_verification_without_the_right_token(client, instagram, params):
    response = client.get(URL, params)
    assert response.status_code == 403
    assert b"1158201444" not in response.content


def test_a_signed_notification_is_stored_before_it_is_answered(deliver, instagram):
    body = notification_body()
    response, queued = deliver(body, signed(body))
    assert response.status_code == 200
    notification = WebhookNotification.objects.get()
    assert notification.source == instagram and notification.status == WebhookNotification.Status.RECEIVED
    assert notification.payload == json.loads(body), "the raw payload is kept as Meta sent it"
    assert queued == [notification.pk]
    assert Mention.objects.count() == 0, "reading the mentions is the task's job, not the request's"


@pytest.mark.parametrize("signature", [None, "", "sha256=" + "0" * 64, "sha1=abc"])
def test_an_unsigned_or_wrongly_signed_notification_is_refused_and_not_logged(
    deliver, instagram, signature, caplog
):
    body = notification_body()
    with caplog.at_level(logging.INFO):
        response, queued = deliver(body, signature)
    assert response.status_code == 403
    assert not WebhookNotification.objects.exists() and queued == []
    assert f"({len(body)} bytes)" in caplog.text
    assert "17918195224117851" not in caplog.text, "the body of a refused request is never logged"


def test_a_notification_signed_with_another_apps_secret_is_refused(deliver, instagram):
    body = notification_body()
    response, _ = deliver(body, signed(body, secret="another-apps-secret-0000000000"))
    assert response.status_code == 403
    assert not WebhookNotification.objects.exists()


def test_a_signed_body_for_an_unknown_account_is_answered_but_not_stored(deliver, instagram):
    body = notification_body().replace(IGU.encode(), b"17841499999999999")
    response, queued = deliver(body, signed(body))
    assert response.status_code == 200 and queued == []
    assert not WebhookNotification.objects.exists()


def test_a_signed_body_that_is_not_json_is_kept_as_a_rejected_payload(deliver, instagram):
    body = b"object=instagram&entry=broken"
    response, _ = deliver(body, signed(body))
    assert response.status_code == 200
    rejected = RejectedPayload.objects.get()
    assert rejected.source == instagram and rejected.payload_text == body.decode()


def test_the_task_reads_each_mention_into_one_mention_each(deliver, instagram, http):
    body = notification_body()
    _, queued = deliver(body, signed(body))
    replay(http, "mentioned_media.json", fields=mentioned_media_fields("17918195224117851"))
    replay(http, "mentioned_comment.json", fields=COMMENT_FIELDS)

    instagram_mentions_fetch_task.apply(args=queued)

    notification = WebhookNotification.objects.get()
    assert notification.status == WebhookNotification.Status.PROCESSED
    assert (notification.mentions_new, notification.duplicates) == (2, 0)
    post = Mention.objects.get(external_id="media:17918195224117851")
    assert post.platform == "instagram" and post.source == instagram
    assert post.title == "Instagram post mentioning Riverside General"
    assert post.author_handle == "sam.k" and post.url == "https://www.instagram.com/p/C7ccccccccc1/"
    assert post.hospital.slug == "riverside", "the title files the mention under the account's hospital"
    comment = Mention.objects.get(external_id="comment:17894227972186120")
    assert comment.title == "Instagram comment mentioning Riverside General"
    assert comment.url == "https://www.instagram.com/p/C7ccccccccc1/"
    assert comment.raw["found_by"] == "mention"


def test_the_same_notification_delivered_twice_stores_each_mention_once(deliver, instagram, http):
    body = notification_body()
    for _ in range(2):
        replay(http, "mentioned_media.json", fields=mentioned_media_fields("17918195224117851"))
        replay(http, "mentioned_comment.json", fields=COMMENT_FIELDS)
        _, queued = deliver(body, signed(body))
        instagram_mentions_fetch_task.apply(args=queued)

    assert Mention.objects.filter(source=instagram).count() == 2
    second = WebhookNotification.objects.order_by("-pk").first()
    assert (second.mentions_new, second.duplicates) == (0, 2)


def test_a_processed_notification_is_not_read_again(deliver, instagram, http):
    body = notification_body()
    _, queued = deliver(body, signed(body))
    replay(http, "mentioned_media.json", fields=mentioned_media_fields("17918195224117851"))
    replay(http, "mentioned_comment.json", fields=COMMENT_FIELDS)
    instagram_mentions_fetch_task.apply(args=queued)
    calls = len(http.calls)
    instagram_mentions_fetch_task.apply(args=queued)  # redelivered by the broker
    assert len(http.calls) == calls


def test_a_post_found_by_polling_and_by_a_mention_is_stored_once(deliver, instagram, http, monkeypatch):
    from sources.connectors import instagram as instagram_connector

    monkeypatch.setattr(
        instagram_connector, "utc_now", lambda: instagram_connector.parse_time("2026-05-14T12:00:00Z")
    )
    replay(http, "media_empty.json")
    replay(http, "tags.json")
    source_sync(source_id=instagram.pk)
    assert Mention.objects.filter(external_id="media:18040000000000001").count() == 1

    payload = {
        "object": "instagram",
        "entry": [
            {
                "id": IGU,
                "time": 1778752800,
                "changes": [
                    {"field": "mentions", "value": {"media_id": "18040000000000001"}},
                ],
            }
        ],
    }
    body = json.dumps(payload).encode()
    replay(http, "mentioned_tagged_media.json", fields=mentioned_media_fields("18040000000000001"))
    _, queued = deliver(body, signed(body))
    instagram_mentions_fetch_task.apply(args=queued)

    assert Mention.objects.filter(external_id="media:18040000000000001").count() == 1
    assert WebhookNotification.objects.get().duplicates == 1


def test_an_expired_token_keeps_the_payload_and_shows_the_error(deliver, instagram, http, admin_client):
    body = notification_body()
    _, queued = deliver(body, signed(body))
    replay(http, "mentioned_expired_token.json")

    instagram_mentions_fetch_task.apply(args=queued)

    notification = WebhookNotification.objects.get()
    assert notification.status == WebhookNotification.Status.FAILED
    assert notification.payload == json.loads(body), "the payload stays, to be read once the token is fixed"
    assert "error 190" in notification.error
    instagram.refresh_from_db()
    assert instagram.status == Source.Status.BROKEN
    assert "Session has expired" in instagram.last_error and "system user token" in instagram.how_to_fix
    assert CoverageGap.objects.filter(source=instagram, reason=CoverageGap.Reason.CREDENTIALS).exists()
    assert not Mention.objects.exists()
    page = admin_client.get(reverse("sources:source_detail", args=[instagram.pk])).content.decode()
    assert "Session has expired" in page and "Recent webhook notifications" in page


def test_a_deleted_mention_is_noted_without_breaking_the_source(deliver, instagram, http):
    body = notification_body()
    _, queued = deliver(body, signed(body))
    replay(http, "mentioned_media_gone.json", fields=mentioned_media_fields("17918195224117851"))
    replay(http, "mentioned_comment.json", fields=COMMENT_FIELDS)

    instagram_mentions_fetch_task.apply(args=queued)

    notification = WebhookNotification.objects.get()
    assert notification.status == WebhookNotification.Status.PROCESSED and notification.mentions_new == 1
    assert "media:17918195224117851" in notification.error
    instagram.refresh_from_db()
    assert instagram.status != Source.Status.BROKEN


def test_a_transient_failure_is_retried_then_given_up(deliver, instagram, monkeypatch):
    body = notification_body()
    _, queued = deliver(body, signed(body))
    retried = {}

    def throttled(**kwargs):
        raise TransientConnectorError("Rate limited. Instagram answered 400, error 80002", retry_after=600)

    def fake_retry(exc, countdown):
        retried.update(exc=exc, countdown=countdown)
        return RuntimeError("retry scheduled")

    monkeypatch.setattr("sources.tasks.instagram_mentions_fetch", throttled)
    with monkeypatch.context() as patched, pytest.raises(RuntimeError, match="retry scheduled"):
        patched.setattr(instagram_mentions_fetch_task, "retry", fake_retry)
        instagram_mentions_fetch_task.run(queued[0])
    assert 600 < retried["countdown"] <= 605
    assert WebhookNotification.objects.get().status == WebhookNotification.Status.RECEIVED

    # In eager mode each retry runs at once, so apply() goes through every retry to the last one.
    instagram_mentions_fetch_task.apply(args=queued)
    notification = WebhookNotification.objects.get()
    assert notification.status == WebhookNotification.Status.FAILED and "80002" in notification.error


def test_a_mention_notification_is_not_confused_with_other_fields():
    payload = {
        "object": "instagram",
        "entry": [
            {
                "id": IGU,
                "changes": [
                    {"field": "comments", "value": {"id": "1790", "text": "hi", "media": {"id": "1791"}}},
                    {"field": "mentions", "value": {"media_id": "1792"}},
                    {"field": "mentions", "value": {"media_id": "1792"}},
                    {"field": "mentions", "value": {"media_id": "not-an-id"}},
                ],
            },
            {"id": "999", "changes": [{"field": "mentions", "value": {"media_id": "1793"}}]},
        ],
    }
    assert mention_refs(payload, account_id=IGU) == [MentionRef(account_id=IGU, media_id="1792")]
    assert mention_refs({"object": "page", "entry": payload["entry"]}, account_id=IGU) == []
    assert mention_refs([payload], account_id=IGU) == [MentionRef(account_id=IGU, media_id="1792")]


def test_signature_check_is_exact():
    body = b'{"object":"instagram"}'
    assert signature_matches(body=body, header=signed(body), app_secret=APP_SECRET)
    assert not signature_matches(body=body + b" ", header=signed(body), app_secret=APP_SECRET)
    assert not signature_matches(body=body, header=signed(body), app_secret="")


def test_a_disabled_source_stores_nothing(deliver, instagram):
    Source.objects.filter(pk=instagram.pk).update(is_enabled=False)
    body = notification_body()
    response, queued = deliver(body, signed(body))
    assert response.status_code == 200 and queued == []
    assert not WebhookNotification.objects.exists()
    assert not SourceCursor.objects.exists()


def test_a_failed_notification_is_read_again_once_the_token_is_fixed(
    deliver, instagram, http, django_capture_on_commit_callbacks, monkeypatch
):
    body = notification_body()
    _, queued = deliver(body, signed(body))
    replay(http, "mentioned_expired_token.json")
    instagram_mentions_fetch_task.apply(args=queued)
    assert WebhookNotification.objects.get().status == WebhookNotification.Status.FAILED

    requeued: list[int] = []
    monkeypatch.setattr(instagram_mentions_fetch_task, "delay", requeued.append)
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_notifications_retry(notification_ids=queued) == 1
    assert requeued == queued
    http.reset()
    replay(http, "mentioned_media.json", fields=mentioned_media_fields("17918195224117851"))
    replay(http, "mentioned_comment.json", fields=COMMENT_FIELDS)
    instagram_mentions_fetch_task.apply(args=requeued)
    assert WebhookNotification.objects.get().status == WebhookNotification.Status.PROCESSED
    assert Mention.objects.filter(source=instagram).count() == 2
