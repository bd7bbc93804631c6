from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from dashboards.summary import weekly_summary
from tests.factories import MentionFactory


def _at(day, hour=12):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_summary_compares_the_week_with_the_week_before(hospitals):
    last_day = timezone.localdate() - timedelta(days=1)
    riverside, mercy = hospitals["riverside"], hospitals["mercy"]
    for _ in range(3):
        MentionFactory(hospital=riverside, posted_at=_at(last_day), is_complaint=True, category="billing")
    MentionFactory(hospital=mercy, posted_at=_at(last_day - timedelta(days=6)), sentiment_label="negative")
    # The week before: one billing complaint and one about wait times.
    MentionFactory(
        hospital=riverside, posted_at=_at(last_day - timedelta(days=8)), is_complaint=True, category="billing"
    )
    MentionFactory(
        hospital=riverside,
        posted_at=_at(last_day - timedelta(days=13)),
        is_complaint=True,
        category="wait_times",
    )
    # Outside both weeks, and after the last day: not counted.
    MentionFactory(
        hospital=riverside,
        posted_at=_at(last_day - timedelta(days=20)),
        is_complaint=True,
        category="billing",
    )
    MentionFactory(hospital=riverside, posted_at=_at(last_day + timedelta(days=1), hour=1), is_complaint=True)

    summary = weekly_summary(last_day=last_day)

    assert (summary.first_day, summary.last_day) == (last_day - timedelta(days=6), last_day)
    assert (summary.totals.total, summary.totals.complaints) == (4, 3)
    assert (summary.previous.total, summary.previous.complaints) == (2, 2)
    by_category = {row.category: (row.complaints, row.previous, row.change) for row in summary.categories}
    assert by_category == {"billing": (3, 1, 2), "wait_times": (0, 1, -1)}
    assert summary.categories[0].category == "billing"
    assert {row.label: row.total for row in summary.by_hospital} == {
        "Riverside General Hospital": 3,
        "Mercy Valley Hospital": 1,
    }


def test_summary_for_one_hospital_leaves_the_others_out(hospitals):
    last_day = timezone.localdate() - timedelta(days=1)
    MentionFactory(
        hospital=hospitals["riverside"], posted_at=_at(last_day), is_complaint=True, category="billing"
    )
    MentionFactory(
        hospital=hospitals["mercy"], posted_at=_at(last_day), is_complaint=True, category="billing"
    )
    summary = weekly_summary(last_day=last_day, hospital=hospitals["mercy"])
    assert summary.totals.complaints == 1
    assert [row.label for row in summary.by_hospital] == ["Mercy Valley Hospital"]


def test_summary_page_prints_one_page_and_says_what_is_empty(marketer_client, hospitals):
    response = marketer_client.get(reverse("dashboards:weekly_summary"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "No complaints in these two weeks." in content
    assert "Nothing entered the complaint queue this week." in content
    assert "data-print" in content and "js/print.js" in content


def test_summary_page_picks_the_week_and_hospital_from_the_url(marketer_client, hospitals):
    MentionFactory(
        hospital=hospitals["mercy"],
        posted_at=_at(timezone.localdate() - timedelta(days=30)),
        is_complaint=True,
    )
    week_ending = (timezone.localdate() - timedelta(days=28)).isoformat()
    response = marketer_client.get(
        reverse("dashboards:weekly_summary"), {"week_ending": week_ending, "hospital": "mercy-valley"}
    )
    summary = response.context["summary"]
    assert summary.hospital == hospitals["mercy"] and summary.totals.complaints == 1
    assert "Weekly summary: Mercy Valley Hospital" in response.content.decode()


def test_summary_page_explains_a_bad_date_and_shows_the_last_week(marketer_client, hospitals):
    response = marketer_client.get(reverse("dashboards:weekly_summary"), {"week_ending": "last tuesday"})
    assert response.status_code == 200
    assert "Enter the last day of the week as a date, like 2026-11-22." in response.content.decode()
    assert response.context["summary"].last_day == timezone.localdate() - timedelta(days=1)
