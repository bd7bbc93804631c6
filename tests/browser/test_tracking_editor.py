"""An admin sets up an ambiguous hospital name in the browser: preview, save, backfill; a marketer cannot
reach the sources page."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from administration import roles
from mentions.models import Mention
from sources.models import Source, SyncRun
from tests.browser.conftest import sign_in
from tests.factories import MentionFactory, SourceFactory, demo_post
from tracking import tasks
from tracking.models import BackfillJob, Hospital

MERCY_QUERY = '"Mercy" AND (hospital OR ER OR clinic) NOT "have mercy"'
# Long enough for the page to show the job waiting before a "worker" takes it.
WORKER_DELAY_SECONDS = 2.5


@pytest.fixture
def worker(monkeypatch):
    """Runs enqueued backfill tasks in a thread, as a Celery worker would, a moment after they are sent;
    a source sync is recorded as a finished poll without fetching (the demo data set is fetched by the
    sources' own tests)."""
    threads, syncs = [], []

    def run(job_id):
        try:
            tasks.backfill_job_run_task(job_id)
        finally:
            connection.close()

    def delay(job_id, seconds=WORKER_DELAY_SECONDS):
        thread = threading.Timer(seconds, run, args=[job_id])
        threads.append(thread)
        thread.start()

    def poll(source_id):
        syncs.append(source_id)
        SyncRun.objects.create(
            source_id=source_id, status=SyncRun.Status.SUCCEEDED, finished_at=timezone.now()
        )

    monkeypatch.setattr(tasks.backfill_job_run_task, "delay", delay)
    monkeypatch.setattr(
        tasks.backfill_job_run_task, "apply_async", lambda args, countdown: delay(args[0], min(countdown, 1))
    )
    monkeypatch.setattr("sources.tasks.source_sync_task.delay", poll)
    yield syncs
    for thread in threads:
        thread.join(timeout=30)


@pytest.fixture
def data(transactional_db, user_with_role, write_dataset):
    admin = user_with_role(roles.ADMIN, username="ada", first_name="Ada")
    user_with_role(roles.MARKETING, username="mark", first_name="Mark")
    x = SourceFactory(name="X", kind=Source.Kind.X)
    unmatched = {"source": x, "match_status": Mention.MatchStatus.UNMATCHED, "hospital": None}
    MentionFactory(text="Mercy ER took my mum in straight away", **unmatched)
    MentionFactory(text="Have mercy, the Mercy hospital car park is full again", **unmatched)
    MentionFactory(text="Mercy me, what a week", **unmatched)
    path = write_dataset(
        [
            demo_post(1, "Nurses at Mercy hospital were wonderful", age_hours=6),
            demo_post(2, "Lord have mercy, Mercy ER wait is 6 hours", age_hours=4),
        ]
    )
    SourceFactory(name="Demo data", kind=Source.Kind.DEMO, config={"dataset_path": str(path)})
    return admin


def test_an_admin_sets_up_an_ambiguous_name_previews_saves_and_watches_the_backfill(
    page, live_server, data, worker, screenshot
):
    sign_in(page, live_server, "ada")
    page.goto(f"{live_server.url}/settings/tracking/")
    page.click("text=Add a hospital")
    page.fill("#id_name", "Mercy")
    page.fill("#id_slug", "mercy")
    page.check("#id_is_own")
    page.click("button:has-text('Save')")
    page.wait_for_load_state("networkidle")
    hospital = Hospital.objects.get(slug="mercy")
    card = page.locator(f"#hospital-{hospital.pk}")
    assert "Our hospital" in card.inner_text()

    card.locator("text=Add term").click()
    page.fill("#id_text", "Mercy")
    page.fill("#id_query", MERCY_QUERY)
    page.click("#preview-button")
    page.wait_for_selector("#preview")
    stored = page.locator("#preview .preview-groups").first
    assert stored.locator("[data-group=caught] .js-count").inner_text() == "1"
    assert stored.locator("[data-group=excluded] .js-count").inner_text() == "1"
    assert "Have mercy, the Mercy hospital car park" in stored.locator("[data-group=excluded]").inner_text()
    assert 'Dropped by NOT "have mercy"' in stored.locator("[data-group=excluded]").inner_text()
    demo = page.locator("#preview .preview-groups").nth(1)
    assert demo.locator("[data-group=caught] .js-count").inner_text() == "1"
    assert demo.locator("[data-group=excluded] .js-count").inner_text() == "1"
    screenshot("tracking-preview")

    page.click("#save-and-backfill")
    page.wait_for_selector(".backfill")
    assert page.locator(".backfill").get_attribute("data-finished") == "false"
    page.wait_for_selector(".backfill[data-finished=true]", timeout=20_000)
    progress = page.locator(".backfill")
    assert progress.locator("progress").get_attribute("value") == "100"
    assert "3 of 3 stored mentions re-matched" in progress.inner_text()
    assert "1 newly matched" in progress.inner_text()
    screenshot("tracking-backfill-done")

    job = BackfillJob.objects.get(hospital=hospital)
    assert job.status == BackfillJob.Status.DONE
    assert Mention.objects.filter(hospital=hospital).count() == 1
    assert sorted(worker) == sorted(Source.objects.values_list("pk", flat=True))

    # The job's state lives in the database: a reload shows it done.
    page.reload()
    assert page.locator(".backfill").get_attribute("data-finished") == "true"


def test_a_marketing_user_cannot_reach_the_sources_page(page, live_server, data):
    sign_in(page, live_server, "mark")

    response = page.goto(f"{live_server.url}/sources/")

    assert response.status == 403
    response = page.goto(f"{live_server.url}/settings/tracking/")
    assert response.status == 403
