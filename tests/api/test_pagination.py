"""Cursor pages stay right while mentions and queue items are inserted between page reads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from administration import roles
from tests.factories import MentionFactory
from tests.triage.factories import ComplaintFactory
from triage.services import queue_item_ensure

pytestmark = pytest.mark.django_db


def _walk(client, url, *, between_pages=lambda page: None) -> list[int]:
    seen, page = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
        page += 1
        between_pages(page)
    return seen


def test_mention_pages_neither_repeat_nor_skip_under_concurrent_inserts(make_token, api_client):
    client = api_client(make_token(roles.MARKETING))
    now = timezone.now().replace(microsecond=0)
    # Many share a posted_at (platforms give seconds), where an offset-based cursor goes wrong.
    existing = [MentionFactory(posted_at=now - timedelta(minutes=n // 3), rollup=False) for n in range(30)]

    def insert(page: int):
        # Newer than everything, tied with the page boundary, and older than everything.
        MentionFactory(posted_at=now + timedelta(minutes=page), rollup=False)
        MentionFactory(posted_at=now - timedelta(minutes=page * 2 // 3), rollup=False)
        MentionFactory(posted_at=now - timedelta(days=1, minutes=page), rollup=False)

    seen = _walk(client, "/api/v1/mentions/?page_size=4", between_pages=insert)

    assert len(seen) == len(set(seen)), "a row was sent twice"
    assert {mention.pk for mention in existing} <= set(seen), "a row that existed all along was skipped"


def test_mention_pages_follow_the_list_order(make_token, api_client):
    client = api_client(make_token(roles.MARKETING))
    now = timezone.now()
    mentions = [MentionFactory(posted_at=now - timedelta(hours=n % 4), rollup=False) for n in range(9)]
    expected = [m.pk for m in sorted(mentions, key=lambda m: (m.posted_at, m.pk), reverse=True)]
    assert _walk(client, "/api/v1/mentions/?page_size=2") == expected


def test_queue_pages_run_oldest_first_and_new_items_join_the_end(make_token, api_client):
    client = api_client(make_token(roles.PATIENT_EXPERIENCE))
    existing = [queue_item_ensure(mention=ComplaintFactory()).pk for _ in range(7)]
    added = []

    def insert(page: int):
        added.append(queue_item_ensure(mention=ComplaintFactory()).pk)

    seen = _walk(client, "/api/v1/queue-items/?page_size=3", between_pages=insert)
    assert seen[: len(existing)] == sorted(existing)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        "W10",
        "WyJub3QgYSBkYXRlIiwgMV0",
        "WyIyMDI2LTAxLTAxIiwgMWUzMDBd",
        "WyIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwgIngiXQ",
    ],
)
def test_a_cursor_the_api_did_not_give_is_a_400(make_token, api_client, cursor):
    response = api_client(make_token(roles.MARKETING)).get(f"/api/v1/mentions/?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json()["error"]["fields"]


@pytest.mark.parametrize("size", ["0", "201", "ten"])
def test_page_size_is_bounded(make_token, api_client, size):
    response = api_client(make_token(roles.MARKETING)).get(f"/api/v1/mentions/?page_size={size}")
    assert response.status_code == 400 and "page_size" in response.json()["error"]["fields"]
