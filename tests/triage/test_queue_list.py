"""The queue list: its copies of the mention's tags stay in step, the results swapped in alone, bounded
queries per page, and bulk actions that return to the page they came from."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from administration import roles
from enrichment import services as enrichment_services
from enrichment.models import RetagJob
from enrichment.services import mention_correct
from mentions.models import Mention
from tests.factories import HospitalFactory, TrackedTermFactory
from tracking.services import backfill_job_run, backfill_job_start
from triage.models import QueueItem, Status
from triage.selectors import QueuePaginator, SavedView, SlaState, queue_item_list
from triage.services import (
    queue_item_correct,
    queue_item_flag,
    queue_items_bulk_assign,
    queue_items_bulk_change_category,
    queue_items_sync,
)

from .factories import ComplaintFactory, QueueItemFactory

NOW = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)
QUEUE = reverse("triage:queue_list")
FETCH = {"X-Requested-With": "fetch"}


def _copies(item: QueueItem) -> tuple:
    item.refresh_from_db()
    return item.severity, item.category, item.platform, item.hospital_id


def _mention_tags(item: QueueItem) -> tuple:
    mention = item.mention
    mention.refresh_from_db()
    return mention.severity, mention.category, mention.platform, mention.hospital_id


@pytest.fixture
def manager_client(client, alice, user_with_role):
    client.force_login(user_with_role(roles.PATIENT_EXPERIENCE, user=alice))
    return client


# ----- the copies of the mention's tags ---------------------------------------------------------------


def test_a_new_item_copies_its_mentions_tags_and_origin(db):
    mention = ComplaintFactory(category="billing_insurance", severity="high", platform="reddit")
    assert queue_items_sync(mention_ids=[mention.pk], now=NOW) == 1
    item = QueueItem.objects.get(mention=mention)
    assert _copies(item) == ("high", "billing_insurance", "reddit", mention.hospital_id)


def test_an_item_flagged_by_hand_copies_its_mentions_hospital(db, alice):
    competitor = HospitalFactory(slug="mercy-valley", is_own=False)
    mention = ComplaintFactory(hospital=competitor, category="communication", severity="low")
    item = queue_item_flag(mention=mention, user=alice, now=NOW)
    assert _copies(item) == _mention_tags(item)
    assert item.hospital_id == competitor.pk


def test_a_correction_moves_the_item_to_its_new_category_and_severity(db, alice):
    [mention] = [ComplaintFactory(category="wait_times", severity="medium")]
    queue_items_sync(mention_ids=[mention.pk], now=NOW)
    item = QueueItem.objects.get(mention=mention)

    queue_item_correct(item=item, user=alice, is_complaint=True, category="safety", severity="critical")

    assert (
        _copies(item) == _mention_tags(item) == ("critical", "safety", mention.platform, mention.hospital_id)
    )
    assert [i.pk for i in queue_item_list(user=alice, category="safety")] == [item.pk]
    assert [i.pk for i in queue_item_list(user=alice, category="wait_times")] == []
    assert [i.pk for i in queue_item_list(user=alice, view=SavedView.CRITICAL)] == [item.pk]


def test_a_bulk_category_change_updates_every_items_copy(db, alice):
    mentions = [ComplaintFactory(category="wait_times", severity="low") for _ in range(3)]
    queue_items_sync(mention_ids=[m.pk for m in mentions], now=NOW)
    items = list(QueueItem.objects.order_by("pk"))

    assert queue_items_bulk_change_category(items=items[:2], user=alice, category="billing_insurance") == 2

    assert [_copies(item)[1] for item in items] == ["billing_insurance", "billing_insurance", "wait_times"]
    assert all(_copies(item) == _mention_tags(item) for item in items)
    listed = queue_item_list(user=alice, category="billing_insurance")
    assert {i.pk for i in listed} == {items[0].pk, items[1].pk}


def test_a_correction_on_the_mention_page_reaches_the_queues_copies(db, alice):
    item = QueueItemFactory(mention=ComplaintFactory(category="wait_times", severity="medium"))
    mention_correct(mention=item.mention, user=alice, is_complaint=True, category="safety", severity="high")
    assert _copies(item)[:2] == ("high", "safety")
    assert [i.pk for i in queue_item_list(user=alice, category="safety")] == [item.pk]


def test_a_retag_by_a_new_model_reaches_the_queues_copies(db, alice, monkeypatch):
    item = QueueItemFactory(mention=ComplaintFactory(category="wait_times", severity="medium"))
    other = QueueItemFactory(mention=ComplaintFactory(category="communication", severity="low"))

    def new_model_tags(*, mention_ids, force):  # Stands in for the classifier: the new version's tags.
        Mention.objects.filter(pk__in=mention_ids).update(category="billing_insurance", severity="high")

    monkeypatch.setattr(enrichment_services, "_ensure_model_loaded", lambda: "test-version")
    monkeypatch.setattr(enrichment_services, "mentions_enrich", new_model_tags)
    job = RetagJob.objects.create(total=2)
    enrichment_services.retag_job_run(job_id=job.pk)

    assert _copies(item) == _mention_tags(item) and _copies(other) == _mention_tags(other)
    assert {i.pk for i in queue_item_list(user=alice, category="billing_insurance")} == {item.pk, other.pk}
    item.refresh_from_db()
    assert item.priority == 0, "the planned priority and SLA clock stay as a person left them"


def test_a_hospital_rematch_by_a_backfill_reaches_the_queues_copies(db, alice):
    mercy = HospitalFactory(name="Mercy Medical Center", slug="mercy", is_own=True)
    TrackedTermFactory(hospital=mercy, text="Mercy", query='"Mercy" AND (hospital OR clinic)')
    mention = ComplaintFactory(
        text="Mercy clinic lost my lab results twice",
        hospital=None,
        match_status=Mention.MatchStatus.UNMATCHED,
    )
    item = queue_item_flag(mention=mention, user=alice, now=NOW)
    assert item.hospital_id is None

    backfill_job_run(job_id=backfill_job_start(hospital=mercy).pk)

    assert _copies(item)[3] == mercy.pk
    assert [i.pk for i in queue_item_list(user=alice, hospital=mercy)] == [item.pk]


def test_the_filters_read_the_items_own_columns_not_the_mentions(db, alice):
    """The page never joins the mentions to filter: a copy out of step would show here (and is what the
    services above prevent)."""
    item = QueueItemFactory(mention=ComplaintFactory(category="wait_times"))
    QueueItem.objects.filter(pk=item.pk).update(category="safety")
    assert [i.pk for i in queue_item_list(user=alice, category="safety")] == [item.pk]


def test_the_breached_filter_matches_the_sla_state_shown(db, alice):
    late = QueueItemFactory(
        created_at=NOW - timedelta(hours=30), sla_first_response_due=NOW - timedelta(hours=6)
    )
    answered_late = QueueItemFactory(
        created_at=NOW - timedelta(days=9),
        sla_first_response_due=NOW - timedelta(days=8),
        first_response_at=NOW - timedelta(days=8, hours=1),
        sla_resolution_due=NOW - timedelta(days=2),
        status=Status.REPLIED,
    )
    answered_in_time = QueueItemFactory(
        created_at=NOW - timedelta(hours=30),
        sla_first_response_due=NOW - timedelta(hours=6),
        first_response_at=NOW - timedelta(hours=20),
        status=Status.REPLIED,
    )
    QueueItemFactory(created_at=NOW - timedelta(hours=1), sla_first_response_due=NOW + timedelta(hours=20))
    QueueItemFactory(
        created_at=NOW - timedelta(hours=30),
        sla_first_response_due=NOW - timedelta(hours=6),
        status=Status.RESOLVED,
    )

    breached = list(queue_item_list(user=alice, sla_state=SlaState.BREACHED, now=NOW))

    assert {i.pk for i in breached} == {late.pk, answered_late.pk}
    assert all(item.sla_state == SlaState.BREACHED for item in breached)
    shown = {i.pk: i.sla_state for i in queue_item_list(user=alice, now=NOW)}
    assert shown[answered_in_time.pk] == SlaState.ON_TRACK


# ----- paging ---------------------------------------------------------------------------------------------


def test_the_paginator_pages_in_priority_order(db, alice):
    items = [QueueItemFactory(priority=priority) for priority in range(7)]
    by_priority = [item.pk for item in sorted(items, key=lambda item: -item.priority)]
    paginator = QueuePaginator(queue_item_list(user=alice), 3)

    assert paginator.count == 7 and paginator.num_pages == 3
    assert [[i.pk for i in paginator.page(n).object_list] for n in (1, 2, 3)] == [
        by_priority[0:3],
        by_priority[3:6],
        by_priority[6:7],
    ]
    assert all(hasattr(item, "sla_state") for item in paginator.page(2).object_list)


def _queries_for_a_page(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


PAGES = (QUEUE, f"{QUEUE}?page=2", f"{QUEUE}?view=my_queue", f"{QUEUE}?category=wait_times")


def test_a_page_of_fifty_takes_the_same_few_queries_whatever_the_total(manager_client, patient_experience):
    for index in range(110):
        QueueItemFactory(status=Status.ASSIGNED, team=patient_experience if index % 2 else None)
    small = {url: _queries_for_a_page(manager_client, url) for url in PAGES}
    for index in range(150):
        QueueItemFactory(status=Status.ASSIGNED, team=patient_experience if index % 2 else None)
    for url in PAGES:
        assert len(_queries_for_a_page(manager_client, url)) == len(small[url]), url
        # Session, user, count, the page's ids, its rows and the filter/bulk choices: nothing per row.
        assert len(small[url]) <= 13, url
        counting = [sql for sql in small[url] if "COUNT(" in sql]
        assert counting and all("mentions_mention" not in sql for sql in counting), url


# ----- the results swapped in alone ---------------------------------------------------------------------


def test_the_script_gets_the_results_alone(manager_client):
    QueueItemFactory(mention=ComplaintFactory(text="The car park charges twice"))

    for response in (manager_client.get(QUEUE, headers=FETCH), manager_client.get(QUEUE, {"partial": "1"})):
        body = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in body and "<nav" not in body and 'id="queue-filters"' not in body
        assert 'table class="table queue"' in body and "The car park charges twice" in body
        assert 'id="queue-bulk"' in body
        assert "X-Requested-With" in response["Vary"]

    whole = manager_client.get(QUEUE).content.decode()
    assert "<html" in whole and 'id="queue-filters"' in whole and 'id="queue-results"' in whole


def test_the_results_keep_the_filters_in_page_links_but_not_the_partial_flag(manager_client):
    for _ in range(60):
        QueueItemFactory()
    body = manager_client.get(QUEUE, {"category": "wait_times", "partial": "1"}).content.decode()
    assert "?category=wait_times&amp;page=2" in body
    assert "partial" not in body.split('name="next"')[1].split(">")[0]


@pytest.mark.parametrize("headers", [{}, FETCH])
def test_the_results_alone_still_need_permission(client, marketer, headers):
    QueueItemFactory(mention=ComplaintFactory(text="Rude receptionist"))
    anonymous = client.get(QUEUE, {"partial": "1"}, headers=headers)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client.force_login(marketer)
    refused = client.get(QUEUE, {"partial": "1"}, headers=headers)
    assert refused.status_code == 403 and b"Rude receptionist" not in refused.content


def test_the_hospital_filter(manager_client):
    mercy = HospitalFactory(slug="mercy-valley", name="Mercy Valley", is_own=True)
    at_mercy = QueueItemFactory(mention=ComplaintFactory(hospital=mercy))
    QueueItemFactory()
    listed = manager_client.get(QUEUE, {"hospital": mercy.pk}).context["page"].object_list
    assert [item.pk for item in listed] == [at_mercy.pk]


# ----- bulk actions -----------------------------------------------------------------------------------------


def test_a_bulk_assign_returns_to_the_page_it_came_from_with_the_results_alone(manager_client, bob):
    items = [QueueItemFactory() for _ in range(3)]
    here = f"{QUEUE}?category=wait_times"
    data = {"action": "assign", "items": [items[0].pk, items[1].pk], "assignee": bob.pk, "next": here}

    response = manager_client.post(reverse("triage:queue_bulk"), data, headers=FETCH)
    assert response.status_code == 302 and response["Location"] == here
    swapped = manager_client.get(response["Location"], headers=FETCH).content.decode()

    assert "Updated 2 items." in swapped and "<html" not in swapped
    assert [item.assignee_id for item in QueueItem.objects.order_by("pk")] == [bob.pk, bob.pk, None]


@pytest.mark.parametrize("target", ["https://evil.example/queue/", "//evil.example/", "javascript:alert(1)"])
def test_a_bulk_action_never_redirects_off_the_site(manager_client, bob, target):
    item = QueueItemFactory()
    data = {"action": "assign", "items": [item.pk], "assignee": bob.pk, "next": target}
    response = manager_client.post(reverse("triage:queue_bulk"), data)
    assert response.status_code == 302 and response["Location"] == QUEUE


def test_bulk_assign_keeps_the_copies(db, alice, bob):
    item = QueueItemFactory(mention=ComplaintFactory(category="communication", severity="high"))
    queue_items_bulk_assign(items=[item], user=alice, assignee=bob)
    assert _copies(item) == _mention_tags(item)


@pytest.fixture
def manager_client_for_filters(manager_client):
    """Three open items: one in a complaint cluster, one whose mention matched a location's term, one
    with neither."""
    import numpy as np

    from clusters.models import Cluster, ClusterMember
    from tracking.models import Location

    in_cluster, at_location, elsewhere = QueueItemFactory.create_batch(3)
    centroid = np.ones(384, dtype=np.float32).tobytes()
    cluster = Cluster.objects.create(
        hospital=in_cluster.mention.hospital,
        label="Garage parking fees",
        key_terms=["parking"],
        representative=in_cluster.mention,
        centroid=centroid,
        size=1,
        first_seen=in_cluster.mention.posted_at,
        last_seen=in_cluster.mention.posted_at,
    )
    ClusterMember.objects.create(
        mention=in_cluster.mention,
        cluster=cluster,
        similarity=0.9,
        assigned_by=ClusterMember.AssignedBy.RECLUSTER,
        embedding=centroid,
        posted_at=in_cluster.mention.posted_at,
    )
    location = Location.objects.create(hospital=at_location.mention.hospital, name="North clinic")
    at_location.mention.matched_terms.add(
        TrackedTermFactory(hospital=at_location.mention.hospital, text="North clinic", location=location)
    )
    items = {"cluster": cluster, "in_cluster": in_cluster, "location": location, "at_location": at_location}
    return manager_client, items


def test_the_queue_filters_by_cluster_and_by_location(manager_client_for_filters):
    client, items = manager_client_for_filters
    by_cluster = client.get(reverse("triage:queue_list"), {"cluster": items["cluster"].pk, "status": "all"})
    assert [row.pk for row in by_cluster.context["page"].object_list] == [items["in_cluster"].pk]
    assert "Showing complaints in the cluster" in by_cluster.content.decode()
    by_location = client.get(reverse("triage:queue_list"), {"location": items["location"].pk})
    assert [row.pk for row in by_location.context["page"].object_list] == [items["at_location"].pk]
