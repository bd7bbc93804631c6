"""A patient-experience manager works one complaint from the queue to a reply, as in the browser."""

import pytest

from administration import roles
from tests.browser.conftest import sign_in
from tests.triage.factories import ComplaintFactory
from triage.models import QueueItem
from triage.services import queue_item_ensure


@pytest.fixture
def manager(transactional_db, user_with_role):
    user = user_with_role(roles.PATIENT_EXPERIENCE, username="manager", first_name="Morgan")
    return user_with_role(roles.REPLY_APPROVER, user=user)


@pytest.fixture
def complaint(transactional_db):
    mention = ComplaintFactory(
        category="wait_times",
        severity="high",
        text="Six hours in the Riverside ER with my dad and nobody came.",
    )
    return queue_item_ensure(mention=mention)


def test_assign_check_a_draft_fix_it_and_reply(
    page, live_server, manager, complaint, screenshot, settings, csp_violations
):
    settings.HOSPITAL_CONTACT_PHONE = "555-0100"
    sign_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/queue/")
    page.click("table.queue tbody tr:first-child td.mention-text a")
    page.wait_for_load_state("networkidle")

    page.select_option("form[action$='/assign/'] select[name=assignee]", str(manager.pk))
    page.click("form[action$='/assign/'] button")
    page.wait_for_load_state("networkidle")
    assert "Morgan" in page.inner_text("section.card dl.details")

    page.fill(
        "#id_text", "Sorry your father waited; we checked his chart and his admission on 3/14 was delayed."
    )
    page.click("#reply-check")
    page.wait_for_selector("#reply-findings li")
    assert "This draft must not be sent" in page.inner_text("#reply-verdict")
    screenshot("queue-reply-blocked")

    page.fill(
        "#id_text", "We're sorry to hear about this. Please call our Patient Experience team at 555-0100."
    )
    page.click("#reply-check")
    # A function, not a bare expression: Playwright evals a bare expression in the page, which the
    # Content-Security-Policy (no 'unsafe-eval') refuses.
    page.wait_for_function(
        "() => document.querySelector('#reply-verdict').textContent.includes('No problems')"
    )

    page.click("summary")
    page.fill("#elsewhere_url", "https://x.example/status/1#our-reply")
    page.click("form[action$='/reply-elsewhere/'] button")
    page.wait_for_load_state("networkidle")
    assert page.locator("h2", has_text="Status: Replied").count() == 1
    history = page.inner_text("ul.audit")
    assert "Assigned" in history and "Status changed" in history
    screenshot("queue-replied")

    complaint.refresh_from_db()
    assert complaint.status == QueueItem.Status.REPLIED
    assert csp_violations == []
    assert complaint.assignee == manager
