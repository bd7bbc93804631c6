from datetime import datetime

from django.utils import timezone

from dashboards.selectors import (
    complaint_volume_by_category,
    mention_counts_by_hospital,
    mention_counts_by_platform,
    mention_totals,
    mention_volume_by_period,
)
from mentions.models import Mention
from tests.factories import MentionFactory


def at(day: int, hour: int = 12):
    return timezone.make_aware(datetime(2026, 11, day, hour))


def test_totals_count_each_sentiment_in_one_query(hospitals, django_assert_num_queries):
    MentionFactory(sentiment_label="positive")
    MentionFactory(sentiment_label="negative", is_complaint=True)
    MentionFactory(sentiment_label="negative")
    with django_assert_num_queries(1):
        totals = mention_totals(mentions=Mention.objects.all())
    assert (totals.total, totals.positive, totals.negative, totals.complaints) == (3, 1, 2, 1)
    assert totals.net_sentiment == -33


def test_volume_by_day_and_week(hospitals, django_assert_num_queries):
    MentionFactory(posted_at=at(2), sentiment_label="negative")  # A Monday.
    MentionFactory(posted_at=at(2, 18), sentiment_label="negative")
    MentionFactory(posted_at=at(4), sentiment_label="positive")
    with django_assert_num_queries(1):
        daily = mention_volume_by_period(mentions=Mention.objects.all(), period="day")
    assert daily["negative"] == {at(2).date(): 2}
    assert daily["positive"] == {at(4).date(): 1}
    weekly = mention_volume_by_period(mentions=Mention.objects.all(), period="week")
    assert weekly["negative"] == {at(2).date(): 2}
    assert weekly["positive"] == {at(2).date(): 1}


def test_counts_by_platform_largest_first(hospitals, django_assert_num_queries):
    MentionFactory(platform="reddit", sentiment_label="negative")
    MentionFactory(platform="reddit", sentiment_label="positive")
    MentionFactory(platform="x", sentiment_label="neutral")
    with django_assert_num_queries(1):
        rows = mention_counts_by_platform(mentions=Mention.objects.all())
    assert [(row.key, row.label, row.counts) for row in rows] == [
        ("reddit", "Reddit", {"negative": 1, "neutral": 0, "positive": 1}),
        ("x", "X", {"negative": 0, "neutral": 1, "positive": 0}),
    ]


def test_counts_by_hospital_put_the_own_hospital_first(hospitals, django_assert_num_queries):
    MentionFactory(hospital=hospitals["mercy"], sentiment_label="negative", is_complaint=True)
    MentionFactory(hospital=hospitals["mercy"], sentiment_label="negative")
    MentionFactory(hospital=hospitals["riverside"], sentiment_label="positive")
    MentionFactory(hospital=None)
    with django_assert_num_queries(1):
        rows = mention_counts_by_hospital(mentions=Mention.objects.all())
    assert [(row.key, row.is_own) for row in rows] == [("riverside", True), ("mercy-valley", False)]
    assert (rows[1].counts["negative"], rows[1].complaints, rows[1].total) == (2, 1, 2)


def test_complaints_by_category_per_week(hospitals, django_assert_num_queries):
    MentionFactory(posted_at=at(2), is_complaint=True, category="safety")
    MentionFactory(posted_at=at(3), is_complaint=True, category="safety")
    MentionFactory(posted_at=at(3), is_complaint=True, category="")
    MentionFactory(posted_at=at(3), is_complaint=False)
    with django_assert_num_queries(1):
        volume = complaint_volume_by_category(mentions=Mention.objects.all(), period="week")
    assert volume == {"safety": {at(2).date(): 2}, "": {at(2).date(): 1}}
