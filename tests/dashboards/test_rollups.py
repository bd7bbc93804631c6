"""The MentionDay rollup: refreshes, the selectors that read it, and the synthetic-mention generator."""

from datetime import datetime, time, timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.http import QueryDict
from django.test import override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from dashboards import rollup_selectors as rollup
from dashboards import selectors as raw
from dashboards.management.synthetic import SYNTHETIC_SOURCE_NAME, synthetic_mentions_generate
from dashboards.models import MentionDay
from dashboards.rollups import (
    mention_day,
    mention_days_of,
    mention_days_rebuild,
    mention_days_refresh,
    mention_days_refresh_for_mentions,
)
from dashboards.tasks import mention_days_rebuild_recent_task, mention_days_refresh_task
from mentions.models import Mention
from mentions.selectors import mention_filterset, mention_filterset_previous_period
from sources.models import Source
from tests.factories import MentionFactory, SourceFactory

DIMENSIONS = ("day", "hospital_id", "platform", "sentiment_label", "is_complaint", "category", "severity")


def at(days_ago: int, hour: int = 12, minute: int = 0) -> datetime:
    """A local time `days_ago` days before today."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def rollup_rows() -> set[tuple]:
    return set(MentionDay.objects.values_list(*DIMENSIONS, "match_status", "count"))


def expected_rows() -> set[tuple]:
    """The rollup computed the slow way, straight from the mentions."""
    rows = (
        Mention.objects.annotate(day=TruncDate("posted_at"))
        .values(*DIMENSIONS, "match_status")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {tuple(row.values()) for row in rows}


def mention_days_all() -> set:
    return set(Mention.objects.annotate(day=TruncDate("posted_at")).values_list("day", flat=True))


@pytest.fixture
def mixed(hospitals):
    """Mentions with every kind of tag, on day boundaries, inside, before and across the default period."""
    riverside, mercy = hospitals["riverside"], hospitals["mercy"]
    specs = [
        dict(hospital=riverside, posted_at=at(0, 0, 5), sentiment_label="negative", is_complaint=True,
             category="wait_times", severity="medium"),
        dict(hospital=riverside, posted_at=at(0, 23, 55), sentiment_label="negative", is_complaint=True,
             category="wait_times", severity="high", platform="reddit"),
        dict(hospital=riverside, posted_at=at(1), sentiment_label="positive", is_complaint=False),
        dict(hospital=riverside, posted_at=at(1), sentiment_label="positive", is_complaint=False),
        dict(hospital=riverside, posted_at=at(2), sentiment_label="", is_complaint=None),
        dict(hospital=mercy, posted_at=at(2), sentiment_label="negative", is_complaint=True,
             category="billing_insurance", severity="low", platform="google_reviews"),
        dict(hospital=mercy, posted_at=at(3), sentiment_label="neutral", is_complaint=True, category="",
             severity="low", platform="google_reviews"),
        dict(hospital=mercy, posted_at=at(9), sentiment_label="neutral", is_complaint=False, platform="news"),
        dict(hospital=None, posted_at=at(4), sentiment_label="negative", is_complaint=False,
             match_status="unmatched"),
        dict(hospital=None, posted_at=at(4), sentiment_label="neutral", is_complaint=False,
             match_status="excluded", platform="reddit"),
        dict(hospital=None, posted_at=at(5), sentiment_label="positive", is_complaint=False),
        dict(hospital=mercy, posted_at=at(89, 0, 1), sentiment_label="negative", is_complaint=True,
             category="safety", severity="critical"),
        dict(hospital=mercy, posted_at=at(90, 23, 59), sentiment_label="negative", is_complaint=True,
             category="safety", severity="high"),
        dict(hospital=riverside, posted_at=at(120), sentiment_label="positive", is_complaint=False),
        dict(hospital=riverside, posted_at=at(150), sentiment_label="negative", is_complaint=True,
             category="communication", severity="medium", platform="reddit"),
        dict(hospital=riverside, posted_at=at(-1, 1), sentiment_label="neutral", is_complaint=False),
    ]  # fmt: skip
    mentions = [MentionFactory(**spec, rollup=False) for spec in specs]
    mention_days_refresh(days=mention_days_all())
    return mentions


def _comparable(rows: list[raw.BreakdownRow]) -> tuple[list[int], list[tuple]]:
    """The totals in order (the sort both sides apply) and the rows by key (ties may come in any order)."""
    by_key = sorted(rows, key=lambda row: row.key)
    return [row.total for row in rows], [(r.key, r.label, r.counts, r.is_own, r.complaints) for r in by_key]


FILTERS = [
    "",
    "hospital=riverside",
    "hospital=mercy-valley&complaint=true",
    "platform=reddit",
    "platform=google_reviews&sentiment=negative",
    "sentiment=neutral",
    "sentiment=positive&hospital=riverside",
    "complaint=true",
    "complaint=false",
    "category=wait_times",
    "category=safety&severity=critical",
    "severity=low",
    "match=excluded",
    "match=unmatched",
    "date_from={d3}&date_to={d0}",
    "date_from={d150}",
    "date_to={d2}",
    "date_from={d120}&date_to={d90}&hospital=mercy-valley",
]


def _filterset(query: str):
    today = timezone.localdate()
    query = query.format(
        **{f"d{n}": (today - timedelta(days=n)).isoformat() for n in (0, 2, 3, 90, 120, 150)}
    )
    filterset = mention_filterset(data=QueryDict(query), default_period=True)
    assert filterset.is_valid(), filterset.errors
    return filterset


@pytest.mark.parametrize("period", ["day", "week"])
@pytest.mark.parametrize("query", FILTERS)
def test_rollup_selectors_return_what_the_raw_selectors_return(mixed, query, period):
    filterset = _filterset(query)
    mentions = filterset.qs
    assert rollup.rollup_can_answer(filterset)
    assert rollup.mention_totals(filterset=filterset) == raw.mention_totals(mentions=mentions)
    assert rollup.mention_volume_by_period(
        filterset=filterset, period=period
    ) == raw.mention_volume_by_period(mentions=mentions, period=period)
    assert rollup.complaint_volume_by_category(
        filterset=filterset, period=period
    ) == raw.complaint_volume_by_category(mentions=mentions, period=period)
    assert _comparable(rollup.mention_counts_by_platform(filterset=filterset)) == _comparable(
        raw.mention_counts_by_platform(mentions=mentions)
    )
    assert _comparable(rollup.mention_counts_by_hospital(filterset=filterset)) == _comparable(
        raw.mention_counts_by_hospital(mentions=mentions)
    )
    previous = mention_filterset_previous_period(filterset)
    combined = rollup.overview_aggregates(filterset=filterset, previous=previous, period=period)
    expected = rollup.overview_aggregates_from_mentions(filterset=filterset, previous=previous, period=period)
    assert (
        combined.totals,
        combined.previous,
        combined.volume,
        combined.categories,
        combined.previous_volume,
    ) == (expected.totals, expected.previous, expected.volume, expected.categories, expected.previous_volume)
    assert _comparable(combined.by_platform) == _comparable(expected.by_platform)
    assert _comparable(combined.by_hospital) == _comparable(expected.by_hospital)


def test_the_filters_select_something_so_the_equivalence_test_means_something(mixed):
    for query in FILTERS:
        assert raw.mention_totals(mentions=_filterset(query).qs).total, query


@override_settings(TIME_ZONE="America/New_York")
def test_rollup_days_are_local_days_like_truncday(hospitals):
    # 23:30 in New York is already the next day in UTC.
    MentionFactory(posted_at=at(1, 23, 30), sentiment_label="negative", rollup=False)
    MentionFactory(posted_at=at(0, 0, 30), sentiment_label="positive", rollup=False)
    mention_days_refresh(days=mention_days_all())
    filterset = _filterset("")
    assert rollup_rows() == expected_rows()
    assert rollup.mention_volume_by_period(filterset=filterset, period="day") == raw.mention_volume_by_period(
        mentions=filterset.qs, period="day"
    )


def test_each_rollup_selector_is_one_query_and_the_overview_three(mixed, django_assert_num_queries):
    filterset = _filterset("hospital=riverside&complaint=true")
    previous = mention_filterset_previous_period(filterset)
    with django_assert_num_queries(1):
        rollup.mention_totals(filterset=filterset)
    with django_assert_num_queries(1):
        rollup.mention_volume_by_period(filterset=filterset, period="week")
    with django_assert_num_queries(1):
        rollup.complaint_volume_by_category(filterset=filterset, period="day")
    with django_assert_num_queries(1):
        rollup.mention_counts_by_platform(filterset=filterset)
    with django_assert_num_queries(1):
        rollup.mention_counts_by_hospital(filterset=filterset)
    with django_assert_num_queries(3):
        rollup.overview_aggregates(filterset=filterset, previous=previous, period="day")


@pytest.mark.parametrize("query", ["q=parking", "cluster=4", "q=wait&hospital=riverside"])
def test_rollup_cannot_answer_search_or_clusters_and_the_raw_selectors_do(
    mixed, query, django_assert_num_queries
):
    filterset = _filterset(query)
    assert not rollup.rollup_can_answer(filterset)
    previous = mention_filterset_previous_period(filterset)
    with django_assert_num_queries(7):
        aggregates = rollup.overview_aggregates(filterset=filterset, previous=previous, period="day")
    assert aggregates.totals == raw.mention_totals(mentions=filterset.qs)


def test_rollup_cannot_answer_an_invalid_filter_set(db):
    filterset = mention_filterset(data=QueryDict("date_from=yesterday"))
    assert not rollup.rollup_can_answer(filterset)


def test_refresh_builds_the_rows_a_group_by_gives(mixed):
    assert rollup_rows() == expected_rows()
    assert sum(MentionDay.objects.values_list("count", flat=True)) == Mention.objects.count()


def test_refresh_follows_a_retag_and_a_delete(mixed):
    retagged, deleted = mixed[0], mixed[5]
    retagged.category, retagged.severity, retagged.sentiment_label = "communication", "low", "neutral"
    retagged.save()
    deleted.delete()
    mention_days_refresh(days=[retagged.posted_at.date(), deleted.posted_at.date()])
    assert rollup_rows() == expected_rows()
    assert not MentionDay.objects.filter(category="billing_insurance").exists()


def test_refresh_of_a_day_without_mentions_deletes_its_rows(mixed):
    Mention.objects.filter(posted_at__gte=at(0, 0, 0), posted_at__lt=at(-1, 0, 0)).delete()
    mention_days_rebuild(since=timezone.localdate() - timedelta(days=1), until=timezone.localdate())
    assert not MentionDay.objects.filter(day=timezone.localdate()).exists()
    assert rollup_rows() == expected_rows()


def test_refresh_is_idempotent_and_leaves_unchanged_rows_alone(mixed):
    before = set(MentionDay.objects.values_list("id", *DIMENSIONS, "count"))
    mention_days_refresh(days=mention_days_all())
    mention_days_refresh(days=mention_days_all())
    assert set(MentionDay.objects.values_list("id", *DIMENSIONS, "count")) == before


def test_refresh_touches_only_the_days_it_is_given(mixed):
    MentionFactory(posted_at=at(1), sentiment_label="positive", rollup=False)
    MentionFactory(posted_at=at(3), sentiment_label="positive", rollup=False)
    mention_days_refresh(days=[at(1).date()])
    assert MentionDay.objects.filter(day=at(1).date()).aggregate(n=Sum("count"))["n"] == 3
    assert rollup_rows() != expected_rows()  # Day 3 waits for its own refresh.
    mention_days_rebuild(since=at(3).date(), until=at(3).date())
    assert rollup_rows() == expected_rows()


def test_a_deleted_hospital_keeps_totals_right_until_its_days_are_refreshed(mixed, hospitals):
    hospitals["mercy"].delete()
    filterset = _filterset("")
    assert rollup.mention_totals(filterset=filterset) == raw.mention_totals(mentions=filterset.qs)
    assert _comparable(rollup.mention_counts_by_hospital(filterset=filterset)) == _comparable(
        raw.mention_counts_by_hospital(mentions=filterset.qs)
    )
    mention_days_refresh(days=mention_days_all())
    assert rollup_rows() == expected_rows()


def test_mention_days_of_gives_the_local_days_of_mentions(mixed):
    assert mention_days_of(mention_ids=[mixed[0].pk, mixed[1].pk, mixed[2].pk]) == [
        at(1).date(),
        at(0).date(),
    ]
    assert mention_days_of(mention_ids=[]) == []


def test_refresh_for_mentions_enqueues_once_per_day_after_commit(mixed, django_capture_on_commit_callbacks):
    cache.clear()
    ids = [mixed[0].pk, mixed[2].pk]
    with mock.patch.object(mention_days_refresh_task, "apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=True):
            mention_days_refresh_for_mentions(mention_ids=ids)
            assert not apply_async.called  # Not before commit.
        with django_capture_on_commit_callbacks(execute=True):
            mention_days_refresh_for_mentions(mention_ids=ids)  # Coalesced into the first.
    apply_async.assert_called_once()
    assert apply_async.call_args.kwargs["args"] == [[at(1).date().isoformat(), at(0).date().isoformat()]]
    assert apply_async.call_args.kwargs["countdown"] > 0
    cache.clear()


def test_a_refresh_the_broker_cannot_take_is_logged_and_tried_again_by_the_next_write(
    mixed, django_capture_on_commit_callbacks, caplog
):
    cache.clear()
    ids = [mixed[0].pk, mixed[2].pk]
    broker_down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch.object(mention_days_refresh_task, "apply_async", side_effect=broker_down) as apply_async:
        with django_capture_on_commit_callbacks(execute=True):
            mention_days_refresh_for_mentions(mention_ids=ids)  # Does not raise after the commit.
        with django_capture_on_commit_callbacks(execute=True):
            mention_days_refresh_for_mentions(mention_ids=ids)  # Not coalesced into the lost one.
    assert apply_async.call_count == 2
    assert "dashboards.mention_days_refresh" in caplog.text
    cache.clear()


def test_the_day_of_a_mention_is_the_day_the_rollup_counts_it_in(mixed):
    # Computed in Python where the posting time is at hand (ingest, enrichment), with no query; the
    # mixed mentions sit on local day boundaries.
    assert sorted({mention_day(mention.posted_at) for mention in mixed}) == mention_days_of(
        mention_ids=[mention.pk for mention in mixed]
    )
    first_three = [mention_day(mention.posted_at) for mention in mixed[:3]]
    assert first_three == [at(0).date(), at(0).date(), at(1).date()]


def test_refresh_task_recomputes_the_days_it_is_given(mixed):
    MentionFactory(posted_at=at(2), sentiment_label="negative", rollup=False)
    mention_days_refresh_task.apply(args=[[at(2).date().isoformat()]])
    assert rollup_rows() == expected_rows()


def test_rebuild_recent_task_recomputes_the_last_three_days(mixed):
    MentionDay.objects.filter(day__gte=at(2).date(), day__lte=at(0).date()).delete()
    mention_days_rebuild_recent_task.apply()
    assert rollup_rows() == expected_rows()


def test_generator_stores_tagged_synthetic_mentions_and_their_rollup(hospitals):
    result = synthetic_mentions_generate(count=3000, days=30, batch=1000, jobs=1, seed=1)
    mentions = Mention.objects.filter(source__name=SYNTHETIC_SOURCE_NAME)
    assert result.created == mentions.count() == 3000
    assert mentions.filter(hospital__in=hospitals.values()).count() > 2000
    assert mentions.filter(posted_at__gt=timezone.now()).count() == 0
    assert (timezone.localdate() - timezone.localtime(mentions.last().posted_at).date()).days < 30
    assert set(mentions.values_list("sentiment_label", flat=True)) == {"positive", "neutral", "negative"}
    assert 0.1 < mentions.filter(is_complaint=True).count() / 3000 < 0.4
    assert mentions.filter(is_complaint=True).exclude(category="").exclude(severity="").exists()
    assert mentions.filter(is_complaint=None).exclude(enrichment_error="").exists()
    assert mentions.filter(match_status="excluded", hospital=None).exists()
    assert Source.objects.get(name=SYNTHETIC_SOURCE_NAME).config == {"synthetic": True}
    assert rollup_rows() == expected_rows()
    assert mentions.filter(text__contains=hospitals["riverside"].name).exists()


def test_generate_mentions_command_creates_hospitals_when_there_are_none_and_delete_removes_all(db, capsys):
    kept = MentionFactory(posted_at=at(1), rollup=False)
    mention_days_refresh(days=[at(1).date()])
    call_command("generate_mentions", "--count", "1500", "--days", "7", "--batch", "500", "--jobs", "1")
    assert "Stored 1,500 synthetic mentions" in capsys.readouterr().out
    assert Mention.objects.filter(hospital__slug__startswith="synthetic-").exists()
    call_command("generate_mentions", "--delete")
    assert "Deleted 1,500 synthetic mentions" in capsys.readouterr().out
    assert list(Mention.objects.all()) == [kept]
    assert not Source.objects.filter(name=SYNTHETIC_SOURCE_NAME).exists()
    assert rollup_rows() == expected_rows()


def test_generate_mentions_refuses_a_real_source_with_the_synthetic_name(db):
    SourceFactory(name=SYNTHETIC_SOURCE_NAME, config={"anchor": "2026-01-01T00:00:00+00:00"})
    with pytest.raises(CommandError, match="not synthetic"):
        call_command("generate_mentions", "--count", "10", "--jobs", "1")


def test_delete_detaches_and_rebuilds_clusters_that_hold_synthetic_mentions(hospitals):
    from clusters.models import Cluster, ClusterDay, ClusterMember
    from clusters.services.common import clusters_rebuild_rollup
    from dashboards.management.synthetic import synthetic_mentions_delete

    synthetic_mentions_generate(count=300, days=5, batch=100, jobs=1, seed=2)
    kept = MentionFactory(posted_at=at(1), is_complaint=True, category="safety", rollup=False)
    synthetic = Mention.objects.filter(source__name=SYNTHETIC_SOURCE_NAME, is_complaint=True).first()
    cluster = Cluster.objects.create(hospital=hospitals["riverside"], representative=synthetic)
    for mention in (kept, synthetic):
        ClusterMember.objects.create(
            mention=mention,
            cluster=cluster,
            similarity=1.0,
            assigned_by="recluster",
            posted_at=mention.posted_at,
        )
    clusters_rebuild_rollup(cluster_ids=[cluster.pk])
    assert synthetic_mentions_delete().deleted == 300
    cluster.refresh_from_db()
    assert cluster.representative is None
    assert list(ClusterDay.objects.filter(cluster=cluster).values_list("count", flat=True)) == [1]
    mention_days_refresh(days=[at(1).date()])
    assert rollup_rows() == expected_rows()


def test_rebuild_mention_days_command_rebuilds_every_day_with_mentions(mixed, capsys):
    MentionDay.objects.all().delete()
    call_command("rebuild_mention_days")
    assert rollup_rows() == expected_rows()
    assert f"from {at(150).date()} to {at(-1).date()}" in capsys.readouterr().out
