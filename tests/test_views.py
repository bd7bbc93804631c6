from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from administration import roles
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


def test_staff_with_permission_can_correct_a_mentions_tags(client, hospitals, user_with_role):
    client.force_login(user_with_role(roles.PATIENT_EXPERIENCE, username="pat"))
    mention = MentionFactory(hospital=hospitals["riverside"], is_complaint=False)
    url = reverse("mentions:mention_correct", args=[mention.pk])
    response = client.post(url, {"is_complaint": "true", "category": "wait_times", "severity": "medium"})
    assert response.status_code == 302
    mention.refresh_from_db()
    assert (mention.is_complaint, mention.category, mention.severity) == (True, "wait_times", "medium")


def test_a_correction_form_error_says_what_to_fix(client, hospitals, user_with_role):
    client.force_login(user_with_role(roles.PATIENT_EXPERIENCE, username="pat"))
    mention = MentionFactory(hospital=hospitals["riverside"])
    response = client.post(reverse("mentions:mention_correct", args=[mention.pk]), {"is_complaint": "true"})
    assert response.status_code == 400
    assert b"Choose what the complaint is about." in response.content
    assert b"Choose how serious the complaint is." in response.content


def test_users_without_permission_cannot_correct_tags(marketer_client, hospitals):
    mention = MentionFactory(hospital=hospitals["riverside"])
    response = marketer_client.post(
        reverse("mentions:mention_correct", args=[mention.pk]), {"is_complaint": "false"}
    )
    assert response.status_code == 403
    assert (
        b"Correct the tags"
        not in marketer_client.get(reverse("mentions:mention_detail", args=[mention.pk])).content
    )


def test_mention_list_filters_by_complaint_category_and_severity(marketer_client, hospitals):
    MentionFactory(hospital=hospitals["riverside"], is_complaint=True, category="safety", severity="critical")
    MentionFactory(
        hospital=hospitals["riverside"], is_complaint=True, category="wait_times", severity="medium"
    )
    MentionFactory(hospital=hospitals["riverside"], is_complaint=False)
    url = reverse("mentions:mention_list")

    def count(**params):
        return len(marketer_client.get(url, params).context["page"].object_list)

    assert count(complaint="true") == 2
    assert count(complaint="false") == 1
    assert count(category="safety") == 1
    assert count(severity="critical") == 1


def test_filters_follow_the_user_between_overview_mentions_and_clusters(marketer_client, hospitals):
    response = marketer_client.get(
        reverse("mentions:mention_list"), {"hospital": "riverside", "page": "1", "q": ""}
    )
    assert response.context["shared_filters"] == "hospital=riverside"
    assert b'href="/?hospital=riverside"' in response.content
    assert b'href="/clusters/?hospital=riverside"' in response.content


def test_page_titles_are_plain_text(marketer_client, hospitals):
    mention = MentionFactory(hospital=hospitals["riverside"])
    content = marketer_client.get(reverse("mentions:mention_detail", args=[mention.pk])).content.decode()
    title = content.split("<title>")[1].split("</title>")[0]
    assert title == "Mention · HospitalListen"
