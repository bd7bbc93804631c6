"""The X connector through the whole poll: recorded pages in, mentions, cursors, spend and gaps out."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
import responses
from django.urls import reverse

from mentions.models import Mention, RejectedPayload
from sources.models import Source, SourceCursor, SyncRun
from sources.services import source_sync
from sources.services import sync as sync_service
from tests.factories import SourceFactory

RECORDINGS = Path(__file__).parent / "connectors" / "recordings" / "x"
SEARCH_URL = "https://api.twitter.com/2/tweets/search/recent"


def serve(mock: responses.RequestsMock, *names: str) -> None:
    """Answer successive searches with these recorded pages, in order (the last one repeats)."""
    for name in names:
        response = json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))["response"]
        mock.add(responses.GET, SEARCH_URL, json=response["body"], status=response["status"])


@pytest.fixture
def x_source(hospitals):
    return SourceFactory(name="X", kind=Source.Kind.X, config={"bearer_token": "test-token"})


def test_replaying_the_same_pages_stores_nothing_twice(x_source):
    with responses.RequestsMock() as api:
        serve(api, "search_first_page", "search_second_page", "search_empty")
        first = source_sync(source_id=x_source.pk)
    assert first.status == SyncRun.Status.SUCCEEDED
    assert first.mentions_new == 5
    assert Mention.objects.filter(platform="x").count() == 5
    assert first.billable_reads == 5
    assert first.cost_usd == Decimal("0.025")

    SourceCursor.objects.filter(source=x_source).update(position={})  # As if the cursor had been lost.
    with responses.RequestsMock() as api:
        serve(api, "search_first_page", "search_second_page", "search_empty")
        again = source_sync(source_id=x_source.pk)
    assert (again.mentions_new, again.duplicates) == (0, 5)
    assert Mention.objects.count() == 5


def test_a_malformed_post_is_kept_and_the_rest_stored(x_source):
    with responses.RequestsMock() as api:
        serve(api, "search_malformed_post", "search_empty")
        run = source_sync(source_id=x_source.pk)
    assert (run.rejected, run.mentions_new) == (2, 1)  # A bad date, a non-numeric like count.
    assert Mention.objects.get().text == "RGH food has gotten better, honestly"
    assert set(RejectedPayload.objects.values_list("source", flat=True)) == {x_source.pk}


def test_the_cursor_stays_put_when_the_worker_dies_between_fetch_and_store(x_source, monkeypatch):
    def die(**kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(sync_service, "mention_ingest", die)
    with responses.RequestsMock() as api, pytest.raises(SystemExit):
        serve(api, "search_first_page")
        source_sync(source_id=x_source.pk)
    assert list(SourceCursor.objects.values_list("position", flat=True)) == [{}]
    assert Mention.objects.count() == 0


def test_the_governor_stops_x_at_the_budget_and_the_overview_shows_the_spend(
    x_source, marketer_client, admin_client
):
    x_source.monthly_budget_usd = Decimal("0.01")
    x_source.save()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        serve(api, "search_first_page", "search_second_page")
        run = source_sync(source_id=x_source.pk)
        assert len(api.calls) == 1, "the second page is not read once the budget is spent"
    assert run.status == SyncRun.Status.BUDGET_STOPPED
    assert run.cost_usd == Decimal("0.015")
    response = marketer_client.get(reverse("dashboards:overview"))
    assert b"Paid sources: $0.02 this month" in response.content  # $0.015, rounded to cents.
    assert b"Coverage gaps in this period" in response.content
    sources_page = admin_client.get(reverse("sources:source_list")).content.decode()
    assert "stopped: budget reached" in sources_page
