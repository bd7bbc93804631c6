"""In a real browser: hostile names never run, charts draw under the CSP, and sign-in locks after failures."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import sign_in
from tests.factories import HospitalFactory, MentionFactory, UserFactory

HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>"


@pytest.fixture
def hostile_mentions(transactional_db):
    hospital = HospitalFactory(name=f"Riverside {HOSTILE}", slug="riverside", is_own=True)
    for day in range(4):
        MentionFactory(
            hospital=hospital,
            sentiment_label="negative",
            text=f"Day {day}: {HOSTILE}",
            author_name=HOSTILE,
            posted_at=timezone.now() - timedelta(days=day, hours=1),
        )


def test_hostile_names_render_as_text_and_charts_draw_under_the_policy(
    page, live_server, hostile_mentions, csp_violations
):
    UserFactory(username="root", is_superuser=True, is_staff=True)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "root")

    page.wait_for_selector("[data-figure='figure-hospitals'].js-plotly-plot")
    axis_labels = page.eval_on_selector_all(
        "[data-figure='figure-hospitals'] .ytick text", "labels => labels.map(label => label.textContent)"
    )
    assert f"Riverside {HOSTILE} (yours)" in axis_labels, "the chart shows the name exactly as typed"

    page.goto(f"{live_server.url}/mentions/")
    assert HOSTILE in page.locator("table.mentions tbody").inner_text()
    page.click("table.mentions tbody tr:first-child a")
    page.wait_for_load_state("networkidle")
    assert page.locator("img[src=x]").count() == 0

    assert dialogs == []
    assert csp_violations == []


def test_an_inline_script_without_the_nonce_is_blocked(page, live_server, transactional_db, csp_violations):
    """The policy is live: a script injected into the page is refused and reported."""
    sign_in(page, live_server, "nobody", "wrong")
    page.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = 'window.ran = true';
                   document.body.appendChild(s); }"""
    )
    assert page.evaluate("window.ran === undefined")
    assert any("script-src" in violation for violation in csp_violations)


def test_five_wrong_passwords_pause_sign_in_with_a_readable_page(page, live_server, transactional_db):
    UserFactory(username="nurse")
    for _ in range(4):
        sign_in(page, live_server, "nurse", "wrong-password")
        assert "Please enter a correct username and password" in page.inner_text("main")
    sign_in(page, live_server, "nurse", "wrong-password")
    assert "Sign-in paused" in page.inner_text("h1")
    sign_in(page, live_server, "nurse")
    assert "Try again in 15 minutes" in page.inner_text("main")
