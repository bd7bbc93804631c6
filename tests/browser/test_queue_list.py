"""The queue list in the browser: filters and pages swap the results in place, and the keyboard selects
rows and bulk-assigns them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from administration import roles
from tests.browser.conftest import sign_in
from tests.triage.factories import ComplaintFactory
from triage.models import QueueItem
from triage.services import queue_items_sync


@pytest.fixture
def manager(transactional_db, user_with_role):
    return user_with_role(roles.PATIENT_EXPERIENCE, username="manager", first_name="Morgan")


@pytest.fixture
def complaints(transactional_db):
    """55 wait-time complaints (two pages) and 3 billing ones, older ones first in the queue."""
    now = timezone.now()
    mentions = [
        ComplaintFactory(
            category="wait_times",
            severity="medium",
            posted_at=now - timedelta(hours=index + 1),
            text=f"Wait {index}",
        )
        for index in range(55)
    ] + [
        ComplaintFactory(
            category="billing_insurance",
            severity="high",
            posted_at=now - timedelta(hours=index + 1),
            text=f"Bill {index}",
        )
        for index in range(3)
    ]
    queue_items_sync(mention_ids=[mention.pk for mention in mentions])
    return mentions


def _rows(page) -> list[str]:
    return page.locator("table.queue tbody td.mention-text a").all_inner_texts()


def test_filter_page_and_bulk_assign_from_the_keyboard(
    page, live_server, manager, complaints, csp_violations
):
    sign_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/queue/")
    assert page.locator("[data-queue-count]").inner_text().startswith("58 items, page 1 of 2")
    # Set on this document only: a full page load would lose it.
    page.evaluate("() => { window.queueMarker = 'still here'; }")

    page.locator(".pagination a", has_text="Next").click()
    page.wait_for_function(
        "() => document.querySelector('[data-queue-count]').textContent.includes('page 2 of 2')"
    )
    assert page.url.endswith("/queue/?page=2")
    assert len(_rows(page)) == 8

    page.select_option("#id_category", "billing_insurance")
    page.click("#queue-filters button[type=submit]")
    page.wait_for_function(
        "() => document.querySelector('[data-queue-count]').textContent.startsWith('3 items')"
    )
    assert "category=billing_insurance" in page.url and "page=" not in page.url
    assert sorted(_rows(page)) == ["Bill 0", "Bill 1", "Bill 2"]

    page.go_back()
    page.wait_for_function(
        "() => document.querySelector('[data-queue-count]').textContent.includes('page 2 of 2')"
    )
    assert page.input_value("#id_category") == ""
    page.go_forward()
    page.wait_for_function(
        "() => document.querySelector('[data-queue-count]').textContent.startsWith('3 items')"
    )
    assert page.input_value("#id_category") == "billing_insurance"

    # The keyboard: j moves to the first row, x selects it, j x the next one, a opens the assign control.
    page.locator("body").press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    assert page.locator("table.queue input[name=items]:checked").count() == 2
    assert page.locator("[data-selected-count]").inner_text() == "2 selected"
    page.keyboard.press("a")
    assert page.evaluate("() => document.activeElement.id") == "bulk_assignee"
    # Typing in a field is never taken for a shortcut.
    page.keyboard.press("j")
    assert page.locator("table.queue input[name=items]:checked").count() == 2
    page.select_option("#bulk_assignee", str(manager.pk))
    page.click("#queue-bulk button[type=submit]")
    page.wait_for_selector("li.message.success")
    assert "Updated 2 items." in page.inner_text("#queue-results")
    assert page.locator("td[data-assignee]", has_text="Morgan").count() == 2

    assert page.evaluate("() => window.queueMarker") == "still here"
    assert "category=billing_insurance" in page.url
    assert QueueItem.objects.filter(assignee=manager).count() == 2
    assert set(QueueItem.objects.filter(assignee=manager).values_list("category", flat=True)) == {
        "billing_insurance"
    }

    page.keyboard.press("?")
    assert page.locator("#queue-help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#queue-help").is_visible()
    assert csp_violations == []


def test_without_the_script_links_and_forms_still_work(browser, live_server, manager, complaints):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, "manager")
        page.goto(f"{live_server.url}/queue/?category=billing_insurance")
        assert sorted(_rows(page)) == ["Bill 0", "Bill 1", "Bill 2"]
        page.goto(f"{live_server.url}/queue/")
        page.locator(".pagination a", has_text="Next").click()
        page.wait_for_load_state()
        assert "page 2 of 2" in page.inner_text("[data-queue-count]")
    finally:
        context.close()
