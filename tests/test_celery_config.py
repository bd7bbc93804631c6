from pathlib import Path

import pytest
import yaml
from django.conf import settings

from hospitallisten import launcher
from hospitallisten.celery import app
from sources.tasks import source_sync_task


def test_effective_celery_configuration():
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.task_soft_time_limit == 60
    assert conf.task_time_limit == 300
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_ignore_result is True
    # Redelivery must never overtake a running task or its longest retry wait.
    assert conf.broker_transport_options["visibility_timeout"] > max(conf.task_time_limit, 600) * 2


def test_default_schedules_are_crontabs_that_expire():
    app.loader.import_default_modules()
    assert "sources-sync-due" in settings.PERIODIC_TASK_DEFAULTS
    for name, entry in settings.PERIODIC_TASK_DEFAULTS.items():
        assert type(entry["schedule"]).__name__ == "crontab", name
        # Each run expires within about its own interval, so a backlog never replays stale runs.
        assert 0 < entry["options"]["expires"] <= 6 * 3600, name
        assert entry["task"] in app.tasks, f"{name} names an unknown task"
        assert entry["description"], f"{name} says what it does on the schedules page"


def test_beat_reads_the_database_and_no_settings_schedule_is_written_over_it():
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    # The DatabaseScheduler writes beat_schedule into the database at every start, over administrators'
    # edits; the defaults live under a name Celery does not read.
    assert app.conf.beat_schedule == {}
    assert not hasattr(settings, "CELERY_BEAT_SCHEDULE")
    # Without a result backend there is nothing to clean; set, beat would add celery.backend_cleanup.
    assert app.conf.result_expires is None


def test_docker_compose_starts_the_database_scheduler_and_installs_the_defaults():
    services = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())["services"]
    beat = services["beat"]["command"]
    assert beat[:4] == ["celery", "-A", "hospitallisten", "beat"]
    assert beat[beat.index("--scheduler") + 1] == "django_celery_beat.schedulers:DatabaseScheduler"
    assert "--schedule" not in beat
    # Installed after the tables exist and before beat starts (beat waits for migrate to complete).
    assert (
        "manage.py migrate --noinput && python manage.py setup_periodic_tasks"
        in services["migrate"]["command"][-1]
    )
    assert services["beat"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize(
    "task_name, queue",
    [
        ("sources.source_sync", "polling"),
        ("sources.sources_sync_due", "polling"),
        ("enrichment.mentions_enrich", "enrichment"),
        ("enrichment.retag_job_run", "enrichment"),
        ("clusters.clusters_assign", "clustering"),
        ("clusters.clusters_recluster", "clustering"),
        ("triage.reply_send", "replies"),
        ("mentions.import_job_run", "default"),
        ("dashboards.mention_days_refresh", "default"),
        # Tasks that do not exist yet land by what their name says.
        ("triage.reply_send_followup", "replies"),
        ("clusters.emerging_alert_send", "notifications"),
        ("integrations.webhook_deliver", "notifications"),
        ("triage.escalation_notify", "notifications"),
        ("administration.digest_email_send", "notifications"),
        ("sources.source_backfill", "polling"),
        ("tracking.backfill_job_run", "default"),
    ],
)
def test_tasks_are_routed_to_their_workloads_queue(task_name, queue):
    assert app.amqp.router.route({}, task_name)["queue"].name == queue


def test_every_registered_task_goes_to_a_queue_the_one_machine_worker_consumes():
    app.loader.import_default_modules()
    names = [name for name in app.tasks if not name.startswith("celery.")]
    assert "sources.source_sync" in names
    for name in names:
        assert app.amqp.router.route({}, name)["queue"].name in settings.WORKER_QUEUES, name
    command = launcher.worker_command(Path("/venv/bin"))
    assert command[command.index("--queues") + 1].split(",") == settings.WORKER_QUEUES


def test_source_sync_task_is_acked_late_and_retried_a_bounded_number_of_times():
    assert source_sync_task.acks_late is True
    assert source_sync_task.max_retries == 5
