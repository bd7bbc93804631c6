"""Signing deliveries: HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's secret.

docs/webhooks.md shows receivers the same recipe in plain Python; a test runs that recipe against a real
delivery, so the two cannot drift apart.
"""

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-HospitalListen-Signature"
EVENT_HEADER = "X-HospitalListen-Event"
DELIVERY_HEADER = "X-HospitalListen-Delivery"
# Receivers reject a signature older (or newer) than this, so a captured request cannot be replayed later.
TOLERANCE_SECONDS = 300
SECRET_PREFIX = "whsec_"


def secret_generate() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature_compute(*, secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature_compute(secret=secret, timestamp=timestamp, body=body)}"
