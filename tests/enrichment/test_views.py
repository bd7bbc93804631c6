from django.urls import reverse

from administration import roles
from enrichment.models import RetagJob
from enrichment.tasks import retag_job_run_task


def test_the_classifier_page_shows_the_active_models_figures(marketer_client, active_model_dir):
    response = marketer_client.get(reverse("enrichment:classifier_overview"))
    assert response.status_code == 200
    assert response.context["summary"].version == "2026.01.01-abc123"
    assert b"Category macro-F1" in response.content
    assert b"Re-tag all mentions" not in response.content, "only people allowed to re-tag see the button"


def test_the_classifier_page_without_a_model_says_so(marketer_client, empty_model_dir):
    response = marketer_client.get(reverse("enrichment:classifier_overview"))
    assert b"No model yet" in response.content


def test_starting_a_retag_creates_one_job_and_shows_its_progress(
    client, user_with_role, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(user_with_role(roles.ADMIN, username="ada"))
    enqueued = []
    monkeypatch.setattr(retag_job_run_task, "delay", lambda job_id: enqueued.append(job_id))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enrichment:retag_start"))
    second = client.post(reverse("enrichment:retag_start"), follow=True)
    job = RetagJob.objects.get()
    assert enqueued == [job.pk]
    assert b"A re-tag is already running" in second.content
    progress = client.get(reverse("enrichment:retag_progress", args=[job.pk])).json()
    assert progress == {"status": "pending", "done": 0, "total": 0, "percent": 0, "error": ""}


def test_retag_needs_permission(marketer_client):
    assert marketer_client.post(reverse("enrichment:retag_start")).status_code == 403
