"""The run command: service discovery, embedded fallbacks, and the whole stack end to end."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import environ
import psycopg2
import pytest
import redis
from django.conf import settings
from kombu import Connection

from hospitallisten import launcher

BASE_DIR = Path(__file__).resolve().parent.parent


def test_explicit_urls_win(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example:5432/x")
    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/0")
    assert launcher.resolve_services([]) == ("postgres://u@db.example:5432/x", "redis://cache.example:6379/0")


def test_local_servers_are_used_when_they_answer(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    database_url, redis_url = launcher.resolve_services([])
    assert database_url == "postgres://postgres@127.0.0.1:5432/hospitallisten"
    assert redis_url == "redis://127.0.0.1:6379/0"


def test_embedded_postgres_and_redis_start_and_answer(tmp_path, monkeypatch):
    monkeypatch.setattr(launcher, "VAR_DIR", tmp_path)
    keep_alive: list = []
    database_url = launcher._embedded_postgres_url(keep_alive)
    config = environ.Env.db_url_config(database_url)
    connection = psycopg2.connect(host=config["HOST"], dbname=config["NAME"], user=config["USER"])
    with closing(connection), connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0].startswith("16")
    redis_url = launcher._embedded_redis_url(keep_alive)
    assert redis_url.startswith("redis+socket://")
    with Connection(redis_url) as broker:
        broker.ensure_connection(max_retries=3)
    keep_alive.clear()


def test_the_worker_runs_below_the_web_servers_priority():
    command = launcher.worker_command(Path("/venv/bin"))
    assert command[:4] == ["nice", "-n", "10", "/venv/bin/celery"]
    assert command[4:7] == ["-A", "hospitallisten", "worker"]


def test_the_scheduler_reads_its_schedule_from_the_database():
    command = launcher.beat_command(Path("/venv/bin"))
    assert command[:4] == ["/venv/bin/celery", "-A", "hospitallisten", "beat"]
    assert command[command.index("--scheduler") + 1] == "django_celery_beat.schedulers:DatabaseScheduler"
    assert "--schedule" not in command  # No schedule file: the database is the one copy.


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def fresh_database():
    name = "hospitallisten_launcher_test" + os.environ.get("TEST_DB_SUFFIX", "")
    admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    yield f"postgres://postgres@127.0.0.1:5432/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


def test_the_run_command_fills_the_dashboard_with_demo_data_through_the_worker(fresh_database):
    redis_url = "redis://127.0.0.1:6379/14"
    redis.Redis.from_url(redis_url).flushdb()
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": fresh_database, "REDIS_URL": redis_url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "hospitallisten.launcher", "--port", str(port)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        count = 0
        while time.monotonic() < deadline and count < 3000:
            time.sleep(1)
            assert process.poll() is None, process.stdout.read().decode(errors="replace")
            try:
                connection = psycopg2.connect(fresh_database)
                with closing(connection), connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM mentions_mention WHERE match_status = 'matched'")
                    count = cursor.fetchone()[0]
            except psycopg2.Error:
                continue  # Still migrating.
        assert count >= 3000
        connection = psycopg2.connect(fresh_database)
        with closing(connection), connection.cursor() as cursor:
            cursor.execute("SELECT name FROM django_celery_beat_periodictask WHERE enabled")
            assert {name for (name,) in cursor.fetchall()} >= set(settings.PERIODIC_TASK_DEFAULTS)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=10) as response:
            assert response.status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    text = output.decode(errors="replace")
    assert f"HospitalListen is running at http://127.0.0.1:{port}/" in text
    assert "Demo login: demo / listen-demo-2026" in text
    assert process.returncode == 0
