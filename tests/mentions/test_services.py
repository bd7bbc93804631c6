import threading

import pytest
from django.db import connection

from mentions.models import Mention, RejectedPayload
from mentions.services import mention_ingest
from sources.connectors.demo import DemoConnector
from tests.factories import SourceFactory, demo_post


def posts_with_times(*posts):
    for post in posts:
        post.setdefault("posted_at", "2026-11-20T10:00:00+00:00")
    return list(posts)


@pytest.fixture
def source(db):
    return SourceFactory(name="Demo data")


def ingest(source, items):
    return mention_ingest(source=source, raw_items=items, normalize=DemoConnector({}).normalize)


def test_ingest_stores_matched_and_scored_mentions(source, hospitals):
    result = ingest(source, posts_with_times(demo_post(1, "The nurses at RGH were wonderful, thank you!")))
    assert (result.new, result.duplicates, result.rejected) == (1, 0, 0)
    mention = Mention.objects.get()
    assert mention.hospital == hospitals["riverside"]
    assert mention.match_status == "matched"
    assert [term.text for term in mention.matched_terms.all()] == ["RGH"]
    assert mention.sentiment_label == "positive"
    assert mention.sentiment_score > 0.5
    assert mention.raw["id"] == "demo-000001"


def test_ingest_keeps_excluded_mentions_apart(source, hospitals):
    ingest(source, posts_with_times(demo_post(1, "Lord have mercy this exam")))
    mention = Mention.objects.get()
    assert mention.match_status == "excluded"
    assert mention.hospital is None
    assert mention.matched_terms.count() == 0


def test_ingest_skips_duplicates_when_a_batch_is_repeated(source, hospitals):
    batch = posts_with_times(demo_post(1, "RGH one"), demo_post(2, "RGH two"))
    ingest(source, batch)
    again = ingest(source, batch)
    assert (again.new, again.duplicates) == (0, 2)
    assert Mention.objects.count() == 2


def test_ingest_skips_duplicates_within_one_batch(source, hospitals):
    result = ingest(source, posts_with_times(demo_post(1, "RGH one"), demo_post(1, "RGH one")))
    assert (result.new, result.duplicates) == (1, 1)


def test_ingest_keeps_payloads_that_fail_to_normalize(source, hospitals):
    bad = {"id": "demo-9", "platform": "x", "text": "RGH", "posted_at": "not a date"}
    result = ingest(source, posts_with_times(demo_post(1, "RGH fine"), bad))
    assert (result.new, result.rejected) == (1, 1)
    rejected = RejectedPayload.objects.get()
    assert rejected.payload == bad
    assert "posted_at" in rejected.error
    assert rejected.source == source


def test_ingest_stores_text_with_nul_characters_emoji_and_long_text(source, hospitals):
    long_text = "RGH " + "😀 wait " * 5000
    result = ingest(
        source, posts_with_times(demo_post(1, "RGH\x00 kept us waiting 😡"), demo_post(2, long_text))
    )
    assert result.new == 2
    assert Mention.objects.get(external_id="demo-000001").text == "RGH kept us waiting 😡"
    assert Mention.objects.get(external_id="demo-000002").text == long_text.strip()


@pytest.mark.django_db(transaction=True)
def test_concurrent_ingest_of_the_same_batch_stores_each_mention_once(hospitals):
    source = SourceFactory(name="Demo data")
    batch = posts_with_times(*[demo_post(n, f"RGH post {n}") for n in range(1, 201)])
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(ingest(source, batch))
        except Exception as error:  # Surface any failure in the main thread.
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Mention.objects.count() == 200
    assert sum(result.new for result in results) == 200
    assert sum(result.duplicates for result in results) == 200
