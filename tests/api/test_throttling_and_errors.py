"""Rate limits per token, and one error shape for every error."""

import pytest

from administration import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"integration": "3/min"}}


def test_over_the_limit_a_token_gets_429_with_retry_after(three_a_minute, make_token, api_client):
    client = api_client(make_token(roles.MARKETING))
    statuses = [client.get("/api/v1/mentions/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/mentions/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["error"]["code"] == "throttled"


def test_the_limit_is_per_token(three_a_minute, make_token, api_client):
    busy, other = api_client(make_token(roles.MARKETING)), api_client(make_token(roles.MARKETING))
    for _ in range(3):
        busy.get("/api/v1/mentions/")
    assert busy.get("/api/v1/mentions/").status_code == 429
    assert other.get("/api/v1/mentions/").status_code == 200


def test_the_limit_is_counted_in_redis(three_a_minute, make_token, api_client):
    """Shared by every web worker: the count lives in the Redis cache, not in the process."""
    from django.core.cache import caches

    from api.models import IntegrationToken

    api_client(make_token(roles.MARKETING)).get("/api/v1/mentions/")
    key_hash = IntegrationToken.objects.get().key_hash
    assert caches["api"].__class__.__name__ == "RedisCache"
    assert caches["api"].get(f"throttle:integration:{key_hash[:32]}")


def _shape(response):
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    return body["error"]


def test_every_error_has_the_same_shape(make_token, api_client, px_writer, queue_item):
    marketing = api_client(make_token(roles.MARKETING))
    cases = [
        (api_client(None).get("/api/v1/mentions/"), 401, "not_authenticated"),
        (marketing.get("/api/v1/queue-items/"), 403, "permission_denied"),
        (marketing.get("/api/v1/mentions/0/"), 404, "not_found"),
        (marketing.get("/api/v1/no-such-thing/"), 404, "not_found"),
        (marketing.delete("/api/v1/mentions/"), 403, "permission_denied"),
        (px_writer.delete("/api/v1/mentions/"), 405, "method_not_allowed"),
        (
            px_writer.post(
                f"/api/v1/queue-items/{queue_item.pk}/notes/", "{", content_type="application/json"
            ),
            400,
            "parse_error",
        ),
        (
            px_writer.post(
                f"/api/v1/queue-items/{queue_item.pk}/status/", {"status": "replied"}, format="json"
            ),
            409,
            "illegal_transition",
        ),
    ]
    for response, status, code in cases:
        assert response.status_code == status, (status, response.content)
        assert _shape(response)["code"] == code


def test_invalid_input_lists_each_field(px_writer, queue_item):
    response = px_writer.post(
        f"/api/v1/queue-items/{queue_item.pk}/correction/", {"category": "vibes"}, format="json"
    )
    error = _shape(response)
    assert response.status_code == 400 and error["code"] == "invalid"
    assert set(error["fields"]) == {"category", "severity"}
    assert "category" in error["message"]
