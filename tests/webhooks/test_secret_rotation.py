"""Webhook signing secrets are encrypted like source credentials and re-encrypted with them on rotation."""

import json

import pytest
import responses
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.test import override_settings

from sources.crypto import CredentialsUnreadable
from tests.factories import SourceFactory
from tests.webhooks.conftest import RECEIVER, stored_secret
from webhooks.models import Delivery, Endpoint, Event
from webhooks.services import endpoint_secret, webhook_delivery_send
from webhooks.signing import SIGNATURE_HEADER, signature_compute

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()

pytestmark = pytest.mark.django_db


@responses.activate
def test_after_rotation_the_secret_is_ciphertext_under_the_new_key_and_still_signs(make_endpoint, capsys):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        endpoint, secret = make_endpoint()
        source = SourceFactory(name="Brave", kind="brave_search", credentials={"api_key": "BSA-0123456789"})
        before = stored_secret(endpoint)
    assert json.loads(Fernet(OLD_KEY).decrypt(before.encode())) == {"secret": secret}

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        call_command("source_credentials_reencrypt")
    assert "1 webhook endpoints" in capsys.readouterr().out

    after = stored_secret(endpoint)
    assert after != before and secret not in after
    assert json.loads(Fernet(NEW_KEY).decrypt(after.encode())) == {"secret": secret}
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEY).decrypt(after.encode())

    # With the old key gone, the secret still signs deliveries the receiver can verify.
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert endpoint_secret(Endpoint.objects.get(pk=endpoint.pk)) == secret
        source.refresh_from_db()
        assert source.credentials == {"api_key": "BSA-0123456789"}
        responses.post(RECEIVER, status=204)
        delivery = Delivery.objects.create(
            endpoint=endpoint, event=Event.STATUS_CHANGED, payload={"id": "e1"}
        )
        webhook_delivery_send(delivery_id=delivery.pk)
    request = responses.calls[0].request
    fields = dict(part.split("=", 1) for part in request.headers[SIGNATURE_HEADER].split(","))
    assert fields["v1"] == signature_compute(secret=secret, timestamp=int(fields["t"]), body=request.body)


def test_a_secret_no_key_opens_is_named_and_kept(make_endpoint):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        endpoint, _ = make_endpoint()
        before = stored_secret(endpoint)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        with pytest.raises(CommandError, match="webhook endpoint CRM"):
            call_command("source_credentials_reencrypt")
        with pytest.raises(CredentialsUnreadable):
            endpoint_secret(Endpoint.objects.get(pk=endpoint.pk))
    assert stored_secret(endpoint) == before
