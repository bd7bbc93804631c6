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


def test_schedules_are_crontabs_that_expire():
    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        assert type(entry["schedule"]).__name__ == "crontab", name
        # Each run expires within about its own interval, so a backlog never replays stale runs.
        assert 0 < entry["options"]["expires"] <= 6 * 3600, name
        assert entry["task"] in app.tasks, f"{name} names an unknown task"


def test_polling_tasks_go_to_the_ingest_queue():
    assert app.amqp.router.route({}, source_sync_task.name)["queue"].name == "ingest"
    assert app.amqp.router.route({}, "mentions.import_job_run")["queue"].name == "default"


def test_source_sync_task_is_acked_late_and_retried_a_bounded_number_of_times():
    assert source_sync_task.acks_late is True
    assert source_sync_task.max_retries == 5
