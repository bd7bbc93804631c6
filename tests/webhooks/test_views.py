"""The webhook pages: the secret shown once, editing, pausing notices, replay."""

import pytest
import responses
from django.urls import reverse
from django.utils import timezone

from administration import roles
from administration.models import ConfigChange
from tests.webhooks.conftest import RECEIVER, stored_secret
from webhooks.models import Delivery, Endpoint, Event
from webhooks.services import endpoint_secret
from webhooks.tasks import webhook_delivery_send_task


@pytest.fixture
def admin_client(client, user_with_role):
    client.force_login(user_with_role(roles.ADMIN))
    return client


def test_it_shows_the_secret_once_and_stores_it_encrypted(admin_client):
    response = admin_client.post(
        reverse("webhooks:endpoint_create"),
        {"name": "Salesforce", "url": RECEIVER, "events": [Event.COMPLAINT_NEW, Event.REPLY_SENT]},
    )

    endpoint = Endpoint.objects.get()
    secret = endpoint_secret(endpoint)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert secret.startswith("whsec_") and secret in response.content.decode()
    assert secret not in stored_secret(endpoint)
    assert endpoint.events == sorted([Event.COMPLAINT_NEW, Event.REPLY_SENT])
    assert (
        secret
        not in admin_client.get(reverse("webhooks:endpoint_detail", args=[endpoint.pk])).content.decode()
    )
    change = ConfigChange.objects.get(object_id=str(endpoint.pk))
    assert change.changes["secret"] != [None, secret] and secret not in str(change.changes)


def test_a_form_without_events_says_what_to_fix(admin_client):
    response = admin_client.post(reverse("webhooks:endpoint_create"), {"name": "CRM", "url": "not a url"})
    assert response.status_code == 400
    assert "Choose at least one event to send." in response.content.decode()
    assert "Enter a valid URL." in response.content.decode()


def test_editing_changes_the_filters(admin_client, make_endpoint, hospitals):
    endpoint, _ = make_endpoint()
    response = admin_client.post(
        reverse("webhooks:endpoint_edit", args=[endpoint.pk]),
        {
            "name": "CRM",
            "url": RECEIVER,
            "events": [Event.COMPLAINT_CRITICAL],
            "hospital": hospitals["riverside"].pk,
            "min_severity": "high",
        },
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.events, endpoint.hospital, endpoint.min_severity) == (
        [Event.COMPLAINT_CRITICAL],
        hospitals["riverside"],
        "high",
    )


def test_a_paused_endpoint_is_announced_on_every_admin_page(
    admin_client, make_endpoint, client, user_with_role
):
    endpoint, _ = make_endpoint()
    Endpoint.objects.filter(pk=endpoint.pk).update(
        paused_at=timezone.now(), paused_reason="10 deliveries in a row failed"
    )

    overview = admin_client.get(reverse("administration:user_list")).content.decode()
    detail = admin_client.get(reverse("webhooks:endpoint_detail", args=[endpoint.pk])).content.decode()

    assert "is paused: 10 deliveries in a row failed" in overview
    assert "Resume" in detail and "Paused since" in detail
    client.force_login(user_with_role(roles.MARKETING))
    assert "is paused" not in client.get(reverse("mentions:mention_list")).content.decode()


def test_resuming_from_the_page_clears_the_pause(admin_client, make_endpoint):
    endpoint, _ = make_endpoint()
    Endpoint.objects.filter(pk=endpoint.pk).update(paused_at=timezone.now(), consecutive_failures=10)

    admin_client.post(reverse("webhooks:endpoint_enable", args=[endpoint.pk]))

    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0


@responses.activate
def test_replay_from_the_page_sends_the_delivery_again(
    admin_client, make_endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    # Run the enqueued task here, as the worker would.
    monkeypatch.setattr(
        webhook_delivery_send_task,
        "delay",
        lambda *a, **kw: webhook_delivery_send_task.apply(args=a, kwargs=kw),
    )
    endpoint, _ = make_endpoint()
    delivery = Delivery.objects.create(
        endpoint=endpoint, event=Event.STATUS_CHANGED, payload={"id": "x", "data": {"note": "<b>bold</b>"}}
    )
    responses.post(RECEIVER, status=200, body="thanks")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("webhooks:delivery_replay", args=[delivery.pk]))

    assert response.status_code == 302 and len(responses.calls) == 1
    page = admin_client.get(reverse("webhooks:delivery_detail", args=[delivery.pk])).content.decode()
    assert "Replay" in page and "thanks" in page and "&lt;b&gt;bold&lt;/b&gt;" in page


def test_disabling_stops_new_deliveries(admin_client, make_endpoint):
    endpoint, _ = make_endpoint()
    admin_client.post(reverse("webhooks:endpoint_disable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.is_enabled


def test_a_new_secret_replaces_the_old_one(admin_client, make_endpoint):
    endpoint, old = make_endpoint()
    response = admin_client.post(reverse("webhooks:endpoint_rotate_secret", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    new = endpoint_secret(endpoint)
    assert new != old and new in response.content.decode()
