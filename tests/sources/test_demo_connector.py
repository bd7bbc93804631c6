from datetime import timedelta

import pytest
from django.utils import timezone

from sources.connectors.base import NormalizationError, SourceQuery
from sources.connectors.demo import PAGE_SIZE, DemoConnector
from tests.factories import demo_post

QUERY = SourceQuery(key="hospital:riverside", terms=('"Riverside General"', '"RGH"'))


def connector(path, anchor=None):
    anchor = anchor or timezone.now()
    return DemoConnector({"anchor": anchor.isoformat(), "dataset_path": str(path)})


def test_fetch_returns_matching_posts_oldest_first_and_a_cursor(write_dataset):
    path = write_dataset(
        [
            demo_post(1, "RGH was great", age_hours=30),
            demo_post(2, "unrelated post", age_hours=20),
            demo_post(3, "Riverside General again", age_hours=10),
        ]
    )
    result = connector(path).fetch(QUERY, {})
    assert [item["id"] for item in result.items] == ["demo-000001", "demo-000003"]
    assert result.next_cursor == {"index": 2}
    assert result.has_more is False


def test_fetch_resumes_after_the_cursor(write_dataset):
    path = write_dataset([demo_post(n, f"RGH post {n}", age_hours=100 - n) for n in range(1, 6)])
    result = connector(path).fetch(QUERY, {"index": 2})
    assert [item["id"] for item in result.items] == ["demo-000004", "demo-000005"]


def test_fetch_pages_through_a_long_history(write_dataset):
    posts = [demo_post(n, f"RGH post {n}", age_hours=2000 - n) for n in range(1, PAGE_SIZE + 11)]
    source = connector(write_dataset(posts))
    first = source.fetch(QUERY, {})
    second = source.fetch(QUERY, first.next_cursor)
    assert len(first.items) == PAGE_SIZE and first.has_more
    assert len(second.items) == 10 and not second.has_more
    assert {i["id"] for i in first.items}.isdisjoint({i["id"] for i in second.items})


def test_fetch_holds_back_posts_whose_time_has_not_come(write_dataset):
    path = write_dataset([demo_post(1, "RGH old", age_hours=5), demo_post(2, "RGH new", age_hours=1)])
    early = connector(path, anchor=timezone.now() + timedelta(hours=3))
    result = early.fetch(QUERY, {})
    assert [item["id"] for item in result.items] == ["demo-000001"]
    assert result.next_cursor == {"index": 0}


def test_normalize_reads_a_post():
    raw = demo_post(7, "Thank you RGH", platform="review", stars=5)
    raw["posted_at"] = "2026-05-01T10:00:00+00:00"
    mention = DemoConnector({}).normalize(raw)
    assert mention.platform == "review"
    assert mention.external_id == "demo-000007"
    assert mention.rating == 5
    assert mention.posted_at.isoformat() == "2026-05-01T10:00:00+00:00"
    assert mention.author_handle == "author7"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": ""}, "missing required field 'text'"),
        ({"platform": "myspace"}, "unknown platform"),
        ({"posted_at": "yesterday"}, "not a date-time"),
        ({"likes": -3}, "must not be negative"),
        ({"likes": "many"}, "must be a whole number"),
    ],
)
def test_normalize_rejects_malformed_posts_with_a_clear_error(change, message):
    raw = {**demo_post(8, "RGH"), "posted_at": "2026-05-01T10:00:00+00:00", **change}
    with pytest.raises(NormalizationError, match=message):
        DemoConnector({}).normalize(raw)


def test_the_bundled_data_set_is_large_and_varied():
    from sources.connectors.demo import DATASET_PATH, load_posts

    posts = load_posts(DATASET_PATH)
    assert len(posts) >= 3000
    assert {"x", "reddit", "news", "review"} <= {post["platform"] for post in posts}
    assert len({post["text"] for post in posts}) == len(posts)
    ages = [post["age_seconds"] for post in posts]
    assert ages == sorted(ages, reverse=True), "the data set must be stored oldest first"
