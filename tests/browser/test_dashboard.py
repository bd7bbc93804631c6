"""A marketing user opens the overview, narrows it with a filter and clicks into the mentions behind a bar."""

from datetime import timedelta

import pytest
from django.utils import timezone

from administration import roles
from tests.browser.conftest import sign_in
from tests.factories import MentionFactory


def tallest_bar(page, figure: str) -> dict:
    """The on-screen box of the chart's tallest bar (empty days are drawn as zero-height bars)."""
    return page.evaluate(
        """figure => {
            const boxes = [...document.querySelectorAll(`[data-figure='${figure}'] .bars path`)]
                .map(path => path.getBoundingClientRect());
            const box = boxes.reduce((a, b) => (b.height > a.height ? b : a));
            return {x: box.x, y: box.y, width: box.width, height: box.height};
        }""",
        figure,
    )


@pytest.fixture
def demo_mentions(transactional_db, hospitals):
    now = timezone.now()
    for day in range(10):
        MentionFactory(
            hospital=hospitals["riverside"],
            sentiment_label="negative",
            is_complaint=True,
            category="wait_times",
            severity="medium",
            text=f"Waited {day + 3} hours in the Riverside ER",
            posted_at=now - timedelta(days=day, hours=1),
        )
        MentionFactory(
            hospital=hospitals["mercy"],
            sentiment_label="positive",
            text=f"Lovely nurses at Mercy Valley, visit {day}",
            posted_at=now - timedelta(days=day, hours=2),
        )


def test_overview_filter_and_click_through_to_mentions(
    page, live_server, demo_mentions, screenshot, csp_violations, user_with_role
):
    user_with_role(roles.MARKETING, username="marketer")
    sign_in(page, live_server, "marketer")
    page.wait_for_selector("[data-figure='figure-volume'].js-plotly-plot")
    assert page.locator(".kpi-value").first.inner_text() == "20"
    screenshot("overview")

    page.select_option("#id_hospital", "mercy-valley")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "hospital=mercy-valley" in page.url
    assert page.locator(".kpi-value").first.inner_text() == "10"

    page.wait_for_selector("[data-figure='figure-volume'].js-plotly-plot")
    box = tallest_bar(page, "figure-volume")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/mentions/?*")
    assert "hospital=mercy-valley" in page.url and "sentiment=positive" in page.url
    rows = page.locator("table.mentions tbody tr")
    assert rows.count() == 1
    assert "Lovely nurses at Mercy Valley" in rows.first.inner_text()
    screenshot("mentions-behind-a-bar")
    assert csp_violations == [], "the charts draw without anything the Content-Security-Policy blocks"


def test_structure_page_drills_down_one_level_by_clicking(
    page, live_server, transactional_db, hospitals, screenshot, csp_violations, user_with_role
):
    from tests.factories import TrackedTermFactory
    from tracking.models import Location

    riverside = hospitals["riverside"]
    clinic = Location.objects.create(hospital=riverside, name="North Clinic")
    term = TrackedTermFactory(hospital=riverside, text="Riverside North Clinic", location=clinic)
    for day in range(3):
        mention = MentionFactory(
            hospital=riverside,
            sentiment_label="negative",
            text=f"Riverside North Clinic lost my referral again, week {day}",
            posted_at=timezone.now() - timedelta(days=day, hours=1),
        )
        mention.matched_terms.add(term)
    user_with_role(roles.MARKETING, username="marketer")
    sign_in(page, live_server, "marketer")
    page.goto(f"{live_server.url}/structure/")
    page.wait_for_selector("[data-figure='figure-structure'].js-plotly-plot")
    page.click("table.structure a.drill >> text=Riverside General Hospital")
    page.wait_for_url("**/structure/?*hospital=riverside*")
    assert page.locator("h1").inner_text() == "Riverside General Hospital"
    first_row = page.locator("table.structure tbody tr").first
    assert "North Clinic" in first_row.inner_text() and "3" in first_row.inner_text()
    page.wait_for_selector("[data-figure='figure-structure'].js-plotly-plot")
    screenshot("structure")
    assert csp_violations == []
