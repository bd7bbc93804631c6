from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MentionFactory

PAGES = [reverse("dashboards:overview"), reverse("mentions:mention_list")]


@pytest.mark.parametrize("url", PAGES)
def test_pages_require_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_mention_detail_requires_login(client, db):
    mention = MentionFactory()
    response = client.get(reverse("mentions:mention_detail", args=[mention.pk]))
    assert response.status_code == 302


def test_login_page_renders(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_overview_shows_an_empty_state_without_mentions(marketer_client):
    response = marketer_client.get(reverse("dashboards:overview"))
    assert response.status_code == 200
    assert b"No mentions in this period" in response.content
    assert b"plotly.min.js" not in response.content


def test_overview_draws_charts_with_data(marketer_client, hospitals):
    MentionFactory(hospital=hospitals["riverside"], sentiment_label="negative", platform="reddit")
    MentionFactory(hospital=hospitals["mercy"], sentiment_label="positive")
    response = marketer_client.get(reverse("dashboards:overview"))
    assert response.status_code == 200
    charts = response.context["charts"]
    assert charts["volume"]["layout"]["title"]["text"] == "Mention volume per day, by sentiment"
    assert charts["volume"]["layout"]["yaxis"]["title"]["text"] == "Mentions per day"
    hospital_names = charts["hospitals"]["data"][0]["y"]
    assert "Riverside General Hospital (yours)" in hospital_names
    assert response.context["totals"].total == 2
    assert b"plotly.min.js" in response.content


def test_overview_counts_only_the_default_period_and_weekly_buckets_work(marketer_client, hospitals):
    MentionFactory(hospital=hospitals["riverside"], posted_at=timezone.now() - timedelta(days=200))
    MentionFactory(hospital=hospitals["riverside"])
    response = marketer_client.get(reverse("dashboards:overview"), {"period": "week"})
    assert response.context["totals"].total == 1
    assert response.context["charts"]["volume"]["layout"]["xaxis"]["title"]["text"] == "Week starting"


def test_overview_reports_invalid_filters(marketer_client):
    response = marketer_client.get(reverse("dashboards:overview"), {"date_from": "not-a-date"})
    assert response.status_code == 200
    assert b"Some filters are not valid" in response.content
    assert b"Enter a valid date" in response.content


def test_mention_list_filters_and_searches(marketer_client, hospitals):
    MentionFactory(text="Waited six hours in the emergency room", hospital=hospitals["riverside"])
    MentionFactory(text="Lovely nurses on the maternity ward", hospital=hospitals["mercy"], platform="reddit")
    MentionFactory(text="have mercy on this exam", match_status="excluded")
    url = reverse("mentions:mention_list")

    def texts(**params):
        response = marketer_client.get(url, params)
        assert response.status_code == 200
        return [m.text for m in response.context["page"].object_list]

    assert len(texts()) == 2, "excluded mentions are hidden by default"
    assert texts(q="waiting") == ["Waited six hours in the emergency room"]  # Stemmed search.
    assert texts(hospital="mercy-valley") == ["Lovely nurses on the maternity ward"]
    assert texts(platform="reddit") == ["Lovely nurses on the maternity ward"]
    assert texts(match="excluded") == ["have mercy on this exam"]
    assert texts(q="nothing-like-this") == []


def test_mention_list_paginates(marketer_client, hospitals):
    MentionFactory.create_batch(55, hospital=hospitals["riverside"])
    response = marketer_client.get(reverse("mentions:mention_list"), {"hospital": "riverside", "page": 2})
    assert len(response.context["page"].object_list) == 5
    assert b"Page 2 of 2" in response.content
    assert b"hospital=riverside&amp;page=1" in response.content


def test_mention_list_shows_an_empty_state(marketer_client):
    response = marketer_client.get(reverse("mentions:mention_list"))
    assert b"No mentions match" in response.content


def test_mention_detail_links_to_the_original_post(marketer_client, hospitals):
    mention = MentionFactory(url="https://x.example/status/1", hospital=hospitals["riverside"])
    response = marketer_client.get(reverse("mentions:mention_detail", args=[mention.pk]))
    assert response.status_code == 200
    assert b'href="https://x.example/status/1"' in response.content
    assert b"Riverside General Hospital" in response.content


def test_mention_detail_of_a_missing_mention_is_404(marketer_client):
    response = marketer_client.get(reverse("mentions:mention_detail", args=[999999]))
    assert response.status_code == 404
