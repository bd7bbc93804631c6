"""The receiving recipe in docs/webhooks.md, run as written against a real delivery."""

import re
from pathlib import Path

import responses
from django.conf import settings

from tests.webhooks.conftest import RECEIVER
from webhooks.models import Event
from webhooks.services import webhook_deliveries_create, webhook_delivery_send
from webhooks.signing import SIGNATURE_HEADER, TOLERANCE_SECONDS

DOC = Path(settings.BASE_DIR) / "docs" / "webhooks.md"


def _documented_verify():
    """verify_signature from the doc's Python block, executed as a receiver would paste it."""
    (snippet,) = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    namespace: dict = {}
    exec(compile(snippet, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    assert namespace["TOLERANCE_SECONDS"] == TOLERANCE_SECONDS
    return namespace["verify_signature"]


@responses.activate
def test_the_documented_recipe_verifies_a_real_delivery(make_endpoint):
    verify_signature = _documented_verify()
    endpoint, secret = make_endpoint(events=[Event.COMPLAINT_NEW])
    (delivery,) = webhook_deliveries_create(
        event=Event.COMPLAINT_NEW, payload={"mention": {"text": "Zoë “waited”"}}
    )
    responses.post(RECEIVER, status=200)

    webhook_delivery_send(delivery_id=delivery.pk)

    request = responses.calls[0].request
    header, body = request.headers[SIGNATURE_HEADER], request.body
    timestamp = int(header.split(",")[0].removeprefix("t="))
    assert verify_signature(secret, header, body)
    # Anything else fails: another secret, a changed body, a stale or future timestamp, a mangled header.
    assert not verify_signature("whsec_other", header, body)
    assert not verify_signature(secret, header, body.replace(b"waited", b"waited!"))
    assert not verify_signature(secret, header, body, now=timestamp + TOLERANCE_SECONDS + 1)
    assert not verify_signature(secret, header, body, now=timestamp - TOLERANCE_SECONDS - 1)
    assert verify_signature(secret, header, body, now=timestamp + TOLERANCE_SECONDS)
    assert not verify_signature(secret, "v1=abc", body)
    assert not verify_signature(secret, "garbage", body)
